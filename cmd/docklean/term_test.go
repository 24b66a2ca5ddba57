package main

import (
	"bytes"
	"testing"
)

func TestColorDiff(t *testing.T) {
	in := "--- a/D\n+++ b/D\n@@ -1,2 +1,2 @@\n FROM x\r\n-RUN a\n+RUN b\n\\ No newline at end of file\n"
	want := ansiBold + "--- a/D" + ansiReset + "\n" + ansiBold + "+++ b/D" + ansiReset + "\n" +
		ansiCyan + "@@ -1,2 +1,2 @@" + ansiReset + "\n FROM x\r\n" +
		ansiRed + "-RUN a" + ansiReset + "\n" + ansiGreen + "+RUN b" + ansiReset + "\n\\ No newline at end of file\n"
	if got := string(colorDiff([]byte(in))); got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestNoColorWhenPiped(t *testing.T) {
	if useColor(&bytes.Buffer{}) {
		t.Fatal("colour on a buffer")
	}
}
