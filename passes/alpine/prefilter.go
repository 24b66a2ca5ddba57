package alpine

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// filteredRegexp is a regexp with a cheap test run before it: Go's regexp
// scans an unanchored pattern that starts with `\S*` or an alternation
// position by position, 10–100 times slower than strings.Contains finds a
// word that every match must hold.
type filteredRegexp struct {
	*regexp.Regexp
	lits []string // every match contains one of these; nil: no filter
}

func newFilteredRegexp(expr string) filteredRegexp {
	return filteredRegexp{regexp.MustCompile(expr), requiredLiterals(expr)}
}

// FindString is regexp.FindString, skipping the regexp when text holds
// none of the literals.
func (r filteredRegexp) FindString(text string) string {
	if r.lits != nil && !containsAny(text, r.lits) {
		return ""
	}
	return r.Regexp.FindString(text)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// requiredLiterals returns strings one of which every match of expr
// contains, or nil when it cannot tell. It reads the literal each
// alternative starts with once a leading `\S*`, `[^…]*` or `\b` is set
// aside; literals shorter than 3 bytes are no filter.
func requiredLiterals(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	lits := prefixes(re.Simplify(), true)
	for _, l := range lits {
		if len(l) < 3 {
			return nil
		}
	}
	return lits
}

// prefixes returns literals one of which every match of re starts with,
// or nil. With contains, a leading star may be skipped, and the literals
// are then only contained in each match.
func prefixes(re *syntax.Regexp, contains bool) []string {
	if re.Flags&syntax.FoldCase != 0 {
		return nil
	}
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}
	case syntax.OpCapture:
		return prefixes(re.Sub[0], contains)
	case syntax.OpAlternate:
		var all []string
		for _, s := range re.Sub {
			p := prefixes(s, contains)
			if p == nil {
				return nil
			}
			all = append(all, p...)
		}
		return all
	case syntax.OpConcat:
		subs := re.Sub
		for len(subs) > 1 && (subs[0].Op == syntax.OpWordBoundary || contains && subs[0].Op == syntax.OpStar) {
			subs = subs[1:]
		}
		head := prefixes(subs[0], contains)
		if head == nil || subs[0].Op != syntax.OpLiteral || len(subs) == 1 {
			return head
		}
		// a literal, then an alternation: "d" + "eb…" and "ownload…"
		tail := prefixes(&syntax.Regexp{Op: syntax.OpConcat, Sub: subs[1:]}, false)
		if tail == nil {
			return head
		}
		var all []string
		for _, t := range tail {
			all = append(all, head[0]+t)
		}
		return all
	}
	return nil
}
