// Package edit holds the byte edit that passes record on a Dockerfile's
// source, and the two operations on a list of them: sorting by offset and
// applying them to the source.
package edit

import (
	"fmt"
	"sort"
	"strings"
)

// Edit replaces the bytes [Start, End) of the source with Text.
type Edit struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Sort returns a copy of edits sorted by Start, insertions at the same
// offset in the order they were recorded.
func Sort(edits []Edit) []Edit {
	sorted := make([]Edit, len(edits))
	copy(sorted, edits)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	return sorted
}

// Apply returns src with edits applied. Edits must not overlap;
// insertions at the same offset keep the order they were recorded in.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	sorted := Sort(edits)
	var b strings.Builder
	b.Grow(len(src))
	pos := 0
	for i, e := range sorted {
		if e.Start < pos || e.End < e.Start || e.End > len(src) {
			prev := Edit{}
			if i > 0 {
				prev = sorted[i-1]
			}
			return nil, fmt.Errorf("internal error: edit [%d,%d) overlaps edit [%d,%d) or is out of range", e.Start, e.End, prev.Start, prev.End)
		}
		b.Write(src[pos:e.Start])
		b.WriteString(e.Text)
		pos = e.End
	}
	b.Write(src[pos:])
	return []byte(b.String()), nil
}
