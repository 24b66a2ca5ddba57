package tsv

import (
	"iter"
	"strings"
)

// Sections yields each "[header]" line of text (brackets removed) with
// the lines after it, up to the next header.
func Sections(text string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for off := nextHeader(text, 0); off >= 0; {
			header, body, _ := strings.Cut(text[off:], "\n")
			next := nextHeader(text, off+len(header))
			if next >= 0 {
				body = body[:next-off-len(header)-1]
			}
			if !yield(strings.Trim(header, "[]"), body) {
				return
			}
			off = next
		}
	}
}

// nextHeader returns the offset of the first '[' at or after off that
// starts a line, or -1. It looks for '[' alone: IndexByte skips the other
// lines much faster than a search for "\n[".
func nextHeader(text string, off int) int {
	for {
		j := strings.IndexByte(text[off:], '[')
		if j < 0 {
			return -1
		}
		off += j
		if off == 0 || text[off-1] == '\n' {
			return off
		}
		off++
	}
}
