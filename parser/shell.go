package parser

import (
	"bytes"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"mvdan.cc/sh/v3/syntax"
)

// Shell is the shell text of a shell-form RUN as buildkit hands it to the
// shell (for a heredoc script, the heredoc's body), its syntax tree, and a
// map from offsets in Text to offsets in the Dockerfile, so that a pass can
// replace one word of a multi-line RUN and leave the rest of the file
// byte-identical.
type Shell struct {
	Text string
	File *syntax.File // nil when Err is set
	Err  error        // the shell parse error, if the text is not valid shell
	// Comment reports whether the text holds a shell comment: text after it
	// on the same logical line is not run, so nothing may be appended there.
	Comment bool
	// Shebang holds the words of a heredoc script's #! line ("/bin/sh",
	// "-e") when buildkit runs the body as a program of its own (RUN <<EOF
	// with no shell named), nil otherwise.
	Shebang []string

	offsets offsetMap // the file offset of each byte of Text
}

// offsetMap maps offsets in a shell text to file offsets. The text is made
// of runs of consecutive bytes of the file (a RUN's lines without their
// continuation tokens), so it keeps where each run starts: an offset per
// byte took 4 bytes of heap per byte of every RUN. Offsets are int32: files
// are far below 2 GiB.
type offsetMap struct {
	n    int         // the length of the mapped text
	runs []offsetRun // ascending by text; runs[0].text is 0
}

// offsetRun is a run of text bytes that sit one after the other in the file.
type offsetRun struct{ text, file int32 }

// add maps the next n bytes of the text to the file bytes from file on.
func (m *offsetMap) add(file, n int) {
	if n <= 0 {
		return
	}
	if k := len(m.runs); k == 0 || int(m.runs[k-1].file)+m.n-int(m.runs[k-1].text) != file {
		m.runs = append(m.runs, offsetRun{int32(m.n), int32(file)})
	}
	m.n += n
}

// at returns the file offset of text byte i, 0 <= i < m.n.
func (m *offsetMap) at(i int) int {
	k := sort.Search(len(m.runs), func(k int) bool { return int(m.runs[k].text) > i }) - 1
	return int(m.runs[k].file) + i - int(m.runs[k].text)
}

// slice returns the map of text bytes i to j.
func (m *offsetMap) slice(i, j int) offsetMap {
	var out offsetMap
	for k, r := range m.runs {
		end := m.n
		if k+1 < len(m.runs) {
			end = int(m.runs[k+1].text)
		}
		lo, hi := max(int(r.text), i), min(end, j)
		if lo < hi {
			out.add(int(r.file)+lo-int(r.text), hi-lo)
		}
	}
	return out
}

// newShell rebuilds the logical line of a RUN the way buildkit does (leading
// white space of the first line dropped, continuation tokens removed, comment
// lines and empty continuation lines skipped) while recording where each byte
// came from. The syntax tree is taken from trees when it has the text.
func (d *Document) newShell(in *Instruction, trees map[string]*Shell) *Shell {
	size := 0 // the instruction's bytes: an upper bound of the logical line
	for ln := in.StartLine; ln <= in.EndLine; ln++ {
		size += len(d.lineBytes(ln - 1))
	}
	logical := make([]byte, 0, size)
	var offs offsetMap
	for ln := in.StartLine; ln <= in.EndLine; ln++ {
		start := d.lineStarts[ln-1]
		l := d.lineBytes(ln - 1)
		if ln == in.StartLine {
			if ln == 1 && d.BOM {
				l = l[len("\ufeff"):]
				start += len("\ufeff")
			}
			trimmed := bytes.TrimLeft(l, " \t\v\f\r")
			start += len(l) - len(trimmed)
			l = trimmed
		} else {
			t := bytes.TrimLeft(l, " \t\v\f\r")
			if len(t) > 0 && t[0] == '#' || len(t) == 0 {
				continue
			}
		}
		l = trimContinuation(l, d.Escape)
		logical = append(logical, l...)
		offs.add(start, len(l))
	}
	// buildkit's args: the text after keyword and flags, trimmed.
	shellText := strings.TrimSpace(in.Args[0])
	trimmedEnd := len(bytes.TrimRight(logical, " \t\v\f\r\n"))
	begin := trimmedEnd - len(shellText)
	if begin < 0 || string(logical[begin:trimmedEnd]) != shellText {
		// Should not happen; fall back to an unmapped shell.
		return &Shell{Text: shellText, Err: errUnmapped}
	}
	if strings.IndexFunc(shellText, oddSpace) >= 0 {
		return &Shell{Text: shellText, Err: errOddSpace, offsets: offs.slice(begin, trimmedEnd)}
	}
	return newParsedShell(shellText, offs.slice(begin, trimmedEnd), trees)
}

