package parser

import (
	"testing"
)

func TestShellSpan(t *testing.T) {
	src := "FROM debian\r\nRUN apt-get update && \\\r\n  # comment\r\n    apt-get install -y curl \\\r\n\r\n  git\r\n"
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	run := d.Instructions[1]
	if run.Shell == nil || run.Shell.Err != nil {
		t.Fatalf("shell: %+v", run.Shell)
	}
	for i := range run.Shell.Text {
		if c := src[run.Shell.Offset(i)]; c != run.Shell.Text[i] {
			t.Fatalf("offset %d: %q != %q", i, c, run.Shell.Text[i])
		}
	}
	t.Logf("%q %d-%d %q", run.Shell.Text, run.Start, run.End, src[run.Start:run.End])
}

func TestShellComment(t *testing.T) {
	for text, want := range map[string]bool{
		`echo a # note`:       true,
		`echo ""#x`:           false, // a word, as in bash
		"echo a; # c":         true,
		`echo a#b "#" '#' \#`: false,
		`echo ${#PATH}`:       false,
	} {
		d, err := Parse([]byte("FROM x\nRUN " + text + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Instructions[1].Shell.Comment; got != want {
			t.Errorf("%s: Comment = %v, want %v", text, got, want)
		}
	}
}

func TestStageParent(t *testing.T) {
	d, err := Parse([]byte("FROM golang AS Build\nFROM build AS test\nFROM alpine\nFROM test\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := d.Stages
	if s[0].Parent != nil || s[1].Parent != s[0] || s[2].Parent != nil || s[3].Parent != s[1] {
		t.Fatalf("parents: %v %v %v %v", s[0].Parent, s[1].Parent, s[2].Parent, s[3].Parent)
	}
}
