package parser

import (
	"strings"
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

// TestHeredocShell checks which heredoc RUNs get their body as shell text,
// and that the body maps byte for byte to the file.
func TestHeredocShell(t *testing.T) {
	for _, c := range []struct {
		run     string
		body    string // "" when the RUN gets no mapped shell
		err     error  // the shell's error when it has one
		shebang string // the Shebang words, joined
	}{
		{"RUN <<EOF\napt-get update\nEOF", "apt-get update\n", nil, ""},
		{"RUN bash <<-\"EOT\"\n\tset -e\n\tapt-get install -y \\\n\t\tcurl\n\tEOT", "\tset -e\n\tapt-get install -y \\\n\t\tcurl\n", nil, ""},
		{"RUN --mount=type=cache,target=/root/.cache \\\n  /bin/sh <<'EOF'\npip install x\nEOF", "pip install x\n", nil, ""},
		{"RUN <<EOF\n#!/bin/sh\necho hi\nEOF", "#!/bin/sh\necho hi\n", nil, "/bin/sh"},
		{"RUN <<EOF\n#!/usr/bin/env bash\necho hi\nEOF", "#!/usr/bin/env bash\necho hi\n", nil, "/usr/bin/env bash"},
		{"RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF", "", nil, ""},
		{"RUN <<EOF bash\necho hi\nEOF", "", nil, ""},
		{"RUN cat <<EOF | sh\necho hi\nEOF", "", nil, ""},
		{"RUN python3 <<EOF\nprint(1)\nEOF", "", nil, ""},
		{"RUN <<A <<B\necho a\nA\necho b\nB", "", nil, ""},
		{"RUN <<EOF\r\necho hi\r\nEOF\r", "", errCRLF, ""},
		{"RUN <<EOF\n#!/bin/sh -e\nfalse\nEOF", "#!/bin/sh -e\nfalse\n", nil, "/bin/sh -e"},
		{"RUN <<-EOF\n\t#!/bin/bash -eu\n\ttrue\n\tEOF", "\t#!/bin/bash -eu\n\ttrue\n", nil, "/bin/bash -eu"},
		{"RUN bash <<EOF\n#!/bin/sh -e\ntrue\nEOF", "#!/bin/sh -e\ntrue\n", nil, ""}, // bash reads it: a comment
		{"RUN <<-EOF\n\t#!/usr/bin/env python3\n\tprint(1)\n\tEOF", "", nil, ""},
		{"RUN <<EOF\ncat <<X > /etc/f\nx\nX\napt-get update\nEOF", "", nil, ""},
		{"# escape=`\nRUN <<EOF\necho hi\nEOF", "", nil, ""},
	} {
		src := "FROM x\n" + c.run + "\nCMD [\"x\"]\n"
		if strings.HasPrefix(c.run, "#") {
			src = c.run[:strings.Index(c.run, "\n")+1] + "FROM x\n" + c.run[strings.Index(c.run, "\n")+1:] + "\nCMD [\"x\"]\n"
		}
		d, err := Parse([]byte(src))
		if err != nil {
			t.Fatalf("%q: %v", c.run, err)
		}
		in := d.Instructions[1]
		sh := in.Shell
		switch {
		case c.err != nil:
			if sh == nil || sh.Err != c.err {
				t.Errorf("%q: shell %+v, want error %v", c.run, sh, c.err)
			}
		case c.body == "":
			if sh != nil {
				t.Errorf("%q: got shell %q, want none", c.run, sh.Text)
			}
		case sh == nil || !sh.Mapped() || sh.Err != nil || sh.Text != c.body:
			t.Errorf("%q: shell %+v, want mapped body %q", c.run, sh, c.body)
		default:
			for i := range sh.Text {
				if src[sh.Offset(i)] != sh.Text[i] {
					t.Fatalf("%q: byte %d maps to %q", c.run, i, src[sh.Offset(i)])
				}
			}
			if err := checkShell(d, in); err != nil {
				t.Errorf("%q: %v", c.run, err)
			}
			if got := strings.Join(sh.Shebang, " "); got != c.shebang {
				t.Errorf("%q: Shebang %q, want %q", c.run, got, c.shebang)
			}
		}
	}
}

// TestOddSpace checks that shell text with white space buildkit trims but
// the shell does not is not offered for editing.
func TestOddSpace(t *testing.T) {
	for _, text := range []string{"! \f&& rm x", "echo a\vb", "echo a\u00a0b"} {
		d, err := Parse([]byte("FROM x\nRUN " + text + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if sh := d.Instructions[1].Shell; sh == nil || sh.Err != errOddSpace {
			t.Errorf("%q: shell %+v, want errOddSpace", text, sh)
		}
	}
}
