package transform

import (
	"strings"

	"github.com/docklean/docklean/parser"
	"mvdan.cc/sh/v3/syntax"
)

// wordLit returns the literal value of a shell word that has no expansions
// (quotes are removed), and false for words such as $PKGS or $(cmd).
func wordLit(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			v := p.Value
			if strings.Contains(v, `\`) {
				v = unescapeLit(v)
			}
			b.WriteString(v)
		case *syntax.SglQuoted:
			if p.Dollar {
				return "", false
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok {
					return "", false
				}
				b.WriteString(l.Value)
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

func unescapeLit(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
			if v[i] == '\n' {
				continue
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// shellWordText returns a word of a RUN as it is written in the shell text.
func shellWordText(sh *parser.Shell, w *syntax.Word) string {
	return sh.Text[w.Pos().Offset():w.End().Offset()]
}

// callArgs returns the literal words of a simple command; ok is false when
// any word is not a plain literal.
func callArgs(c *syntax.CallExpr) (args []string, ok bool) {
	for _, w := range c.Args {
		s, lit := wordLit(w)
		if !lit {
			return args, false
		}
		args = append(args, s)
	}
	return args, true
}

// deleteStmt returns the file range that removes stmt, together with the
// "&&" or ";" that joins it to its neighbour, from a RUN's shell text, so that
// "a && \<newline> b && \<newline> c" minus b reads "a && \<newline> c". ok is
// false when stmt is the only command of the RUN (the caller removes the whole
// instruction), when it is joined by anything but "&&" or a newline/";"
// list, where removing it could change what runs, or when the command left
// first would start with "-" and read as a flag of RUN.
func deleteStmt(sh *parser.Shell, stmt *syntax.Stmt) (start, end int, ok bool) {
	f := sh.File
	if len(f.Stmts) > 1 {
		for i, s := range f.Stmts {
			if s != stmt {
				continue
			}
			if i+1 < len(f.Stmts) {
				a, _ := sh.Span(stmt)
				b, _ := sh.Span(f.Stmts[i+1])
				return a, b, !flagFirst(sh, stmt, f.Stmts[i+1])
			}
			_, a := sh.Span(f.Stmts[i-1])
			_, b := sh.Span(stmt)
			return a, b, true
		}
	}
	var found bool
	syntax.Walk(f, func(n syntax.Node) bool {
		if found {
			return false
		}
		bin, isBin := n.(*syntax.BinaryCmd)
		if !isBin {
			return true
		}
		if bin.Op != syntax.AndStmt {
			return false // never reach into || or pipelines
		}
		switch stmt {
		case bin.X:
			start, _ = sh.Span(bin.X)
			end, _ = sh.Span(firstStmt(bin.Y))
			found = true
			ok = !flagFirst(sh, bin.X, firstStmt(bin.Y))
		case bin.Y:
			_, start = sh.Span(bin.X)
			_, end = sh.Span(bin.Y)
			found, ok = true, true
		}
		return !found
	})
	return start, end, found && ok
}

// commentInside reports whether the file range [start, end) holds a comment
// line, which deleting the range would lose.
func commentInside(doc *parser.Document, start, end int) bool {
	for ln := doc.LineOf(start) + 1; ln <= doc.LineOf(end); ln++ {
		if doc.LineStart(ln) < end && strings.HasPrefix(strings.TrimSpace(doc.Line(ln)), "#") {
			return true
		}
	}
	return false
}

// flagFirst reports whether deleting the RUN's first command, stmt, would
// leave next, a word starting with "-", at the front of the RUN, where
// buildkit would read it as a flag of the instruction.
func flagFirst(sh *parser.Shell, stmt, next *syntax.Stmt) bool {
	return stmt.Pos().Offset() == 0 && strings.HasPrefix(sh.Text[next.Pos().Offset():], "-")
}

// firstStmt returns the leftmost statement of an && chain.
func firstStmt(s *syntax.Stmt) *syntax.Stmt {
	for {
		bin, ok := s.Cmd.(*syntax.BinaryCmd)
		if !ok || bin.Op != syntax.AndStmt {
			return s
		}
		s = bin.X
	}
}

// imageStages returns the stages whose file system ends up in a built image:
// the final stage and, transitively, stages it is based on or copies from.
// Intermediate stages that nothing uses are built by the legacy builder only.
func imageStages(doc *parser.Document) map[*parser.Stage]bool {
	used := map[*parser.Stage]bool{}
	var visit func(s *parser.Stage)
	visit = func(s *parser.Stage) {
		if used[s] {
			return
		}
		used[s] = true
		if b := doc.StageByName(s.Base); b != nil && b.Index < s.Index {
			visit(b)
		}
		for _, in := range s.Instructions {
			for _, fl := range in.Flags {
				if from, ok := strings.CutPrefix(fl, "--from="); ok {
					if b := doc.StageByName(from); b != nil && b.Index < s.Index {
						visit(b)
					}
				}
			}
		}
	}
	visit(doc.Stages[len(doc.Stages)-1])
	return used
}

// stmtEnd returns the file offset just past stmt's command and redirections,
// leaving out a trailing ";" or "&", so text inserted there becomes part of
// the statement's and-or list.
func stmtEnd(sh *parser.Shell, stmt *syntax.Stmt) int {
	end := stmt.Pos()
	if stmt.Cmd != nil { // nil for a bare redirection such as ">file"
		end = stmt.Cmd.End()
	}
	for _, r := range stmt.Redirs {
		if e := r.End(); e.Offset() > end.Offset() {
			end = e
		}
	}
	_, e := sh.Range(int(stmt.Pos().Offset()), int(end.Offset()))
	return e
}

// andLeaves returns the commands of the top-level "&&" chain of stmt, left to
// right; anything that is not an "&&" (a pipeline, "||", a compound command)
// is one leaf.
func andLeaves(stmt *syntax.Stmt) []*syntax.Stmt {
	bin, ok := stmt.Cmd.(*syntax.BinaryCmd)
	if !ok || bin.Op != syntax.AndStmt || stmt.Negated || len(stmt.Redirs) > 0 {
		return []*syntax.Stmt{stmt}
	}
	return append(andLeaves(bin.X), andLeaves(bin.Y)...)
}

// simpleCmd reports whether s is a simple command or a pipeline of simple
// commands: nothing in it has commands of its own that errexit (set -e)
// would stop checking once s is part of an && list.
func simpleCmd(s *syntax.Stmt) bool {
	switch c := s.Cmd.(type) {
	case *syntax.CallExpr:
		return true
	case *syntax.BinaryCmd:
		return (c.Op == syntax.Pipe || c.Op == syntax.PipeAll) && simpleCmd(c.X) && simpleCmd(c.Y)
	}
	return false
}

// setsErrexit reports whether a RUN's shell text runs set -e (or set -o
// errexit) anywhere, subshells and compound commands included.
func setsErrexit(f *syntax.File) bool {
	on := false
	syntax.Walk(f, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok {
			if args, _ := callArgs(call); len(args) > 0 && args[0] == "set" && shellErrexit(args) {
				on = true
			}
		}
		return !on
	})
	return on
}

// joinStyle is how a file continues a shell command list onto the next line:
// "cmd && \" then Indent+"next" (trailing), or "cmd \" then Indent+"&& next"
// (Leading).
type joinStyle struct {
	Indent  string
	Leading bool
}

// styleOf reads the join style of doc's multi-line RUNs: the most common
// indent of lines that start a new command, and whether "&&" leads or trails.
// A file without such lines gets four spaces and trailing "&&".
func styleOf(doc *parser.Document) joinStyle {
	esc := string(doc.Escape)
	indents := map[string]int{}
	lead, trail := 0, 0
	for _, in := range doc.Instructions {
		if in.Keyword != "run" {
			continue
		}
		for ln := in.StartLine + 1; ln <= in.EndLine; ln++ {
			prev := strings.TrimRight(doc.Line(ln-1), " \t")
			cur := strings.TrimSpace(doc.Line(ln))
			switch {
			case strings.HasPrefix(cur, "&&"):
				lead++
				indents[doc.Indent(ln)]++
			case strings.HasSuffix(prev, "&& "+esc) || strings.HasSuffix(prev, "&&"+esc):
				trail++
				if cur != "" && !strings.HasPrefix(cur, "#") {
					indents[doc.Indent(ln)]++
				}
			}
		}
	}
	st := joinStyle{Indent: "    ", Leading: lead > trail}
	best := 0
	for ind, n := range indents {
		if ind != "" && (n > best || n == best && ind < st.Indent) {
			st.Indent, best = ind, n
		}
	}
	return st
}

// join returns the text that continues a command list with next on a new
// line in the file's style, e.g. " && \\\n    " + next.
func (s joinStyle) join(doc *parser.Document, next string) string {
	if s.Leading {
		return " " + string(doc.Escape) + doc.EOL + s.Indent + "&& " + next
	}
	return " && " + string(doc.Escape) + doc.EOL + s.Indent + next
}

// shellAt returns the SHELL in effect for in (the exec-form arguments of the
// last SHELL before it in its stage or, failing that, in the stages it is
// based on), or nil for the image's default shell.
func shellAt(doc *parser.Document, in *parser.Instruction) []string {
	st := in.Stage
	limit := in.StartLine
	for st != nil {
		var found []string
		for _, x := range st.Instructions {
			if x.Keyword == "shell" && x.StartLine < limit {
				found = x.Args
			}
		}
		if found != nil {
			return found
		}
		b := doc.StageByName(st.Base)
		if b == nil || b.Index >= st.Index {
			return nil
		}
		st, limit = b, int(^uint(0)>>1)
	}
	return nil
}

// posixShellAt reports whether in runs under a POSIX shell: its SHELL is sh,
// bash, ash, dash, ksh or zsh, or there is no SHELL and the base is not a
// Windows image (whose default shell is cmd).
func posixShellAt(doc *parser.Document, in *parser.Instruction) bool {
	if sh := shellAt(doc, in); sh != nil {
		name := sh[0][strings.LastIndexAny(sh[0], `/\`)+1:]
		switch name {
		case "sh", "bash", "ash", "dash", "ksh", "mksh", "zsh", "busybox":
			return true
		}
		return false
	}
	st := in.Stage
	for st != nil {
		b := doc.StageByName(st.Base)
		if b == nil || b.Index >= st.Index {
			break
		}
		st = b
	}
	base := strings.ToLower(st.Base)
	for _, w := range []string{"windows", "nanoserver", "servercore", "ltsc20"} {
		if strings.Contains(base, w) {
			return false
		}
	}
	return true
}
