package transform

import (
	"github.com/docklean/docklean/internal/edit"
	"github.com/docklean/docklean/parser"
)

// lostInstruction returns an instruction of doc that no edit touches but
// that is missing from next, the document the edits produced, or nil. An
// edit touches an instruction when it overlaps it or inserts at either end.
// It catches a pass whose edit reaches past its own text, for example one
// that leaves a trailing escape token so that the RUN swallows the next line.
func lostInstruction(doc, next *parser.Document, edits []Edit) *parser.Instruction {
	have := make(map[string]int, len(next.Instructions))
	for _, in := range next.Instructions {
		have[next.Text(in)]++
	}
	sorted := edit.Sort(edits) // non-overlapping, so their ends are sorted too
	k := 0
	for _, in := range doc.Instructions {
		for k < len(sorted) && sorted[k].End < in.Start {
			k++
		}
		if k < len(sorted) && sorted[k].Start <= in.End {
			continue
		}
		t := doc.Text(in)
		if have[t] == 0 {
			return in
		}
		have[t]--
	}
	return nil
}
