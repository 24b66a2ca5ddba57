package alpine

import (
	"strings"

	"github.com/docklean/docklean/internal/edit"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// Removing words and lines from a RUN while keeping its layout (commands
// go through shellx.DeleteStmts).

// deleteSpan removes the word at [start, end) from its line: the whole line
// when the word is alone on it (before a continuation), else the word and
// the blanks before it (or after it, at the start of a line). prevEnd, when
// not -1, is the end of the previous word, used when the word is alone on
// the last line of a command.
func deleteSpan(doc *parser.Document, start, end, prevEnd int) transform.Edit {
	ln := doc.LineOf(start)
	ls := doc.LineStart(ln)
	before := strings.TrimLeft(string(doc.Src[ls:start]), " \t") == ""
	if before && doc.LineOf(end) == ln {
		rest := strings.TrimSpace(string(doc.Src[end : doc.LineStart(ln)+len(doc.Line(ln))]))
		switch {
		case rest == string(doc.Escape):
			return transform.Edit{Start: ls, End: doc.LineEnd(ln), Text: ""}
		case rest == "" && prevEnd >= 0 && prevEnd < ls:
			return transform.Edit{Start: prevEnd, End: end, Text: ""}
		}
	}
	if before {
		e := end
		for e < len(doc.Src) && (doc.Src[e] == ' ' || doc.Src[e] == '\t') {
			e++
		}
		return transform.Edit{Start: start, End: e, Text: ""}
	}
	b := start
	for b > ls && (doc.Src[b-1] == ' ' || doc.Src[b-1] == '\t') {
		b--
	}
	return transform.Edit{Start: b, End: end, Text: ""}
}

// layoutBroken says how edits inside in would change how buildkit reads
// its lines, "" when they do not: the last line of content ending with the
// escape token (it would join the next instruction), or a continuation line
// that starts with "#" once a word before the "#" is gone (buildkit skips
// it as a comment line, and the shell text after it changes).
func layoutBroken(doc *parser.Document, in *parser.Instruction, edits []transform.Edit) string {
	end := doc.LineEnd(in.EndLine)
	var local []transform.Edit
	for _, e := range edits {
		switch {
		case e.End < in.Start || e.Start > end:
			// elsewhere: an ARG or ENV holding the packages
		case e.Start <= in.Start && e.End >= end:
			return "" // the whole RUN goes
		default:
			local = append(local, transform.Edit{Start: max(e.Start, in.Start) - in.Start, End: min(e.End, end) - in.Start, Text: e.Text})
		}
	}
	if len(local) == 0 {
		return ""
	}
	src := doc.Src[in.Start:end]
	out, err := edit.Apply(src, local)
	if err != nil {
		return "docklean could not apply its edits to it"
	}
	comments := map[string]int{}
	for i, l := range strings.Split(string(src), "\n") {
		if l = strings.TrimSpace(l); i > 0 && strings.HasPrefix(l, "#") {
			comments[l]++
		}
	}
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		if l = strings.TrimSpace(l); i > 0 && strings.HasPrefix(l, "#") {
			if comments[l] == 0 {
				return "a line of the RUN would start with # (a comment line to buildkit)"
			}
			comments[l]--
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "#") && i > 0 {
			continue
		}
		esc := string(doc.Escape)
		if strings.HasSuffix(l, esc) && !strings.HasSuffix(l, esc+esc) {
			return danglingContinuation
		}
		return ""
	}
	return "the RUN would be left empty"
}

// danglingContinuation is layoutBroken's word for a RUN whose last line of
// content would end with the escape token.
const danglingContinuation = "the RUN would end in a line continuation"

// tidyDeletions merges the deletions among edits that overlap or touch
// (a word and the command after it, "-y" and "&& rm …"), and when the
// deletions leave in ending in a line continuation, widens the one that
// removes its tail to take the continuation before it too: "curl \
// <newline>  -y && rm …" minus "-y" and "&& rm …" reads "curl". It
// returns the edits and what layoutBroken says of them.
func tidyDeletions(doc *parser.Document, in *parser.Instruction, edits []transform.Edit) ([]transform.Edit, string) {
	var out []transform.Edit
	for _, e := range edit.Sort(edits) {
		if n := len(out); n > 0 && e.Text == "" && out[n-1].Text == "" && e.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, e.End)
			continue
		}
		out = append(out, e)
	}
	if why := layoutBroken(doc, in, out); why != danglingContinuation {
		return out, why
	}
	k := len(out) - 1
	for k >= 0 && out[k].Start > in.End {
		k--
	}
	if k < 0 || out[k].Text != "" || strings.TrimSpace(string(doc.Src[out[k].End:in.End])) != "" {
		return out, danglingContinuation
	}
	b := out[k].Start
	for b > in.Start && strings.ContainsRune(" \t\r\n"+string(doc.Escape), rune(doc.Src[b-1])) {
		b--
	}
	if k > 0 && out[k-1].End > b || !strings.ContainsRune(string(doc.Src[b:out[k].Start]), rune(doc.Escape)) {
		return out, danglingContinuation
	}
	out[k].Start = b
	return out, layoutBroken(doc, in, out)
}

// deleteLines removes lines from..to, and the blank line after them when
// they sit between two blank lines.
func deleteLines(doc *parser.Document, from, to int) transform.Edit {
	end := doc.LineEnd(to)
	last := doc.LineOf(len(doc.Src))
	if from > 1 && to < last && strings.TrimSpace(doc.Line(from-1)) == "" && strings.TrimSpace(doc.Line(to+1)) == "" {
		end = doc.LineEnd(to + 1)
	}
	return transform.Edit{Start: doc.LineStart(from), End: end, Text: ""}
}
