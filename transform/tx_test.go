package transform

import (
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/edit"
)

// txPass builds a test pass with the codes t/change, t/note and t/block.
func txPass(name string, run func(u *Unit)) *Pass {
	return &Pass{Name: name, Rules: []Rule{{"t/change", "a change"}, {"t/note", "a note"}, {"t/block", "a blocker"}},
		Run: func(u *Unit) error { run(u); return nil }}
}

// TestTxRefusedLandsNothing: a transaction with blockers lands none of its
// edits, reports every blocker (the same one once) and none of its changes
// or notes; another transaction of the same pass lands whole.
func TestTxRefusedLandsNothing(t *testing.T) {
	src := "FROM debian\nRUN echo a\nRUN echo b\n"
	p := txPass("t", func(u *Unit) {
		a, b := u.Begin(), u.Begin()
		for i, tx := range []*Tx{a, b} {
			in := u.Doc.Instructions[i+1]
			s, e := in.Shell.Range(5, 6)
			tx.Replace(s, e, "z")
			tx.Changed(in.StartLine, "t/change", "to z")
			tx.Note(in.StartLine, "t/note", "noted")
		}
		b.Refuse(3, "t/block", "first %s", "blocker")
		b.Refuse(2, "t/block", "second, see %v", Line(2))
		b.Refuse(3, "t/block", "first %s", "blocker")
	})
	res, err := Process("Dockerfile", []byte(src), []*Pass{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "FROM debian\nRUN echo z\nRUN echo b\n"; string(res.Output) != want {
		t.Errorf("output %q, want %q", res.Output, want)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, string(f.Kind)+" "+string(f.Code)+" "+f.Message)
	}
	want := []string{"changed t/change to z", "info t/note noted", "refused t/block first blocker", "refused t/block second, see line 2"}
	if !slices.Equal(got, want) {
		t.Errorf("findings\n%q\nwant\n%q", got, want)
	}
	if f := res.Findings[0]; !slices.Equal(f.Edits, []Edit{{Start: 21, End: 22, Text: "z"}}) {
		t.Errorf("the change carries edits %v, want the one edit of its transaction", f.Edits)
	}
	if f := res.Findings[3]; !slices.Equal(f.Related, []int{2}) {
		t.Errorf("related %v, want [2]", f.Related)
	}
}

// TestTxLinesMapToTheOriginal: lines among a message's arguments, like the
// finding's own line, name lines of the file as written after an earlier
// pass moved them, and so do the edits a finding carries.
func TestTxLinesMapToTheOriginal(t *testing.T) {
	src := "FROM debian\nRUN echo a\nRUN echo b\n"
	grow := txPass("grow", func(u *Unit) {
		end := u.Doc.LineEnd(1)
		u.Begin().Replace(end, end, "LABEL a=1\nLABEL b=2\n")
	})
	var sawLine int
	point := txPass("point", func(u *Unit) {
		in := u.Doc.Instructions[len(u.Doc.Instructions)-1] // RUN echo b, now line 5
		sawLine = in.StartLine
		tx := u.Begin()
		s, e := in.Shell.Range(5, 6)
		tx.Replace(s, e, "c")
		tx.Changed(in.StartLine, "t/change", "%v follows %v and %v", Msgf("%v", Line(in.StartLine)), Lines{in.StartLine - 1}, Lines{4, 5})
	})
	res, err := Process("Dockerfile", []byte(src), []*Pass{grow, point}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sawLine != 5 {
		t.Fatalf("the second pass saw the RUN on line %d, want 5", sawLine)
	}
	f := res.Findings[len(res.Findings)-1]
	if f.Line != 3 || f.Message != "line 3 follows line 2 and lines 2 and 3" {
		t.Errorf("finding line %d %q, want line 3 \"line 3 follows line 2 and lines 2 and 3\"", f.Line, f.Message)
	}
	if !slices.Equal(f.Related, []int{3, 2, 2, 3}) {
		t.Errorf("related %v", f.Related)
	}
	out, err := edit.Apply([]byte(src), f.Edits)
	if err != nil || string(out) != "FROM debian\nRUN echo a\nRUN echo c\n" {
		t.Errorf("the finding's edits on the original give %q (%v)", out, err)
	}
}

// TestOrigEditsRefusesInsertedText: an edit inside text an earlier pass
// wrote cannot be said in the original's bytes.
func TestOrigEditsRefusesInsertedText(t *testing.T) {
	// "abcdef" → [2,4) "XYZW" → "abXYZWef"
	h := []*editIndex{newEditIndex([]Edit{{Start: 2, End: 4, Text: "XYZW"}})}
	cases := []struct {
		e    Edit
		want []Edit
	}{
		{Edit{Start: 0, End: 2, Text: "_"}, []Edit{{Start: 0, End: 2, Text: "_"}}},
		{Edit{Start: 6, End: 8, Text: "_"}, []Edit{{Start: 4, End: 6, Text: "_"}}},
		{Edit{Start: 8, End: 8, Text: "!"}, []Edit{{Start: 6, End: 6, Text: "!"}}},
		{Edit{Start: 3, End: 4, Text: "_"}, nil},
		{Edit{Start: 1, End: 7, Text: "_"}, nil},
		{Edit{Start: 4, End: 4, Text: "_"}, nil},
	}
	for _, c := range cases {
		if got := origEdits(h, []Edit{c.e}); !slices.Equal(got, c.want) {
			t.Errorf("origEdits(%v) = %v, want %v", c.e, got, c.want)
		}
	}
}

// TestTxIgnoreComment: an ignore comment blocks a transaction whose edits
// touch the instruction below it, and one that covers its stage, once per
// stage; other stages land.
func TestTxIgnoreComment(t *testing.T) {
	src := "FROM debian AS a\n# docklean:ignore=t\nRUN echo a\nFROM debian AS b\nRUN echo b\n"
	p := txPass("t", func(u *Unit) {
		for _, in := range u.Doc.Instructions {
			if in.Shell != nil {
				s, e := in.Shell.Range(5, 6)
				tx := u.Begin()
				tx.Replace(s, e, "z")
				tx.Changed(in.StartLine, "t/change", "to z")
			}
		}
		u.Begin().Cover(u.Doc.Stages[0]) // a second change of stage a, with no edits of its own
	})
	res, err := Process("Dockerfile", []byte(src), []*Pass{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "FROM debian AS a\n# docklean:ignore=t\nRUN echo a\nFROM debian AS b\nRUN echo z\n"; string(res.Output) != want {
		t.Errorf("output %q, want %q", res.Output, want)
	}
	var refused []Finding
	for _, f := range res.Findings {
		if f.Kind == Refused {
			refused = append(refused, f)
		}
	}
	if len(refused) != 1 || refused[0].Code != "t/ignored" || !strings.Contains(refused[0].Message, "above line 3 switches t off") {
		t.Errorf("refusals %v, want one t/ignored naming line 3", refused)
	}
}

// TestTxUndeclaredCode: a pass that reports a code it does not declare is
// a programming error.
func TestTxUndeclaredCode(t *testing.T) {
	p := txPass("t", func(u *Unit) { u.Begin().Note(1, "t/other", "x") })
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `reports code "t/other"`) {
			t.Errorf("recovered %v, want a panic naming the code", r)
		}
	}()
	Process("Dockerfile", []byte("FROM debian\n"), []*Pass{p}, nil)
}

func TestLinesString(t *testing.T) {
	for ls, want := range map[string]string{"1": "line 1", "1 2": "lines 1 and 2", "1 2 3": "lines 1, 2 and 3"} {
		var l Lines
		for _, f := range strings.Fields(ls) {
			l = append(l, int(f[0]-'0'))
		}
		if l.String() != want {
			t.Errorf("%v: %q, want %q", ls, l.String(), want)
		}
	}
}
