// Package parser turns Dockerfile bytes into a Document: buildkit's parse
// tree plus what a rewriter needs and buildkit does not keep — the exact byte
// span of every instruction, the line ending, the escape token, the stages,
// and for each shell-form RUN a mvdan.cc/sh syntax tree whose positions map
// back to offsets in the file.
package parser

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	bkparser "github.com/moby/buildkit/frontend/dockerfile/parser"
)

// MaxLine is the longest line buildkit's scanner accepts.
const MaxLine = 64*1024 - 1

// Document is a parsed Dockerfile. Src is never modified.
type Document struct {
	Src          []byte
	Escape       byte   // '\\' or '`'
	EOL          string // the file's dominant line ending: "\n" or "\r\n"
	BOM          bool
	Directives   []Directive
	Instructions []*Instruction
	MetaArgs     []*Instruction // ARGs before the first FROM
	Stages       []*Stage

	lineStarts []int // byte offset of the start of each line (0-based line index)
	// byName indexes the stages by lower-case ASCII AS name for
	// StageByName, built on first use for byNameOf stages.
	byName   map[string]*Stage
	byNameOf int
}

// Directive is a parser directive such as "# syntax=..." or "# escape=`".
type Directive struct {
	Name, Value string
	Line        int
}

// Stage is one FROM and the instructions that follow it.
type Stage struct {
	Index        int
	Name         string // the AS name as written ("" when unnamed)
	Base         string // the image reference as written, e.g. "ubuntu:22.04" or "${BASE}"
	Platform     string // value of --platform, if any
	From         *Instruction
	Instructions []*Instruction // every instruction of the stage, FROM first
	// Parent is the earlier stage this one is built FROM (FROM build AS
	// test), nil when it starts from an image.
	Parent *Stage

	shells *[]*Instruction // the SHELL instructions, found on first use (see Shells)
}

// Instruction is one Dockerfile instruction with its position in the file.
type Instruction struct {
	Keyword   string   // lower case: "run", "from", ...
	Flags     []string // builder flags such as "--mount=type=cache,target=/x"
	Args      []string // buildkit's arguments
	JSON      bool     // exec (JSON array) form
	Heredocs  []bkparser.Heredoc
	StartLine int // 1-based, first line
	EndLine   int // 1-based, last line (continuations and heredoc bodies included)
	Start     int // byte offset of the first line's first byte
	End       int // byte offset just past the last line's content (line ending excluded)
	Stage     *Stage
	// Shell is the shell text of a shell-form RUN: the command line, or for
	// a RUN that runs one heredoc as a shell script (RUN <<EOF, RUN bash
	// <<EOF) the heredoc's body. Nil for every other instruction.
	Shell *Shell
}

// Error is a parse error with the line it happened on.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Parse parses src. A Dockerfile buildkit rejects, an empty file, binary data
// or a file with no instruction is an *Error.
func Parse(src []byte) (*Document, error) { return parse(src, nil) }

// Reparse parses src, an edited copy of d's source, like Parse. The shell
// syntax trees of RUNs whose shell text is unchanged are shared with d
// rather than parsed again: a pass edits a few RUNs, and the pipeline
// parses the whole file after each pass. Passes treat the trees as read
// only.
func (d *Document) Reparse(src []byte) (*Document, error) {
	trees := map[string]*Shell{}
	for _, in := range d.Instructions {
		if in.Shell != nil && in.Shell.Mapped() {
			trees[in.Shell.Text] = in.Shell
		}
	}
	return parse(src, trees)
}

