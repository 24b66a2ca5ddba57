package transform

import (
	"regexp"
	"strings"

	"github.com/docklean/docklean/parser"
	"mvdan.cc/sh/v3/syntax"
)

// Removing commands and words from a RUN while keeping its layout: the
// joining && or ;, continuation lines and comment lines.

var commentLine = regexp.MustCompile(`(?m)^[ \t]*#`)

// flattenAnd returns the top-level statements of a shell file with && chains
// split into their commands.
func flattenAnd(f *syntax.File) []*syntax.Stmt {
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
	for _, st := range f.Stmts {
		walk(st)
	}
	return out
}

// deleteLeaves removes runs of consecutive leaves marked for deletion,
// with the && or ; joining them, keeping comment lines.
func (r *runConv) deleteLeaves(leaves []*syntax.Stmt) []Edit {
	doc := r.s.doc
	var out []Edit
	for i := 0; i < len(leaves); i++ {
		if r.del[leaves[i]] == "" {
			continue
		}
		j := i
		for j+1 < len(leaves) && r.del[leaves[j+1]] != "" {
			j++
		}
		start, _ := r.span(leaves[i])
		_, end := r.span(leaves[j])
		if j+1 < len(leaves) {
			next, _ := r.span(leaves[j+1])
			if !commentLine.Match(doc.Src[start:next]) {
				out = append(out, Edit{start, next, ""})
			} else {
				// keep the comment lines: drop the commands and their operator
				e := skipBlanks(doc, end)
				opStart, opEnd := operatorAfter(doc, end, next)
				if opStart == e {
					out = append(out, Edit{start, skipBlanks(doc, opEnd), ""})
				} else {
					out = append(out, Edit{start, e, ""}, Edit{opStart, skipBlanks(doc, opEnd), ""})
				}
			}
		} else {
			_, prev := r.span(leaves[i-1])
			if leaves[i-1].Background {
				r.s.refuse(doc.LineOf(start), "the command before it runs in the background (&); convert by hand")
				return nil
			}
			if sc := leaves[i-1].Semicolon; sc.IsValid() {
				prev, _ = r.sh.Range(int(sc.Offset()), int(sc.Offset())+1) // keep "a" of "a; b", not "a;"
			}
			if !commentLine.Match(doc.Src[prev:end]) {
				out = append(out, Edit{prev, end, ""})
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
					r.s.refuse(doc.LineOf(start), "docklean cannot remove this command and keep the comments around it; convert by hand")
					return nil
				}
				pl := doc.LineOf(prev)
				out = append(out, Edit{prev, doc.LineStart(pl) + len(strings.TrimRight(doc.Line(pl), "\r")), ""})
				out = append(out, Edit{ls, doc.LineEnd(el), ""})
			}
		}
		i = j
	}
	return out
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

// deleteSpan removes the word at [start, end) from its line: the whole line
// when the word is alone on it (before a continuation), else the word and
// the blanks before it (or after it, at the start of a line). prevEnd, when
// not -1, is the end of the previous word, used when the word is alone on
// the last line of a command.
func deleteSpan(doc *parser.Document, start, end, prevEnd int) Edit {
	ln := doc.LineOf(start)
	ls := doc.LineStart(ln)
	before := strings.TrimLeft(string(doc.Src[ls:start]), " \t") == ""
	if before && doc.LineOf(end) == ln {
		rest := strings.TrimSpace(string(doc.Src[end : doc.LineStart(ln)+len(doc.Line(ln))]))
		switch {
		case rest == string(doc.Escape):
			return Edit{ls, doc.LineEnd(ln), ""}
		case rest == "" && prevEnd >= 0 && prevEnd < ls:
			return Edit{prevEnd, end, ""}
		}
	}
	if before {
		e := end
		for e < len(doc.Src) && (doc.Src[e] == ' ' || doc.Src[e] == '\t') {
			e++
		}
		return Edit{start, e, ""}
	}
	b := start
	for b > ls && (doc.Src[b-1] == ' ' || doc.Src[b-1] == '\t') {
		b--
	}
	return Edit{b, end, ""}
}

// danglingEscape reports whether edits inside in leave its last line of
// content ending with the escape token, which would join the next
// instruction.
func danglingEscape(doc *parser.Document, in *parser.Instruction, edits []Edit) bool {
	end := doc.LineEnd(in.EndLine)
	var local []Edit
	for _, e := range edits {
		switch {
		case e.End < in.Start || e.Start > end:
			// elsewhere: an ARG or ENV holding the packages
		case e.Start <= in.Start && e.End >= end:
			return false // the whole RUN goes
		default:
			local = append(local, Edit{max(e.Start, in.Start) - in.Start, min(e.End, end) - in.Start, e.Text})
		}
	}
	if len(local) == 0 {
		return false
	}
	out, err := applyEdits(doc.Src[in.Start:end], local)
	if err != nil {
		return true
	}
	lines := strings.Split(string(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "#") && i > 0 {
			continue
		}
		esc := string(doc.Escape)
		return strings.HasSuffix(l, esc) && !strings.HasSuffix(l, esc+esc)
	}
	return true
}

// deleteLines removes lines from..to, and the blank line after them when
// they sit between two blank lines.
func deleteLines(doc *parser.Document, from, to int) Edit {
	end := doc.LineEnd(to)
	last := doc.LineOf(len(doc.Src))
	if from > 1 && to < last && strings.TrimSpace(doc.Line(from-1)) == "" && strings.TrimSpace(doc.Line(to+1)) == "" {
		end = doc.LineEnd(to + 1)
	}
	return Edit{doc.LineStart(from), end, ""}
}