// oddSpace reports whether r is white space to Go's strings.TrimSpace, which
// buildkit trims the shell text with, but not to the shell (form feed,
// vertical tab, a no-break space, …): an edit that left one at the end of
// the text would change what the shell runs.
func oddSpace(r rune) bool { return unicode.IsSpace(r) && r != ' ' && r != '\t' && r != '\n' }

// newParsedShell returns the Shell of text, whose bytes sit at offsets in
// the file, with its syntax tree taken from trees or parsed.
func newParsedShell(text string, offsets offsetMap, trees map[string]*Shell) *Shell {
	s := &Shell{Text: text, offsets: offsets}
	if t, ok := trees[text]; ok {
		s.File, s.Err, s.Comment = t.File, t.Err, t.Comment
		return s
	}
	f, err := parseShell(text)
	if err != nil {
		s.Err = err
	} else {
		s.File = f
		s.Comment = hasComment(f, text)
	}
	return s
}

// heredocCommand matches the command line of a RUN that only runs its one
// heredoc as a shell script: RUN <<EOF, RUN bash <<-'EOT'.
var heredocCommand = regexp.MustCompile(`^\s*((/bin/|/usr/bin/)?(sh|bash)\s+)?<<-?\s*["']?\w+["']?\s*$`)

// heredocScript reports whether in is a RUN that runs its one heredoc as a
// shell script, in a file whose escape token is the shell's own ("\\").
// With no shell named, buildkit runs a body that starts with #! (after <<-
// strips its tabs) as a program of its own, so that interpreter must be sh
// or bash.
func heredocScript(d *Document, in *Instruction) bool {
	if d.Escape != '\\' || len(in.Heredocs) != 1 || len(in.Args) != 1 || !heredocCommand.MatchString(in.Args[0]) {
		return false
	}
	f := shebang(in)
	if f == nil {
		return true
	}
	if len(f) > 1 && path.Base(f[0]) == "env" {
		f = f[1:]
	}
	return len(f) > 0 && (path.Base(f[0]) == "sh" || path.Base(f[0]) == "bash")
}

// shebang returns the words of the #! line that buildkit runs in's heredoc
// body with, nil when the RUN names its shell or the body has none.
func shebang(in *Instruction) []string {
	if !strings.HasPrefix(strings.TrimSpace(in.Args[0]), "<<") {
		return nil
	}
	h := in.Heredocs[0]
	body := h.Content
	if h.Chomp {
		body = strings.TrimLeft(body, "\t")
	}
	rest, ok := strings.CutPrefix(body, "#!")
	if !ok {
		return nil
	}
	line, _, _ := strings.Cut(rest, "\n")
	return append([]string{}, strings.Fields(line)...)
}

