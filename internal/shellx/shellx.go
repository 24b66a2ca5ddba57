// Package shellx holds the helpers that several passes use on the shell
// text of a RUN (parsed with mvdan.cc/sh): literal words and arguments,
// && chains and statement lists, removing commands while keeping the
// file's layout, the file's style of continuing a command list, and the
// SHELL in effect and whether it stops on errors.
package shellx

import (
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/edit"
	"github.com/docklean/docklean/parser"
	"mvdan.cc/sh/v3/syntax"
)

// WordLit returns the literal value of a shell word that has no expansions
// (quotes are removed), and false for words such as $PKGS or $(cmd).
func WordLit(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			v := p.Value
			if strings.Contains(v, `\`) {
				v = UnescapeLit(v)
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

// UnescapeLit returns an unquoted literal with its backslash escapes
// resolved; an escaped newline (a line continuation) is dropped.
func UnescapeLit(v string) string {
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

// WordText returns a word of a RUN as it is written in the shell text.
func WordText(sh *parser.Shell, w *syntax.Word) string {
	return sh.Text[w.Pos().Offset():w.End().Offset()]
}

// ParamName returns NAME when w is only the expansion $NAME or ${NAME},
// quoted or not, with no operator.
func ParamName(w *syntax.Word) (string, bool) {
	if w == nil || len(w.Parts) != 1 {
		return "", false
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part = dq.Parts[0]
	}
	pe, ok := part.(*syntax.ParamExp)
	if !ok || pe.Param == nil || pe.Exp != nil || pe.Repl != nil || pe.Index != nil || pe.Slice != nil || pe.Length || pe.Excl || pe.Names != 0 {
		return "", false
	}
	return pe.Param.Value, true
}

// CallArgs returns the literal words of a simple command; ok is false when
// any word is not a plain literal.
func CallArgs(c *syntax.CallExpr) (args []string, ok bool) {
	for _, w := range c.Args {
		s, lit := WordLit(w)
		if !lit {
			return args, false
		}
		args = append(args, s)
	}
	return args, true
}

// DeleteCmds returns the edits that remove commands of one list from a RUN
// with DeleteStmts. ok is false when they are not all commands of one list
// (the RUN's, or a block's, subshell's, if's, loop's or case's) or of its
// && chains (a command in a pipeline or after || cannot go without changing
// what runs), when no command of the list would stay (the caller removes the
// whole instruction), when one is negated or in the background, when the
// command left first would start with "-" and read as a flag of RUN, and
// when DeleteStmts cannot keep the layout.
func DeleteCmds(doc *parser.Document, sh *parser.Shell, stmts ...*syntax.Stmt) ([]edit.Edit, bool) {
	if len(stmts) == 0 {
		return nil, false
	}
	leaves := StmtList(sh.File, stmts[0])
	kept := slices.DeleteFunc(slices.Clone(leaves), func(l *syntax.Stmt) bool { return slices.Contains(stmts, l) })
	if len(kept) == 0 || len(kept)+len(stmts) != len(leaves) {
		return nil, false
	}
	for _, st := range stmts {
		if st.Negated || st.Background {
			return nil, false
		}
	}
	if kept[0] != leaves[0] && strings.HasPrefix(sh.Text[kept[0].Pos().Offset():], "-") {
		return nil, false
	}
	edits, _, why := DeleteStmts(doc, sh, leaves, func(l *syntax.Stmt) bool { return slices.Contains(stmts, l) })
	return edits, why == ""
}

// StmtList returns the flattened list of statements (see FlattenList) that
// holds stmt, or nil.
func StmtList(f *syntax.File, stmt *syntax.Stmt) []*syntax.Stmt {
	var found []*syntax.Stmt
	check := func(list []*syntax.Stmt) {
		if l := FlattenList(list); found == nil && slices.Contains(l, stmt) {
			found = l
		}
	}
	check(f.Stmts)
	parser.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Block:
			check(n.Stmts)
		case *syntax.Subshell:
			check(n.Stmts)
		case *syntax.IfClause:
			check(n.Then)
		case *syntax.WhileClause:
			check(n.Do)
		case *syntax.ForClause:
			check(n.Do)
		case *syntax.CaseItem:
			check(n.Stmts)
		}
		return found == nil
	})
	return found
}

var commentLine = regexp.MustCompile(`(?m)^[ \t]*#`)

// FlattenAnd returns the top-level statements of a shell file with && chains
// split into their commands.
func FlattenAnd(f *syntax.File) []*syntax.Stmt { return FlattenList(f.Stmts) }

// FlattenList returns a list of statements with its && chains split into
// their commands.
func FlattenList(stmts []*syntax.Stmt) []*syntax.Stmt {
	var out []*syntax.Stmt
	var walk func(st *syntax.Stmt)
	walk = func(st *syntax.Stmt) {
		if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && b.Op == syntax.AndStmt && !st.Negated && !st.Background && len(st.Redirs) == 0 {
			walk(b.X)
			walk(b.Y)
			return
		}
		out = append(out, st)
	}
	for _, st := range stmts {
		walk(st)
	}
	return out
}

// DeleteStmts returns the edits that remove the commands del marks from
// leaves, a flattened list of a RUN's shell (see FlattenList), each run of
// them with the && or ; that joins it to its neighbours, so that
// "a && \<newline> b && \<newline> c" minus b reads "a && \<newline> c".
// Continuation lines and comment lines stay. The caller checks that some
// command stays and that none to remove is negated or in the background;
// DeleteStmts says why it cannot do the rest (the command before the last
// runs in the background; comment lines share a line with what goes), with
// the line.
func DeleteStmts(doc *parser.Document, sh *parser.Shell, leaves []*syntax.Stmt, del func(*syntax.Stmt) bool) (out []edit.Edit, line int, why string) {
	for i := 0; i < len(leaves); i++ {
		if !del(leaves[i]) {
			continue
		}
		j := i
		for j+1 < len(leaves) && del(leaves[j+1]) {
			j++
		}
		start, _ := sh.Span(leaves[i])
		_, end := sh.Span(leaves[j])
		if j+1 < len(leaves) {
			next, _ := sh.Span(leaves[j+1])
			if !commentLine.Match(doc.Src[start:next]) {
				out = append(out, edit.Edit{Start: start, End: next, Text: ""})
			} else {
				// keep the comment lines: drop the commands and their operator
				e := skipBlanks(doc, end)
				opStart, opEnd := operatorAfter(doc, end, next)
				if opStart == e {
					out = append(out, edit.Edit{Start: start, End: skipBlanks(doc, opEnd), Text: ""})
				} else {
					out = append(out, edit.Edit{Start: start, End: e, Text: ""}, edit.Edit{Start: opStart, End: skipBlanks(doc, opEnd), Text: ""})
				}
			}
		} else {
			if sc := leaves[j].Semicolon; sc.IsValid() {
				// "a; b;" minus b is "a;": the list's own last ";" stays,
				// as it does when b is the end of an && chain.
				end, _ = sh.Range(int(sc.Offset()), int(sc.Offset())+1)
			}
			_, prev := sh.Span(leaves[i-1])
			if leaves[i-1].Background {
				return nil, doc.LineOf(start), "the command before it runs in the background (&)"
			}
			if sc := leaves[i-1].Semicolon; sc.IsValid() {
				prev, _ = sh.Range(int(sc.Offset()), int(sc.Offset())+1) // keep "a" of "a; b", not "a;"
			}
			if !commentLine.Match(doc.Src[prev:end]) {
				out = append(out, edit.Edit{Start: prev, End: end, Text: ""})
			} else {
				// end the RUN after prev; the comment lines stay after it
				opStart, _ := operatorAfter(doc, prev, start)
				first := doc.LineOf(start)
				if doc.LineOf(opStart) != doc.LineOf(prev) {
					first = doc.LineOf(opStart)
				}
				ls := doc.LineStart(first)
				lead := strings.TrimSpace(string(doc.Src[ls:start]))
				el := doc.LineOf(end)
				if lead != "" && lead != "&&" && lead != ";" || strings.TrimSpace(string(doc.Src[end:doc.LineStart(el)+len(doc.Line(el))])) != "" {
					return nil, doc.LineOf(start), "docklean cannot remove this command and keep the comments around it"
				}
				// Drop what joins prev to the next line (" && \\"), but
				// not a comment after it (in a heredoc script, "cmd # why").
				pl := doc.LineOf(prev)
				rest := strings.TrimRight(string(doc.Src[prev:doc.LineStart(pl)+len(doc.Line(pl))]), "\r")
				if k := strings.Index(rest, "#"); k > 0 && (rest[k-1] == ' ' || rest[k-1] == '\t') {
					rest = strings.TrimRight(rest[:k], " \t")
				}
				out = append(out, edit.Edit{Start: prev, End: prev + len(rest), Text: ""})
				out = append(out, edit.Edit{Start: ls, End: doc.LineEnd(el), Text: ""})
			}
		}
		i = j
	}
	return out, 0, ""
}

// skipBlanks returns the offset of the first byte at or after off that is
// not a space or tab.
func skipBlanks(doc *parser.Document, off int) int {
	for off < len(doc.Src) && (doc.Src[off] == ' ' || doc.Src[off] == '\t') {
		off++
	}
	return off
}

// operatorAfter finds the && or ; between off and limit, skipping blanks,
// continuations and comment lines.
func operatorAfter(doc *parser.Document, off, limit int) (int, int) {
	for off < limit {
		c := doc.Src[off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == doc.Escape:
			off++
		case c == '#' && strings.TrimSpace(string(doc.Src[doc.LineStart(doc.LineOf(off)):off])) == "":
			off = doc.LineEnd(doc.LineOf(off))
		case c == '&' && off+1 < limit && doc.Src[off+1] == '&':
			return off, off + 2
		case c == ';':
			return off, off + 1
		default:
			return off, off
		}
	}
	return limit, limit
}

// FirstStmt returns the leftmost statement of an && chain.
func FirstStmt(s *syntax.Stmt) *syntax.Stmt {
	for {
		bin, ok := s.Cmd.(*syntax.BinaryCmd)
		if !ok || bin.Op != syntax.AndStmt {
			return s
		}
		s = bin.X
	}
}

// StmtEnd returns the file offset just past stmt's command and redirections,
// leaving out a trailing ";" or "&", so text inserted there becomes part of
// the statement's and-or list.
func StmtEnd(sh *parser.Shell, stmt *syntax.Stmt) int {
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

// AndLeaves returns the commands of the top-level "&&" chain of stmt, left to
// right; anything that is not an "&&" (a pipeline, "||", a compound command)
// is one leaf.
func AndLeaves(stmt *syntax.Stmt) []*syntax.Stmt {
	bin, ok := stmt.Cmd.(*syntax.BinaryCmd)
	if !ok || bin.Op != syntax.AndStmt || stmt.Negated || len(stmt.Redirs) > 0 {
		return []*syntax.Stmt{stmt}
	}
	return append(AndLeaves(bin.X), AndLeaves(bin.Y)...)
}

// SimpleCmd reports whether s is a simple command or a pipeline of simple
// commands: nothing in it has commands of its own that errexit (set -e)
// would stop checking once s is part of an && list.
func SimpleCmd(s *syntax.Stmt) bool {
	switch c := s.Cmd.(type) {
	case *syntax.CallExpr:
		return true
	case *syntax.BinaryCmd:
		return (c.Op == syntax.Pipe || c.Op == syntax.PipeAll) && SimpleCmd(c.X) && SimpleCmd(c.Y)
	}
	return false
}

// SetsErrexit reports whether a RUN's shell text runs set -e (or set -o
// errexit) anywhere, subshells and compound commands included.
func SetsErrexit(f *syntax.File) bool {
	on := false
	parser.Walk(f, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok {
			if args, _ := CallArgs(call); len(args) > 0 && args[0] == "set" && Errexit(args) {
				on = true
			}
		}
		return !on
	})
	return on
}

// JoinStyle is how a file continues a shell command list onto the next line:
// "cmd && \" then Indent+"next" (trailing), or "cmd \" then Indent+"&& next"
// (Leading).
type JoinStyle struct {
	Indent  string
	Leading bool
}

// StyleOf reads the join style of doc's multi-line RUNs: the most common
// indent of lines that start a new command, and whether "&&" leads or trails.
// A file without such lines gets four spaces and trailing "&&".
func StyleOf(doc *parser.Document) JoinStyle {
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
	st := JoinStyle{Indent: "    ", Leading: lead > trail}
	best := 0
	for ind, n := range indents {
		if ind != "" && (n > best || n == best && ind < st.Indent) {
			st.Indent, best = ind, n
		}
	}
	return st
}

// join returns the text that continues a command list of in with next on
// a new line in the file's style, e.g. " && \\\n    " + next. In a heredoc
// script the shell reads the lines, so its own "\\" and "\n" break them.
func (s JoinStyle) Join(doc *parser.Document, in *parser.Instruction, next string) string {
	brk := LineBreak(doc, in)
	if s.Leading {
		return " " + brk + s.Indent + "&& " + next
	}
	return " && " + brk + s.Indent + next
}

// LineBreak is what continues in's shell text on a new line: the escape
// token and the file's line ending, or in a heredoc script, which the
// shell reads, the shell's own "\\" and "\n".
func LineBreak(doc *parser.Document, in *parser.Instruction) string {
	if len(in.Heredocs) > 0 {
		return "\\\n"
	}
	return string(doc.Escape) + doc.EOL
}

// ShellAt returns the SHELL in effect for in (the exec-form arguments of the
// last SHELL before it in its stage or, failing that, in the stages it is
// based on), or nil for the image's default shell.
func ShellAt(doc *parser.Document, in *parser.Instruction) []string {
	st := in.Stage
	limit := in.StartLine
	for st != nil {
		var found []string
		for _, x := range st.Shells() {
			if x.StartLine < limit {
				found = x.Args
			}
		}
		if found != nil {
			return found
		}
		if st.Parent == nil {
			return nil
		}
		st, limit = st.Parent, int(^uint(0)>>1)
	}
	return nil
}

// PosixShellAt reports whether in runs under a POSIX shell: its SHELL is sh,
// bash, ash, dash, ksh or zsh, or there is no SHELL and the base is not a
// Windows image (whose default shell is cmd).
func PosixShellAt(doc *parser.Document, in *parser.Instruction) bool {
	if sh := ShellAt(doc, in); sh != nil {
		name := sh[0][strings.LastIndexAny(sh[0], `/\`)+1:]
		switch name {
		case "sh", "bash", "ash", "dash", "ksh", "mksh", "zsh", "busybox":
			return true
		}
		return false
	}
	st := in.Stage
	for st != nil {
		if st.Parent == nil {
			break
		}
		st = st.Parent
	}
	base := strings.ToLower(st.Base)
	for _, w := range []string{"windows", "nanoserver", "servercore", "ltsc20"} {
		if strings.Contains(base, w) {
			return false
		}
	}
	return true
}

// Errexit reports whether shell arguments such as SHELL ["/bin/bash",
// "-eo", "pipefail", "-c"] or "set -ex" switch errexit on.
func Errexit(args []string) bool {
	for i, a := range args {
		if i == 0 {
			continue
		}
		if a == "-o" && i+1 < len(args) && args[i+1] == "errexit" {
			return true
		}
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "e") {
			return true
		}
	}
	return false
}
