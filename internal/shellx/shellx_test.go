package shellx

import (
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/parser"
	"mvdan.cc/sh/v3/syntax"
)

// parseRun parses a Dockerfile and returns it with its last instruction,
// which must be a RUN.
func parseRun(t *testing.T, src string) (*parser.Document, *parser.Instruction) {
	t.Helper()
	doc, err := parser.Parse([]byte(src))
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	in := doc.Instructions[len(doc.Instructions)-1]
	if in.Shell == nil {
		t.Fatalf("%q: the last instruction has no shell", src)
	}
	return doc, in
}

// texts returns the shell text of stmts.
func texts(sh *parser.Shell, stmts []*syntax.Stmt) []string {
	var out []string
	for _, st := range stmts {
		out = append(out, sh.Text[st.Pos().Offset():st.End().Offset()])
	}
	return out
}

func TestWordLitAndCallArgs(t *testing.T) {
	for _, c := range []struct {
		run  string
		want []string
		ok   bool
	}{
		{`echo a 'b c' "d"`, []string{"echo", "a", "b c", "d"}, true},
		{`echo a\ b`, []string{"echo", "a b"}, true},
		{`echo $X`, []string{"echo"}, false},
		{`echo "$X"`, []string{"echo"}, false},
		{`echo $'\n'`, []string{"echo"}, false},
	} {
		_, in := parseRun(t, "FROM debian\nRUN "+c.run+"\n")
		call := in.Shell.File.Stmts[0].Cmd.(*syntax.CallExpr)
		got, ok := CallArgs(call)
		if !slices.Equal(got, c.want) || ok != c.ok {
			t.Errorf("CallArgs(%q) = %q, %v; want %q, %v", c.run, got, ok, c.want, c.ok)
		}
	}
}

func TestParamName(t *testing.T) {
	for word, want := range map[string]string{
		`$HOME`: "HOME", `"$HOME"`: "HOME", `${HOME}`: "HOME", `"${HOME}"`: "HOME",
		`${HOME:-x}`: "", `${#HOME}`: "", `${HOME/a/b}`: "", `$HOME/x`: "", `"$A$B"`: "", `home`: "",
	} {
		_, in := parseRun(t, "FROM debian\nRUN rm "+word+"\n")
		w := in.Shell.File.Stmts[0].Cmd.(*syntax.CallExpr).Args[1]
		if got, ok := ParamName(w); got != want || ok != (want != "") {
			t.Errorf("ParamName(%s) = %q, %v; want %q", word, got, ok, want)
		}
	}
}

func TestUnescapeLit(t *testing.T) {
	for in, want := range map[string]string{`a\ b`: "a b", "a\\\nb": "ab", `a\\b`: `a\b`, `a\`: `a\`} {
		if got := UnescapeLit(in); got != want {
			t.Errorf("UnescapeLit(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWordText(t *testing.T) {
	_, in := parseRun(t, "FROM debian\nRUN echo \"$HOME\"/x 'y'\n")
	call := in.Shell.File.Stmts[0].Cmd.(*syntax.CallExpr)
	if got := WordText(in.Shell, call.Args[1]); got != `"$HOME"/x` {
		t.Errorf("WordText = %q", got)
	}
}

func TestAndChains(t *testing.T) {
	_, in := parseRun(t, "FROM debian\nRUN a && b | c && (d && e); f || g && h\n")
	sh := in.Shell
	if got, want := texts(sh, FlattenAnd(sh.File)), []string{"a", "b | c", "(d && e)", "f || g", "h"}; !slices.Equal(got, want) {
		t.Errorf("FlattenAnd = %q, want %q", got, want)
	}
	first := sh.File.Stmts[0]
	if got, want := texts(sh, AndLeaves(first)), []string{"a", "b | c", "(d && e)"}; !slices.Equal(got, want) {
		t.Errorf("AndLeaves = %q, want %q", got, want)
	}
	if got := texts(sh, []*syntax.Stmt{FirstStmt(first)}); got[0] != "a" {
		t.Errorf("FirstStmt = %q", got)
	}
	leaves := AndLeaves(first)
	for i, want := range []bool{true, true, false} {
		if got := SimpleCmd(leaves[i]); got != want {
			t.Errorf("SimpleCmd(%q) = %v", texts(sh, leaves[i:i+1]), got)
		}
	}
	inner := firstCmd(sh.File, "d")
	if got, want := texts(sh, StmtList(sh.File, inner)), []string{"d", "e"}; !slices.Equal(got, want) {
		t.Errorf("StmtList = %q, want %q", got, want)
	}
}

func TestErrexit(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"/bin/bash", "-eo", "pipefail", "-c"}, true},
		{[]string{"set", "-ex"}, true},
		{[]string{"set", "-o", "errexit"}, true},
		{[]string{"/bin/sh", "-c"}, false},
		{[]string{"bash", "--norc", "-c"}, false},
		{[]string{"-e"}, false}, // the command name is not an option
	} {
		if got := Errexit(c.args); got != c.want {
			t.Errorf("Errexit(%q) = %v, want %v", c.args, got, c.want)
		}
	}
	for run, want := range map[string]bool{
		"set -e; a":                true,
		"a && (set -o errexit; b)": true,
		"a; set +x":                false,
		"echo set -e":              false,
	} {
		_, in := parseRun(t, "FROM debian\nRUN "+run+"\n")
		if got := SetsErrexit(in.Shell.File); got != want {
			t.Errorf("SetsErrexit(%q) = %v, want %v", run, got, want)
		}
	}
}

func TestStyleOfAndJoin(t *testing.T) {
	for _, c := range []struct {
		src, want string
	}{
		{"FROM debian\nRUN a && \\\n  b && \\\n  c\n", " && \\\n  x"},
		{"FROM debian\nRUN a \\\n\t&& b \\\n\t&& c\n", " \\\n\t&& x"},
		{"FROM debian\nRUN a\n", " && \\\n    x"},
		{"# escape=`\nFROM windows\nRUN a\n", " && `\n    x"},
		{"FROM debian\nRUN <<EOF\na\nEOF\n", " && \\\n    x"},
	} {
		doc, in := parseRun(t, c.src)
		if got := StyleOf(doc).Join(doc, in, "x"); got != c.want {
			t.Errorf("%q: Join = %q, want %q", c.src, got, c.want)
		}
	}
	doc, in := parseRun(t, "FROM debian\r\nRUN a\r\n")
	if got := LineBreak(doc, in); got != "\\\r\n" {
		t.Errorf("LineBreak in a CRLF file = %q", got)
	}
}

func TestShellAt(t *testing.T) {
	for _, c := range []struct {
		src   string
		shell string
		posix bool
	}{
		{"FROM debian\nRUN a\n", "", true},
		{"FROM debian\nSHELL [\"/bin/bash\", \"-c\"]\nRUN a\n", "/bin/bash -c", true},
		{"FROM debian AS b\nSHELL [\"pwsh\", \"-c\"]\nFROM b\nRUN a\n", "pwsh -c", false},
		{"FROM debian\nRUN a\nSHELL [\"pwsh\", \"-c\"]\nRUN b\n", "pwsh -c", false},
		{"FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a\n", "", false},
	} {
		doc, in := parseRun(t, c.src)
		if got := strings.Join(ShellAt(doc, in), " "); got != c.shell {
			t.Errorf("%q: ShellAt = %q, want %q", c.src, got, c.shell)
		}
		if got := PosixShellAt(doc, in); got != c.posix {
			t.Errorf("%q: PosixShellAt = %v, want %v", c.src, got, c.posix)
		}
	}
}
