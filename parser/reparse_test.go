package parser

import (
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// TestReparse checks that Reparse gives what Parse gives, sharing the shell
// trees of unchanged RUNs only.
func TestReparse(t *testing.T) {
	old, err := Parse([]byte("FROM debian\nRUN apt-get update\nRUN echo a &&\\\n    echo b\nRUN if then\n"))
	if err != nil {
		t.Fatal(err)
	}
	src := []byte("FROM debian\nRUN apt-get update && echo c\n\n  RUN echo a &&\\\n    echo b\nRUN if then\n")
	got, err := old.Reparse(src)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range want.Instructions {
		g := got.Instructions[i]
		if (in.Shell == nil) != (g.Shell == nil) {
			t.Fatalf("instruction %d: shell %v, want %v", i, g.Shell, in.Shell)
		}
		if in.Shell == nil {
			continue
		}
		if g.Shell.Text != in.Shell.Text || (g.Shell.Err == nil) != (in.Shell.Err == nil) || g.Shell.Comment != in.Shell.Comment ||
			g.Shell.Offset(0) != in.Shell.Offset(0) || g.Shell.Offset(len(in.Shell.Text)) != in.Shell.Offset(len(in.Shell.Text)) {
			t.Errorf("instruction %d: Reparse gave %+v, Parse %+v", i, g.Shell, in.Shell)
		}
		if g.Shell.File != nil && syntaxString(g.Shell.File) != syntaxString(in.Shell.File) {
			t.Errorf("instruction %d: trees differ", i)
		}
	}
	if got.Instructions[1].Shell.File == old.Instructions[1].Shell.File {
		t.Error("a changed RUN kept its old tree")
	}
	if got.Instructions[2].Shell.File != old.Instructions[2].Shell.File {
		t.Error("an unchanged RUN (moved, re-indented) was parsed again")
	}
	if got.Instructions[3].Shell.Err == nil {
		t.Error("an unparsable RUN lost its error")
	}
}

func syntaxString(f *syntax.File) string {
	var b []byte
	syntax.Walk(f, func(n syntax.Node) bool {
		if n != nil {
			b = append(b, n.Pos().String()...)
		}
		return true
	})
	return string(b)
}

// TestOffsetMap checks the run-length map of shell text offsets against a
// map with one offset per byte, for every slice of a text made of runs
// that touch, are apart, and are empty.
func TestOffsetMap(t *testing.T) {
	var m offsetMap
	var want []int
	for _, r := range [][2]int{{5, 3}, {8, 2}, {20, 0}, {20, 4}, {30, 1}, {2, 3}} {
		m.add(r[0], r[1])
		for i := range r[1] {
			want = append(want, r[0]+i)
		}
	}
	if m.n != len(want) || len(m.runs) != 4 {
		t.Fatalf("n = %d, %d runs; want %d bytes in 4 runs (5-9 is one): %v", m.n, len(m.runs), len(want), m.runs)
	}
	for i := range want {
		for j := i; j <= len(want); j++ {
			s := m.slice(i, j)
			if s.n != j-i {
				t.Fatalf("slice(%d, %d).n = %d", i, j, s.n)
			}
			for k := range j - i {
				if got := s.at(k); got != want[i+k] {
					t.Fatalf("slice(%d, %d).at(%d) = %d, want %d", i, j, k, got, want[i+k])
				}
			}
		}
	}
}
