package parser

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkDocument verifies what a rewriter relies on: instruction spans are in
// range, ordered, start and end on the instruction's first and last lines, and
// begin with the keyword; the text between spans is only blank lines, comments
// and directives; and every mapped shell text maps byte for byte onto the
// file, skipping nothing but continuation tokens, line endings, and the blank
// and comment lines buildkit drops.
func checkDocument(d *Document) error {
	src := d.Src
	var rebuilt []byte
	pos := 0
	if d.BOM {
		pos = len("\ufeff")
		rebuilt = append(rebuilt, src[:pos]...)
	}
	for i, in := range d.Instructions {
		if in.Start < pos || in.End < in.Start || in.End > len(src) {
			return fmt.Errorf("instruction %d (line %d): span [%d,%d) out of order or range (previous end %d, len %d)", i, in.StartLine, in.Start, in.End, pos, len(src))
		}
		if err := checkGap(d, src[pos:in.Start]); err != nil {
			return fmt.Errorf("before line %d: %v", in.StartLine, err)
		}
		wantStart := d.LineStart(in.StartLine)
		if in.StartLine == 1 && d.BOM {
			wantStart += len("\ufeff")
		}
		if in.Start != wantStart {
			return fmt.Errorf("line %d: span starts at %d, line starts at %d", in.StartLine, in.Start, wantStart)
		}
		if want := d.LineStart(in.EndLine) + len(d.Line(in.EndLine)); in.End != want {
			return fmt.Errorf("line %d: span ends at %d, line %d ends at %d", in.StartLine, in.End, in.EndLine, want)
		}
		text := strings.TrimLeft(logicalText(d, in), " \t\v\f\r")
		if len(text) < len(in.Keyword) || !strings.EqualFold(text[:len(in.Keyword)], in.Keyword) {
			return fmt.Errorf("line %d: span %q does not start with %q", in.StartLine, truncate(text), in.Keyword)
		}
		if in.Keyword != "arg" || in.Stage != nil {
			if in.Stage == nil || in.Stage.From == nil || in.Stage.From.Start > in.Start {
				return fmt.Errorf("line %d: no stage or a stage that starts after it", in.StartLine)
			}
		}
		if err := checkShell(d, in); err != nil {
			return fmt.Errorf("line %d: %v", in.StartLine, err)
		}
		rebuilt = append(rebuilt, src[pos:in.End]...)
		pos = in.End
	}
	if err := checkGap(d, src[pos:]); err != nil {
		return fmt.Errorf("after the last instruction: %v", err)
	}
	rebuilt = append(rebuilt, src[pos:]...)
	if !bytes.Equal(rebuilt, src) {
		return fmt.Errorf("gaps and spans do not rebuild the source")
	}
	return nil
}

// logicalText joins the lines of an instruction's span the way buildkit
// does before it reads the keyword (which may itself be split by a
// continuation): continuation tokens removed, comment and blank lines after
// the first dropped.
func logicalText(d *Document, in *Instruction) string {
	var b []byte
	for i, l := range bytes.Split(d.Src[in.Start:in.End], []byte("\n")) {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if t := bytes.TrimLeft(l, " \t\v\f\r"); i > 0 && (len(t) == 0 || t[0] == '#') {
			continue
		}
		b = append(b, trimContinuation(l, d.Escape)...)
	}
	return string(b)
}

// checkGap accepts text between two instructions: the previous line's
// ending, then whole lines that are blank or comments.
func checkGap(d *Document, gap []byte) error {
	gap = bytes.TrimPrefix(gap, []byte("\r\n"))
	gap = bytes.TrimPrefix(gap, []byte("\n"))
	for _, l := range bytes.SplitAfter(gap, []byte("\n")) {
		t := bytes.TrimLeft(l, " \t\v\f\r")
		if len(t) == 0 || t[0] == '#' || len(bytes.TrimSpace(t)) == 0 {
			continue
		}
		return fmt.Errorf("text outside every instruction: %q", truncate(string(l)))
	}
	return nil
}

// checkShell verifies the offset map of a shell-form RUN.
func checkShell(d *Document, in *Instruction) error {
	s := in.Shell
	if s == nil {
		return nil
	}
	if !s.Mapped() {
		if s.Err == nil {
			return fmt.Errorf("shell text %q is not mapped but has no error", truncate(s.Text))
		}
		return nil
	}
	if (s.File == nil) == (s.Err == nil) {
		return fmt.Errorf("shell has File=%v and Err=%v", s.File != nil, s.Err)
	}
	prev := -1
	for i := 0; i < len(s.Text); i++ {
		o := s.Offset(i)
		if o < in.Start || o >= in.End {
			return fmt.Errorf("shell byte %d maps to %d, outside the span [%d,%d)", i, o, in.Start, in.End)
		}
		if d.Src[o] != s.Text[i] {
			return fmt.Errorf("shell byte %d is %q, file byte %d is %q", i, s.Text[i], o, d.Src[o])
		}
		if prev >= 0 && o <= prev {
			return fmt.Errorf("shell byte %d maps to %d, not after %d", i, o, prev)
		}
		if prev >= 0 && o > prev+1 {
			if err := checkJoin(d.Src[prev+1:o], d.Escape); err != nil {
				return fmt.Errorf("between file offsets %d and %d: %v", prev, o, err)
			}
		}
		prev = o
	}
	if s.Offset(len(s.Text)) != prev+1 {
		return fmt.Errorf("Offset(len) = %d, want %d", s.Offset(len(s.Text)), prev+1)
	}
	return nil
}

// checkJoin accepts the bytes a logical line drops where two physical lines
// join: the escape token, blanks, the line ending, then blank or comment
// lines and lines that hold nothing but the escape token.
func checkJoin(b []byte, esc byte) error {
	if len(b) == 0 || b[0] != esc {
		return fmt.Errorf("skipped %q does not start with the escape token", b)
	}
	rest := bytes.TrimLeft(b[1:], " \t")
	rest = bytes.TrimPrefix(rest, []byte("\r"))
	if !bytes.HasPrefix(rest, []byte("\n")) {
		return fmt.Errorf("skipped %q: no line ending after the escape token", b)
	}
	lines := bytes.SplitAfter(rest[1:], []byte("\n"))
	for _, l := range lines {
		if len(l) == 0 {
			continue
		}
		if l[len(l)-1] != '\n' {
			return fmt.Errorf("skipped %q: a partial line", b)
		}
		t := bytes.TrimLeft(l, " \t\v\f\r")
		if len(bytes.TrimSpace(t)) != 0 && t[0] != '#' && !bytes.Equal(bytes.TrimRight(l, " \t\r\n"), []byte{esc}) {
			return fmt.Errorf("skipped %q: a line with content", b)
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// fixtureFiles returns the Dockerfiles of fixtures/roundtrip and
// fixtures/corpus.
func fixtureFiles(tb testing.TB) []string {
	var files []string
	for _, dir := range []string{"roundtrip", "corpus"} {
		m, err := filepath.Glob(filepath.Join("..", "fixtures", dir, "*.Dockerfile"))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, m...)
	}
	return files
}

func readFixture(tb testing.TB, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
