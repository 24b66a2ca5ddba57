package transform

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestIgnoresFollowEdits is a regression test: ignore comments were read once
// from the input, so after a pass moved lines they applied to whatever
// instruction had moved onto the old line number.
func TestIgnoresFollowEdits(t *testing.T) {
	grow := &Pass{Name: "grow", Run: func(u *Unit) error {
		for _, s := range u.Doc.Stages {
			end := u.Doc.LineEnd(s.From.EndLine)
			u.Begin().Replace(end, end, "LABEL grown=1\n")
		}
		return nil
	}}
	echo := &Pass{Name: "echo", Rules: []Rule{{"echo/b", "b to c"}}, Run: func(u *Unit) error {
		for _, in := range u.Doc.Instructions {
			if in.Shell != nil && in.Shell.Text == "echo b" {
				a, b := in.Shell.Range(5, 6)
				tx := u.Begin()
				tx.Replace(a, b, "c")
				tx.Changed(in.StartLine, "echo/b", "b to c")
			}
		}
		return nil
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
	if len(refused) != 1 || !strings.Contains(refused[0], "ignore comment above line 5") {
		t.Errorf("refusals %q, want one naming line 5 (the line in the input)", refused)
	}
}

func TestOldOffset(t *testing.T) {
	// "abcdef" with [1,3) → "XYZ" and an insertion "!" at 5: "aXYZde!f".
	edits := []Edit{{Start: 1, End: 3, Text: "XYZ"}, {Start: 5, End: 5, Text: "!"}}
	for newOff, want := range []int{0, 1, 1, 1, 3, 4, 5, 5} {
		if got, _ := oldOffset(edits, newOff); got != want {
			t.Errorf("oldOffset(%d) = %d, want %d", newOff, got, want)
		}
	}
}

// TestProcessKeepsUntouchedInstructions: a pass whose edit leaves a trailing
// escape token makes the RUN swallow the next instruction; the self-check
// must reject it even though the result parses (found by FuzzPipeline).
func TestProcessKeepsUntouchedInstructions(t *testing.T) {
	trim := &Pass{Name: "trim", Run: func(u *Unit) error {
		in := u.Doc.Instructions[1]
		u.Begin().Replace(in.End-len(" && rm -rf /x"), in.End, " ")
		return nil
	}}
	src := "FROM debian\nRUN echo \\ && rm -rf /x\nCOPY a b\n"
	_, err := Process("Dockerfile", []byte(src), []*Pass{trim}, nil)
	if err == nil || !strings.Contains(err.Error(), "pass trim changed the instruction at line 3") {
		t.Errorf("got %v, want an error naming pass trim and line 3", err)
	}
}

// TestFindingsOneLine checks that a message quoting multi-line shell text
// (a heredoc script's quoted string) stays one line of -v output.
func TestFindingsOneLine(t *testing.T) {
	quote := &Pass{Name: "quote", Rules: []Rule{{"quote/q", "quotes"}}, Run: func(u *Unit) error {
		u.Begin().Changed(1, "quote/q", "quoted 'apt-get update\napt-get install -y x'\r\nend")
		return nil
	}}
	res, err := Process("Dockerfile", []byte("FROM alpine\n"), []*Pass{quote}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Findings[0].Message, "quoted 'apt-get update ↵ apt-get install -y x' ↵ end"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

// TestEditIndex checks editIndex against a walk over the edits, on random
// non-overlapping edits (insertions, deletions, replacements, several at
// one offset).
func TestEditIndex(t *testing.T) {
	walk := func(edits []Edit, off int) (int, bool) {
		delta := 0
		for _, e := range edits {
			newStart := e.Start + delta
			if off < newStart {
				break
			}
			if off < newStart+len(e.Text) {
				return e.Start, true
			}
			delta += len(e.Text) - (e.End - e.Start)
		}
		return off - delta, false
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var edits []Edit
		pos := 0
		for range rng.IntN(6) {
			start := pos + rng.IntN(4)
			end := start + rng.IntN(3)
			edits = append(edits, Edit{Start: start, End: end, Text: strings.Repeat("x", rng.IntN(4))})
			pos = end
		}
		x := newEditIndex(edits)
		for off := 0; off < pos+20; off++ {
			o1, i1 := walk(edits, off)
			o2, i2 := x.old(off)
			if o1 != o2 || i1 != i2 {
				t.Fatalf("edits %v, offset %d: index says (%d, %v), walk (%d, %v)", edits, off, o2, i2, o1, i1)
			}
		}
	}
}

// TestOrder checks the order derived from After lists: ties broken by
// name, and that a cycle, an unknown name or a name listed twice is an
// error.
func TestOrder(t *testing.T) {
	fake := func(after map[string][]string) map[string]*Pass {
		ps := map[string]*Pass{}
		for n, a := range after {
			ps[n] = &Pass{Name: n, After: a}
		}
		return ps
	}
	if _, err := Order([]*Pass{{Name: "a"}, {Name: "a"}}); err == nil || !strings.Contains(err.Error(), "pass a is listed twice") {
		t.Errorf("twice: got error %v", err)
	}
	got, err := pipelineOrder(fake(map[string][]string{"c": {"a"}, "b": nil, "a": nil, "d": {"c", "b"}}))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, p := range got {
		order = append(order, p.Name)
	}
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v (ties broken by name)", order, want)
	}
	if _, err := pipelineOrder(fake(map[string][]string{"a": {"c"}, "b": {"a"}, "c": {"b"}, "d": nil})); err == nil || !strings.Contains(err.Error(), "a, b, c run after each other in a cycle") {
		t.Errorf("cycle: got error %v", err)
	}
	if _, err := pipelineOrder(fake(map[string][]string{"a": {"nope"}})); err == nil || !strings.Contains(err.Error(), `"nope", which is not a pass`) {
		t.Errorf("unknown pass: got error %v", err)
	}
}

// oldOffset maps an offset in the text after edits (sorted by Start) to
// the offset in the text before them; an offset inside an edit's text maps
// to the edit's start, with inserted set.
func oldOffset(edits []Edit, off int) (old int, inserted bool) {
	return newEditIndex(edits).old(off)
}
