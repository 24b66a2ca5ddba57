package transform

import (
	"testing"

	"github.com/docklean/docklean/parser"
)

// TestDeleteStmt removes the first command of each RUN. A command that
// would be left first with a leading "-" is refused: buildkit would read it
// as a flag of RUN (FuzzPipeline found "RUN apt-get update &--0").
func TestDeleteStmt(t *testing.T) {
	for _, c := range []struct{ run, want string }{
		{"RUN a && b", "RUN b"},
		{"RUN a; b", "RUN b"},
		{"RUN a && \\\n    b && c", "RUN b && c"},
		{"RUN a & --0", ""},
		{"RUN a && --x", ""},
		{"RUN a; -x", ""},
		{"RUN a || b", ""},
	} {
		src := "FROM debian\n" + c.run + "\n"
		doc, err := parser.Parse([]byte(src))
		if err != nil {
			t.Fatalf("%q: %v", c.run, err)
		}
		sh := doc.Instructions[1].Shell
		first := firstStmt(sh.File.Stmts[0])
		a, b, ok := deleteStmt(sh, first)
		got := ""
		if ok {
			got = src[:a] + src[b:]
			got = got[len("FROM debian\n") : len(got)-1]
		}
		if got != c.want {
			t.Errorf("%q: got %q (ok=%v), want %q", c.run, got, ok, c.want)
		}
	}
}

// TestStmtEndBareRedirect: a statement that is only a redirection has no
// command; stmtEnd panicked on it (FuzzPipeline: "RUN dnf install &0\<nl>>0").
func TestStmtEndBareRedirect(t *testing.T) {
	src := "FROM debian\nRUN true; >out\n"
	doc, err := parser.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sh := doc.Instructions[1].Shell
	if got := src[:stmtEnd(sh, sh.File.Stmts[1])]; got != "FROM debian\nRUN true; >out" {
		t.Errorf("stmtEnd cuts at %q", got)
	}
}