// parse is Parse, taking the shell trees of texts found in trees.
func parse(src []byte, trees map[string]*Shell) (*Document, error) {
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, &Error{Msg: "empty file"}
	}
	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return nil, &Error{Line: firstBadLine(src), Msg: "binary data: not a Dockerfile"}
	}
	d := &Document{Src: src, Escape: '\\', EOL: "\n"}
	d.BOM = bytes.HasPrefix(src, []byte("\ufeff"))
	d.indexLines()
	for i := range d.lineStarts {
		if n := len(d.lineBytes(i)); n > MaxLine {
			return nil, &Error{Line: i + 1, Msg: fmt.Sprintf("line is %d bytes, longer than buildkit's limit of %d", n, MaxLine)}
		}
	}
	res, err := bkparser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, locError(err)
	}
	d.Escape = byte(res.EscapeToken)
	if err := d.readDirectives(); err != nil {
		return nil, err
	}
	for _, n := range res.AST.Children {
		in := &Instruction{
			Keyword:   strings.ToLower(n.Value),
			Flags:     n.Flags,
			JSON:      n.Attributes["json"],
			Heredocs:  n.Heredocs,
			StartLine: n.StartLine,
			EndLine:   n.EndLine,
		}
		for a := n.Next; a != nil; a = a.Next {
			in.Args = append(in.Args, a.Value)
		}
		in.Start = d.lineStarts[n.StartLine-1]
		in.End = d.lineStarts[n.EndLine-1] + len(d.lineBytes(n.EndLine-1))
		if in.StartLine == 1 && d.BOM {
			in.Start += len("\ufeff")
		}
		d.Instructions = append(d.Instructions, in)
	}
	if err := d.buildStages(res.AST.Children); err != nil {
		return nil, err
	}
	// A non-nil linter: with nil, buildkit panics on a "# check=" comment
	// above an instruction that is not a parser directive.
	if _, _, err := instructions.Parse(res.AST, linter.New(&linter.Config{})); err != nil {
		return nil, locError(err)
	}
	for _, in := range d.Instructions {
		if in.Keyword != "run" || in.JSON || len(in.Args) == 0 {
			continue
		}
		switch {
		case len(in.Heredocs) == 0:
			in.Shell = d.newShell(in, trees)
		case heredocScript(d, in):
			in.Shell = d.newHeredocShell(in, trees)
		}
	}
	return d, nil
}

func (d *Document) indexLines() {
	d.lineStarts = []int{0}
	crlf, lf := 0, 0
	for i, c := range d.Src {
		if c != '\n' {
			continue
		}
		if i > 0 && d.Src[i-1] == '\r' {
			crlf++
		} else {
			lf++
		}
		if i+1 < len(d.Src) {
			d.lineStarts = append(d.lineStarts, i+1)
		}
	}
	if crlf > lf {
		d.EOL = "\r\n"
	}
}

// lineBytes returns line i (0-based) without its line ending.
func (d *Document) lineBytes(i int) []byte {
	end := len(d.Src)
	if i+1 < len(d.lineStarts) {
		end = d.lineStarts[i+1]
	}
	return bytes.TrimRight(d.Src[d.lineStarts[i]:end], "\r\n")
}

// Line returns the text of line n (1-based) without its line ending.
func (d *Document) Line(n int) string { return string(d.lineBytes(n - 1)) }

