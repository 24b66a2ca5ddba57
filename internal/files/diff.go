// Package files holds what the CLI and the bot share about files on disk:
// finding Dockerfiles in a tree, unified diffs, and atomic in-place writes.
package files

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

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
	script := editScript(old, new)
	var out bytes.Buffer
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", path, path)
	var at lineCount // the lines of each side in script[:done]
	done := 0
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
		at = at.add(script[done:start]) // done <= start: hunks do not overlap
		writeHunk(&out, script[start:stop], at)
		at = at.add(script[start:stop])
		i, done = stop, stop
	}
	return out.Bytes()
}

// lineCount counts the lines of the old and new side of an edit script.
type lineCount struct{ old, new int }

// add returns c plus the lines of script.
func (c lineCount) add(script []line) lineCount {
	for _, l := range script {
		if l.op != '+' {
			c.old++
		}
		if l.op != '-' {
			c.new++
		}
	}
	return c
}

// writeHunk writes hunk, the part of the edit script after the lines
// counted in before, with its @@ header. The counts are carried from
// hunk to hunk: counting from the top for each was quadratic in the
// number of hunks (a 2 MB file whose every other line changes).
func writeHunk(out *bytes.Buffer, hunk []line, before lineCount) {
	n := lineCount{}.add(hunk)
	oldStart, newStart, oldN, newN := before.old+1, before.new+1, n.old, n.new
	if oldN == 0 {
		oldStart--
	}
	if newN == 0 {
		newStart--
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(oldStart, oldN), hunkRange(newStart, newN))
	for _, l := range hunk {
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

// editScript returns the line edit script from old to new: the shortest
// one (diff-match-patch's Myers diff, with no time limit, so that the same
// input always gives the same diff), or, when the texts have more distinct
// lines than there are runes to stand for them, every old line deleted and
// every new line inserted.
func editScript(old, new []byte) []line {
	a, b, lines, ok := lineRunes(string(old), string(new))
	if !ok {
		var script []line
		for _, l := range splitLines(string(old)) {
			script = append(script, line{'-', l})
		}
		for _, l := range splitLines(string(new)) {
			script = append(script, line{'+', l})
		}
		return script
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
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
			script = append(script, line{op, lines[runeLine(r)]})
		}
	}
	return script
}

// Runes stand for lines in the diff: diff-match-patch compares runes and
// hands back the runes of each edit in a string, where a surrogate half
// (U+D800 to U+DFFF) would come back as U+FFFD. Line i is rune i below the
// surrogates and rune i+surrogates from there on. (DiffLinesToRunes skips
// the surrogates too, but does not export the mapping back: indexing its
// lines by rune broke the diff of files with more than 55,295 distinct
// lines, with a wrong line or a panic.)
const (
	surrogateStart = 0xD800
	surrogates     = 0xE000 - surrogateStart
	maxLines       = unicode.MaxRune + 1 - surrogates
)

// lineRunes splits old and new into lines (each with its "\n") and returns
// them as runes, one per distinct line, with the distinct lines; ok is
// false when there are more than maxLines of them.
func lineRunes(old, new string) (a, b []rune, lines []string, ok bool) {
	index := map[string]rune{}
	toRunes := func(text string) []rune {
		var rs []rune
		for _, l := range splitLines(text) {
			r, seen := index[l]
			if !seen {
				r = lineRune(len(lines))
				index[l] = r
				lines = append(lines, l)
			}
			rs = append(rs, r)
		}
		return rs
	}
	a, b = toRunes(old), toRunes(new)
	return a, b, lines, len(lines) <= maxLines
}

// lineRune is the rune that stands for line i; runeLine is its inverse.
func lineRune(i int) rune {
	if i >= surrogateStart {
		i += surrogates
	}
	return rune(i)
}

func runeLine(r rune) int {
	if r >= surrogateStart+surrogates {
		r -= surrogates
	}
	return int(r)
}

// splitLines splits text after each "\n"; a last line without one is kept.
func splitLines(text string) []string {
	var ls []string
	for text != "" {
		i := strings.IndexByte(text, '\n') + 1
		if i == 0 {
			i = len(text)
		}
		ls, text = append(ls, text[:i]), text[i:]
	}
	return ls
}
