package parser

import (
	"fmt"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// TestWalkOrder: Walk visits the same nodes in the same order as
// syntax.Walk (leaving out the nil calls), also when the visitor prunes.
func TestWalkOrder(t *testing.T) {
	srcs := []string{
		"a && b || c | d; e & f",
		"# c\nx=1 y=$(a && b) cmd >out 2>&1 <<EOF\nhi\nEOF\n",
		"if a; then b && c; fi && ( d | e ) || { f; } # tail",
		"for i in 1 2; do echo $i | tr 1 2 > /f; done && ! g",
	}
	for _, src := range srcs {
		f, err := syntax.NewParser().Parse(strings.NewReader(src), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, prune := range []bool{false, true} {
			trace := func(walk func(syntax.Node, func(syntax.Node) bool)) []string {
				var out []string
				walk(f, func(n syntax.Node) bool {
					if n == nil {
						return true
					}
					out = append(out, fmt.Sprintf("%T@%d", n, n.Pos().Offset()))
					_, call := n.(*syntax.CallExpr)
					return !(prune && call)
				})
				return out
			}
			want, got := trace(syntax.Walk), trace(Walk)
			if strings.Join(want, " ") != strings.Join(got, " ") {
				t.Errorf("%q (prune %v):\nsyntax.Walk %v\nWalk        %v", src, prune, want, got)
			}
		}
	}
}