// LineOf returns the 1-based line number of byte offset off.
func (d *Document) LineOf(off int) int {
	lo, hi := 0, len(d.lineStarts)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if d.lineStarts[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}

// LineStart returns the byte offset where line n (1-based) starts.
func (d *Document) LineStart(n int) int { return d.lineStarts[n-1] }

// LineEnd returns the byte offset just past line n's line ending (or the end
// of the file when the line has none).
func (d *Document) LineEnd(n int) int {
	if n < len(d.lineStarts) {
		return d.lineStarts[n]
	}
	return len(d.Src)
}

// Text returns the source text of the instruction.
func (d *Document) Text(in *Instruction) string { return string(d.Src[in.Start:in.End]) }

// Indent returns the leading white space of line n (1-based).
func (d *Document) Indent(n int) string {
	l := d.lineBytes(n - 1)
	return string(l[:len(l)-len(bytes.TrimLeft(l, " \t"))])
}

func (d *Document) readDirectives() error {
	var dp bkparser.DirectiveParser
	for i := range d.lineStarts {
		l := d.lineBytes(i)
		if i == 0 {
			l = bytes.TrimPrefix(l, []byte("\ufeff"))
		}
		dir, err := dp.ParseLine(l)
		if err != nil {
			return &Error{Line: i + 1, Msg: err.Error()}
		}
		if dir == nil {
			break
		}
		d.Directives = append(d.Directives, Directive{Name: strings.ToLower(dir.Name), Value: dir.Value, Line: i + 1})
	}
	return nil
}

// buildStages groups the instructions into stages; nodes are buildkit's
// nodes of the instructions, for the keyword as written in an error.
// Documents keep no buildkit node: its copies of every instruction's text
// (some 20 bytes of heap per byte of the file) would stay alive with them.
func (d *Document) buildStages(nodes []*bkparser.Node) error {
	var cur *Stage
	for i, in := range d.Instructions {
		if in.Keyword == "from" {
			if len(in.Args) == 0 {
				return &Error{Line: in.StartLine, Msg: "FROM requires an image"}
			}
			cur = &Stage{Index: len(d.Stages), Base: in.Args[0], From: in}
			if len(in.Args) >= 3 && strings.EqualFold(in.Args[1], "as") {
				cur.Name = in.Args[2]
			}
			for _, f := range in.Flags {
				if v, ok := strings.CutPrefix(f, "--platform="); ok {
					cur.Platform = v
				}
			}
			d.Stages = append(d.Stages, cur)
		}
		if cur == nil {
			if in.Keyword != "arg" {
				return &Error{Line: in.StartLine, Msg: fmt.Sprintf("%s before the first FROM: not a Dockerfile, or missing FROM", nodes[i].Value)}
			}
			d.MetaArgs = append(d.MetaArgs, in)
			continue
		}
		in.Stage = cur
		cur.Instructions = append(cur.Instructions, in)
	}
	if len(d.Stages) == 0 {
		return &Error{Line: 1, Msg: "no FROM instruction: not a Dockerfile"}
	}
	for _, s := range d.Stages {
		if p := d.StageByName(s.Base); p != nil && p.Index < s.Index {
			s.Parent = p
		}
	}
	return nil
}

// StageByName finds a stage by its AS name (case-insensitive) or index.
func (d *Document) StageByName(name string) *Stage {
	// Passes call this for every stage and COPY --from: a scan of the
	// stages each time was quadratic in their number, so names are looked
	// up in an index (ASCII names; others, which buildkit does not accept
	// as stage names anyway, are compared the slow way).
	if d.byName == nil || d.byNameOf != len(d.Stages) {
		d.byName, d.byNameOf = map[string]*Stage{}, len(d.Stages)
		for _, s := range d.Stages {
			if k := asciiLower(s.Name); s.Name != "" && k != "" && d.byName[k] == nil {
				d.byName[k] = s
			}
		}
	}
	if k := asciiLower(name); k != "" {
		if s := d.byName[k]; s != nil {
			return s
		}
	} else {
		for _, s := range d.Stages {
			if s.Name != "" && strings.EqualFold(s.Name, name) {
				return s
			}
		}
	}
	// An index, written the way buildkit prints it; no fmt.Sprint per stage,
	// as passes call this for every stage and instruction.
	if i, err := strconv.Atoi(name); err == nil && i >= 0 && i < len(d.Stages) && strconv.Itoa(i) == name {
		return d.Stages[i]
	}
	return nil
}

// asciiLower returns s in lower case, or "" when s is not all ASCII.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ""
		}
	}
	return strings.ToLower(s)
}

func locError(err error) error {
	var le *bkparser.LocationError
	line := 0
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		line = le.Locations[0][0].Start.Line
	}
	msg := err.Error()
	if i := strings.Index(msg, "parse error on line "); i >= 0 {
		if _, rest, ok := strings.Cut(msg[i:], ": "); ok {
			msg = rest
		}
	}
	if line < 1 {
		line = 1
	}
	return &Error{Line: line, Msg: msg}
}

func firstBadLine(src []byte) int {
	line := 1
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == 0 || r == utf8.RuneError {
			return line
		}
		if r == '\n' {
			line++
		}
		i += n
	}
	return line
}
