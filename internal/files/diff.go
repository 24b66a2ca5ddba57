// Package files holds what the CLI and the bot share about files on disk:
// finding Dockerfiles in a tree, unified diffs, and atomic in-place writes.
package files

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// contextLines is how many unchanged lines a hunk shows around a change.
const contextLines = 3

// line is one line of an edit script: kept, deleted or inserted.
type line struct {
	op   byte // ' ', '-' or '+'
	text string
}

// Diff returns a unified diff from old to new with "--- a/PATH" and
// "+++ b/PATH" headers and 3 lines of context, in the form git apply and
// patch -p1 accept. It returns nil when old and new are equal.
func Diff(path string, old, new []byte) []byte {
	if bytes.Equal(old, new) {
		return nil
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	a, b, lines := dmp.DiffLinesToRunes(string(old), string(new))
	var script []line
	for _, d := range dmp.DiffMainRunes(a, b, false) {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, r := range d.Text {
			script = append(script, line{op, lines[r]})
		}
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", path, path)
	for i := 0; i < len(script); {
		if script[i].op == ' ' {
			i++
			continue
		}
		// A hunk starts contextLines before the first change and extends
		// while the gap between changes is at most 2*contextLines.
		start := max(i-contextLines, 0)
		end := i
		for j := i; j < len(script); j++ {
			if script[j].op != ' ' {
				end = j + 1
			} else if j-end >= 2*contextLines {
				break
			}
		}
		stop := min(end+contextLines, len(script))
		writeHunk(&out, script, start, stop)
		i = stop
	}
	return out.Bytes()
}

// writeHunk writes script[start:stop] as one hunk with its @@ header.
func writeHunk(out *bytes.Buffer, script []line, start, stop int) {
	oldStart, newStart := 1, 1
	for _, l := range script[:start] {
		if l.op != '+' {
			oldStart++
		}
		if l.op != '-' {
			newStart++
		}
	}
	oldN, newN := 0, 0
	for _, l := range script[start:stop] {
		if l.op != '+' {
			oldN++
		}
		if l.op != '-' {
			newN++
		}
	}
	if oldN == 0 {
		oldStart--
	}
	if newN == 0 {
		newStart--
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(oldStart, oldN), hunkRange(newStart, newN))
	for _, l := range script[start:stop] {
		out.WriteByte(l.op)
		out.WriteString(l.text)
		if !strings.HasSuffix(l.text, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange is one side's range in a hunk header: "start" for one line,
// else "start,n".
func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