// newHeredocShell maps the body of a heredoc script RUN: buildkit's body is
// the file's bytes from the line below the heredoc's start to the delimiter,
// the RUN's last line. Tabs that <<- strips stay: they do not change what
// the shell parses. The shell is unmapped if the bytes there differ, and if
// the body has CRLF line endings: buildkit keeps the "\r", the shell reads
// it as part of each line's last word, and no edit there can be right. A
// body with heredocs of its own (cat <<EOF > file) gets no Shell: their
// bodies sit between commands, where no pass's edits could keep them.
func (d *Document) newHeredocShell(in *Instruction, trees map[string]*Shell) *Shell {
	body := in.Heredocs[0].Content
	end := d.lineStarts[in.EndLine-1]
	start := end - len(body)
	if len(body) == 0 || start <= in.Start || string(d.Src[start:end]) != body {
		return &Shell{Text: body, Err: errUnmapped}
	}
	if strings.Contains(body, "\r") {
		return &Shell{Text: body, Err: errCRLF}
	}
	var offs offsetMap
	offs.add(start, len(body))
	s := newParsedShell(body, offs, trees)
	if s.File != nil && hasHeredoc(s.File) {
		return nil
	}
	s.Shebang = shebang(in)
	return s
}

// hasHeredoc reports whether f has a here-document redirection.
func hasHeredoc(f *syntax.File) bool {
	found := false
	Walk(f, func(n syntax.Node) bool {
		if r, ok := n.(*syntax.Redirect); ok && r.Hdoc != nil {
			found = true
		}
		return !found
	})
	return found
}

// hasComment reports whether text has a "#" that no word of f covers.
func hasComment(f *syntax.File, text string) bool {
	if !strings.Contains(text, "#") {
		return false
	}
	inWord := make([]bool, len(text)+1)
	Walk(f, func(n syntax.Node) bool {
		if w, ok := n.(*syntax.Word); ok {
			for i := w.Pos().Offset(); i < w.End().Offset() && int(i) < len(text); i++ {
				inWord[i] = true
			}
			return false
		}
		return true
	})
	for i := range text {
		if text[i] == '#' && !inWord[i] {
			return true
		}
	}
	return false
}

// parseShell parses a RUN's shell text: as bash, with comments kept.
func parseShell(text string) (*syntax.File, error) {
	return syntax.NewParser(syntax.Variant(syntax.LangBash), syntax.KeepComments(true)).Parse(strings.NewReader(text), "")
}

var (
	errUnmapped = &Error{Msg: "shell text could not be mapped to the file"}
	errCRLF     = &Error{Msg: "the heredoc has CRLF line endings, and the shell would read each line's \\r as part of its last word"}
	errOddSpace = &Error{Msg: "the shell text holds white space other than blanks and newlines (a form feed, vertical tab or no-break space), which docklean does not edit around"}
)

// trimContinuation removes a trailing continuation token (and the blanks after
// it) the way buildkit's continuation regexp does.
func trimContinuation(l []byte, esc byte) []byte {
	t := bytes.TrimRight(l, " \t")
	if len(t) == 0 || t[len(t)-1] != esc {
		return l
	}
	if len(t) == 1 || t[len(t)-2] != esc {
		return t[:len(t)-1]
	}
	return l
}

// Offset maps an offset in Text to a file offset. Offset(len(Text)) is the
// offset just past the last byte of the shell text.
func (s *Shell) Offset(i int) int {
	if i >= s.offsets.n {
		return s.offsets.at(s.offsets.n-1) + 1
	}
	return s.offsets.at(i)
}

// Span returns the file byte range [start, end) of a syntax node. The range
// covers the node's first through last byte; continuation tokens and comment
// lines that sit inside a multi-line node are included.
func (s *Shell) Span(n syntax.Node) (start, end int) {
	return s.Range(int(n.Pos().Offset()), int(n.End().Offset()))
}

// Range maps the text range [i, j) to a file range.
func (s *Shell) Range(i, j int) (start, end int) {
	if j <= i {
		o := s.Offset(i)
		return o, o
	}
	return s.Offset(i), s.Offset(j-1) + 1
}

// Mapped reports whether the shell text could be mapped to the file.
func (s *Shell) Mapped() bool { return s.offsets.n == len(s.Text) && len(s.Text) > 0 }
