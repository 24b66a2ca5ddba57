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
// instruction) or when it is joined by anything but "&&" or a newline/";"
// list, where removing it could change what runs.
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
				return a, b, true
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
		case bin.Y:
			_, start = sh.Span(bin.X)
			_, end = sh.Span(bin.Y)
			found = true
		}
		return !found
	})
	return start, end, found
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
