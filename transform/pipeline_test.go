package transform

import (
	"strings"
	"testing"
)

// TestIgnoresFollowEdits is a regression test: ignore comments were read once
// from the input, so after a pass moved lines they applied to whatever
// instruction had moved onto the old line number.
func TestIgnoresFollowEdits(t *testing.T) {
	grow := &Pass{Name: "grow", Run: func(u *Unit) {
		for _, s := range u.Doc.Stages {
			end := u.Doc.LineEnd(s.From.EndLine)
			u.Replace(end, end, "LABEL grown=1\n")
		}
	}}
	echo := &Pass{Name: "echo", Run: func(u *Unit) {
		for _, in := range u.Doc.Instructions {
			if in.Shell != nil && in.Shell.Text == "echo b" {
				a, b := in.Shell.Range(5, 6)
				u.Replace(a, b, "c")
				u.Changed(in.StartLine, "b to c")
			}
		}
	}}
	src := "FROM alpine AS one\nRUN echo b\nFROM alpine\n# docklean:ignore=echo\nRUN echo b\n"
	want := "FROM alpine AS one\nLABEL grown=1\nRUN echo c\nFROM alpine\nLABEL grown=1\n# docklean:ignore=echo\nRUN echo b\n"
	res, err := Process("Dockerfile", []byte(src), []*Pass{grow, echo}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Output) != want {
		t.Errorf("got\n%s\nwant\n%s", res.Output, want)
	}
	var refused []string
	for _, f := range res.Findings {
		if f.Kind == Refused {
			refused = append(refused, f.Message)
		}
	}
	if len(refused) != 1 || !strings.Contains(refused[0], "ignore comment above line 7") {
		t.Errorf("refusals %q, want one naming line 7", refused)
	}
}
