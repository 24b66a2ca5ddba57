package shellx

import (
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/edit"
	"github.com/docklean/docklean/parser"
	"mvdan.cc/sh/v3/syntax"
)

// TestDeleteStmt removes the command a (and b, after x) of each RUN. A command that
// would be left first with a leading "-" is refused: buildkit would read it
// as a flag of RUN (FuzzPipeline found "RUN apt-get update &--0"). Comment
// lines next to the command stay.
func TestDeleteStmt(t *testing.T) {
	for _, c := range []struct{ run, want string }{
		{"RUN a && b", "RUN b"},
		{"RUN a; b", "RUN b"},
		{"RUN a && \\\n    b && c", "RUN b && c"},
		{"RUN a & --0", ""},
		{"RUN a && --x", ""},
		{"RUN a; -x", ""},
		{"RUN a || b", ""},
		{"RUN a", ""},
		{"RUN a && \\\n# why b\n    b", "RUN \\\n# why b\n    b"},
		{"RUN if x; then a && b; fi", "RUN if x; then b; fi"},
		{"RUN x && a && b && c", "RUN x && c"},
	} {
		src := "FROM debian\n" + c.run + "\n"
		doc, err := parser.Parse([]byte(src))
		if err != nil {
			t.Fatalf("%q: %v", c.run, err)
		}
		sh := doc.Instructions[1].Shell
		del := []*syntax.Stmt{firstCmd(sh.File, "a")}
		if b := firstCmd(sh.File, "b"); strings.HasPrefix(c.run, "RUN x") {
			del = append(del, b) // two neighbours at once
		}
		edits, ok := DeleteCmds(doc, sh, del...)
		got := ""
		if ok {
			out, err := edit.Apply([]byte(src), edits)
			if err != nil {
				t.Fatalf("%q: %v", c.run, err)
			}
			got = string(out[len("FROM debian\n") : len(out)-1])
		}
		if got != c.want {
			t.Errorf("%q: got %q (ok=%v), want %q", c.run, got, ok, c.want)
		}
	}
}

// firstCmd returns the statement of the first simple command named name.
func firstCmd(f *syntax.File, name string) *syntax.Stmt {
	var found *syntax.Stmt
	syntax.Walk(f, func(n syntax.Node) bool {
		if st, ok := n.(*syntax.Stmt); ok && found == nil {
			if c, ok := st.Cmd.(*syntax.CallExpr); ok {
				if w, _ := WordLit(c.Args[0]); w == name {
					found = st
				}
			}
		}
		return found == nil
	})
	return found
}

// TestStmtEndBareRedirect: a statement that is only a redirection has no
// command; StmtEnd panicked on it (FuzzPipeline: "RUN dnf install &0\<nl>>0").
func TestStmtEndBareRedirect(t *testing.T) {
	src := "FROM debian\nRUN true; >out\n"
	doc, err := parser.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sh := doc.Instructions[1].Shell
	if got := src[:StmtEnd(sh, sh.File.Stmts[1])]; got != "FROM debian\nRUN true; >out" {
		t.Errorf("StmtEnd cuts at %q", got)
	}
}
