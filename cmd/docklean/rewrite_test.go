package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputInInputOrder walks a folder where slow files (a long RUN chain)
// sit before quick ones, so that workers finish out of order, and checks that
// -l lists the changed files in walk order, each once.
func TestOutputInInputOrder(t *testing.T) {
	dir := t.TempDir()
	slow := "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl" + strings.Repeat(" && echo x", 3000) + "\n"
	var want []string
	for i := range 300 {
		name := filepath.Join(dir, fmt.Sprintf("%03d.Dockerfile", i))
		src := "FROM scratch\nCOPY a /a\n" // left alone
		switch {
		case i%50 == 0:
			src = slow
		case i%3 == 0:
			src = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\n"
		}
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if src != "FROM scratch\nCOPY a /a\n" {
			want = append(want, name)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"docklean", "-l", dir}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got := strings.Fields(out.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("listed %d files, want %d in walk order:\n%s", len(got), len(want), out.String())
	}
}

// TestProgressAround checks that output written around the progress bar
// first erases a drawn bar, and leaves an undrawn one alone.
func TestProgressAround(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, drawn: true}
	p.around(func() { buf.WriteString("file\n") })
	p.around(func() { buf.WriteString("next\n") })
	if got, want := buf.String(), "\r\x1b[Kfile\nnext\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
