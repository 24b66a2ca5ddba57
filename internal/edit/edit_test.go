package edit

import (
	"slices"
	"testing"
)

func TestSortKeepsInsertionOrder(t *testing.T) {
	in := []Edit{{Start: 5, End: 5, Text: "b"}, {Start: 1, End: 2, Text: "x"}, {Start: 5, End: 5, Text: "c"}}
	got := Sort(in)
	want := []Edit{{Start: 1, End: 2, Text: "x"}, {Start: 5, End: 5, Text: "b"}, {Start: 5, End: 5, Text: "c"}}
	if !slices.Equal(got, want) {
		t.Errorf("Sort = %v, want %v", got, want)
	}
	if in[0].Text != "b" {
		t.Errorf("Sort changed its argument: %v", in)
	}
}

func TestApply(t *testing.T) {
	src := []byte("abcdef")
	got, err := Apply(src, []Edit{{Start: 5, End: 5, Text: "!"}, {Start: 1, End: 3, Text: "XYZ"}, {Start: 5, End: 5, Text: "?"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "aXYZde!?f" {
		t.Errorf("Apply = %q, want %q", got, "aXYZde!?f")
	}
	if string(src) != "abcdef" {
		t.Errorf("Apply changed src: %q", src)
	}
}

func TestApplyRefusesBadEdits(t *testing.T) {
	for _, edits := range [][]Edit{
		{{Start: 1, End: 4, Text: ""}, {Start: 3, End: 5, Text: ""}}, // overlap
		{{Start: 4, End: 2, Text: ""}},                               // reversed
		{{Start: 5, End: 7, Text: ""}},                               // past the end
	} {
		if out, err := Apply([]byte("abcdef"), edits); err == nil {
			t.Errorf("Apply(%v) = %q, want an error", edits, out)
		}
	}
}
