package transform

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/edit"
	"github.com/docklean/docklean/parser"
)

// Order returns passes in pipeline order: each after the passes its After
// names (the passes docklean has are listed in package passes). Two passes
// of one name, an After naming no pass, or a cycle is an error.
func Order(passes []*Pass) ([]*Pass, error) {
	byName := map[string]*Pass{}
	for _, p := range passes {
		if byName[p.Name] != nil {
			return nil, fmt.Errorf("pass %s is listed twice", p.Name)
		}
		byName[p.Name] = p
	}
	return pipelineOrder(byName)
}

// pipelineOrder sorts passes so that each comes after the passes its After
// names (Kahn's algorithm); among passes free to run at once, the name
// decides, so the order never depends on map iteration.
func pipelineOrder(passes map[string]*Pass) ([]*Pass, error) {
	waiting := map[string]int{} // name -> passes of After not yet placed
	next := map[string][]string{}
	for name, p := range passes {
		for _, a := range p.After {
			if passes[a] == nil {
				return nil, fmt.Errorf("pass %s runs after %q, which is not a pass", name, a)
			}
			waiting[name]++
			next[a] = append(next[a], name)
		}
	}
	var ready, sorted []string
	for name := range passes {
		if waiting[name] == 0 {
			ready = append(ready, name)
		}
	}
	var out []*Pass
	for len(ready) > 0 {
		slices.Sort(ready)
		name := ready[0]
		ready = ready[1:]
		out = append(out, passes[name])
		sorted = append(sorted, name)
		for _, n := range next[name] {
			if waiting[n]--; waiting[n] == 0 {
				ready = append(ready, n)
			}
		}
	}
	if len(out) < len(passes) {
		var cycle []string
		for name := range passes {
			if !slices.Contains(sorted, name) {
				cycle = append(cycle, name)
			}
		}
		slices.Sort(cycle)
		return nil, fmt.Errorf("passes %s run after each other in a cycle", strings.Join(cycle, ", "))
	}
	return out, nil
}

// Result is the outcome of running the pipeline over one file.
type Result struct {
	Output   []byte
	Findings []Finding
	// Estimate compares the final base images of src and Output, nil when it
	// has nothing to say; Process has both documents at hand, so it costs no
	// parsing.
	Estimate *SizeEstimate
}

// Changed reports whether the output differs from src.
func (r *Result) Changed(src []byte) bool { return string(r.Output) != string(src) }

// Process runs passes over src, which was read from file (used in findings
// and errors only). On a parse error of src it returns a *parser.Error. If a
// pass produces text that does not parse, does not resolve its stages, or has
// a RUN the shell cannot parse, Process returns an error naming the pass and
// no output.
func Process(file string, src []byte, passes []*Pass, opts *Options) (*Result, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	doc, err := parser.Parse(src)
	if err != nil {
		return nil, err
	}
	badShell := unparsedRuns(doc)
	// Of the original, keep only what findings and the estimate need: its
	// parsed form (shell trees: some 70 bytes per byte of a RUN) would stay
	// alive next to each pass's document.
	orig := newLineIndex(src)
	beforeImage, beforeSize, beforeOK := finalBaseSize(doc)
	var history []*editIndex // the edits of each pass that changed the text, in order
	res := &Result{Output: src}
	ign := readIgnores(doc)
	if ign.file {
		return res, nil
	}
	for _, p := range passes {
		u := &Unit{Doc: doc, Opts: opts, File: file, pass: p, ign: &ign}
		if err := p.Run(u); err != nil {
			return nil, fmt.Errorf("pass %s: %w", p.Name, err)
		}
		edits, outcomes := u.settle(ign)
		toOrig := func(line int) int { return origLine(orig, doc, history, line) }
		for _, o := range outcomes {
			f := Finding{Pass: p.Name, Code: o.code, File: file, Line: toOrig(o.line), Kind: o.kind}
			// One finding, one line: a message may quote shell text.
			f.Message = oneLine.Replace(o.msg.mapped(toOrig, &f.Related))
			f.Edits = origEdits(history, o.edits)
			res.Findings = append(res.Findings, f)
		}
		if len(edits) == 0 {
			continue
		}
		out, err := edit.Apply(doc.Src, edits)
		if err != nil {
			return nil, fmt.Errorf("pass %s: %w", p.Name, err)
		}
		dropTouchedShells(doc, edits)
		next, err := doc.Reparse(out)
		if err != nil {
			return nil, fmt.Errorf("pass %s produced an invalid Dockerfile (file left unchanged; please report this): %v", p.Name, err)
		}
		if in := newShellError(next, badShell); in != nil {
			return nil, fmt.Errorf("pass %s produced a RUN the shell cannot parse at line %d (file left unchanged; please report this): %v", p.Name, in.StartLine, in.Shell.Err)
		}
		if in := lostInstruction(doc, next, edits); in != nil {
			return nil, fmt.Errorf("pass %s changed the instruction at line %d, which none of its edits touches (file left unchanged; please report this)", p.Name, origLine(orig, doc, history, in.StartLine))
		}
		history = append(history, newEditIndex(edit.Sort(edits)))
		doc = next
		// Edits move lines: read the ignore comments again so that they
		// stay with the instructions they sit above.
		ign = readIgnores(doc)
		res.Output = out
	}
	if len(history) > 0 {
		res.Estimate, _ = estimateAfter(beforeImage, beforeSize, beforeOK, doc)
	}
	return res, nil
}

// Run runs pass p alone over doc, which was read from file, and returns the
// edits and findings it reported, neither applied nor checked: Process does
// both, for each pass in turn.
func Run(p *Pass, doc *parser.Document, file string, opts *Options) ([]Edit, []Finding, error) {
	u := &Unit{Doc: doc, Opts: opts, File: file, pass: p}
	if err := p.Run(u); err != nil {
		return nil, nil, err
	}
	edits, outcomes := u.settle(ignores{})
	var findings []Finding
	for _, o := range outcomes {
		findings = append(findings, Finding{Pass: p.Name, Code: o.code, File: file, Line: o.line, Kind: o.kind, Message: o.msg.String(), Edits: o.edits})
	}
	return edits, findings, nil
}

// dropTouchedShells forgets the shell trees of the instructions of doc
// that edits change, once the passes are done with doc: Reparse cannot
// reuse them (their text changes), and without them the collector can
// free them while the new document is parsed, instead of holding both
// documents' trees (a 2 MB file of RUNs that all change peaked at twice
// its 150 MB of trees).
func dropTouchedShells(doc *parser.Document, edits []Edit) {
	sorted := edit.Sort(edits)
	k := 0
	for _, in := range doc.Instructions {
		for k < len(sorted) && sorted[k].End < in.Start {
			k++
		}
		if k < len(sorted) && sorted[k].Start <= in.End {
			in.Shell = nil
		}
	}
}

// origLine maps a line of doc, the text after the passes whose edits are in
// history, back to the line of the original file it came from, so that every
// finding names a line of the file the user wrote. The line's first byte that
// came from the original file decides: a merged RUN's "    apt-get install"
// line, whose indentation run-merge inserted, is the line the apt-get was
// on. A line made only of inserted text maps to where the insertion was made.
func origLine(orig lineIndex, doc *parser.Document, history []*editIndex, line int) int {
	if len(history) == 0 || line < 1 || line > doc.LineOf(len(doc.Src)) {
		return line
	}
	start := doc.LineStart(line)
	for off := start; off < doc.LineEnd(line); off++ {
		if o, ok := origOffset(history, off); ok {
			return orig.lineOf(o)
		}
	}
	o, _ := origOffset(history, start)
	return orig.lineOf(o)
}

// origEdits returns edits, made on the text after the edits in history,
// as edits of the original text, or nil when one of them cannot be said
// there: it touches text an earlier pass inserted or deleted.
func origEdits(history []*editIndex, edits []Edit) []Edit {
	if len(history) == 0 || len(edits) == 0 {
		return edits
	}
	out := make([]Edit, len(edits))
	for i, e := range edits {
		start, end := e.Start, e.End
		for h := len(history) - 1; h >= 0; h-- {
			var ok bool
			if start, end, ok = history[h].oldRange(start, end); !ok {
				return nil
			}
		}
		out[i] = Edit{Start: start, End: end, Text: e.Text}
	}
	return out
}

// oldRange maps the range [s, e) of the text after x's edits to the text
// before them; ok is false when one of the edits lies inside the range
// (or, for an empty range, around it), so that no range of the old text
// holds the same bytes.
func (x *editIndex) oldRange(s, e int) (int, int, bool) {
	k := sort.SearchInts(x.newStart, s+1) // edits starting at or before s
	if k > 0 && x.newStart[k-1]+len(x.edits[k-1].Text) > s {
		return 0, 0, false // s is inside an edit's text
	}
	if k < len(x.edits) && x.newStart[k] < e {
		return 0, 0, false // an edit starts inside the range
	}
	return s - x.delta[k], e - x.delta[k], true
}

// origOffset maps an offset of the text after the edits in history back to
// the original text; ok is false when the byte there was inserted by a pass.
func origOffset(history []*editIndex, off int) (o int, ok bool) {
	ok = true
	for i := len(history) - 1; i >= 0; i-- {
		var inserted bool
		off, inserted = history[i].old(off)
		ok = ok && !inserted
	}
	return off, ok
}

// oneLine keeps a finding's message on one line of -v output.
var oneLine = strings.NewReplacer("\r\n", " ↵ ", "\n", " ↵ ")

// lineIndex holds where each line of a text starts, for lineOf.
type lineIndex []int

// newLineIndex indexes the lines of src as parser.Document does.
func newLineIndex(src []byte) lineIndex {
	l := lineIndex{0}
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			l = append(l, i+1)
		}
	}
	return l
}

// lineOf returns the 1-based line holding offset off, like
// parser.Document.LineOf.
func (l lineIndex) lineOf(off int) int {
	return max(sort.SearchInts(l, off+1), 1)
}

// editIndex answers oldOffset for one pass's edits by binary search: the
// pipeline maps the line of every finding back through every pass, and a
// walk over all edits for each was quadratic in the size of a file whose
// passes make an edit per RUN.
type editIndex struct {
	edits    []Edit
	newStart []int // where each edit's text starts in the text after the edits
	delta    []int // new offset minus old offset before each edit
}

func newEditIndex(edits []Edit) *editIndex {
	x := &editIndex{edits: edits, newStart: make([]int, len(edits)), delta: make([]int, len(edits)+1)}
	d := 0
	for i, e := range edits {
		x.newStart[i], x.delta[i] = e.Start+d, d
		d += len(e.Text) - (e.End - e.Start)
	}
	x.delta[len(edits)] = d
	return x
}

func (x *editIndex) old(off int) (int, bool) {
	// k edits have their new text starting at or before off. The new
	// texts are disjoint and in order, so only the last of them can hold
	// off; past it, off moved by the change in length of all k.
	k := sort.SearchInts(x.newStart, off+1)
	if k > 0 && off < x.newStart[k-1]+len(x.edits[k-1].Text) {
		return x.edits[k-1].Start, true
	}
	return off - x.delta[k], false
}

// newShellError returns the first shell-form RUN of doc whose shell text does
// not parse and was not among the user's unparsable RUNs (bad), or nil.
func newShellError(doc *parser.Document, bad map[string]bool) *parser.Instruction {
	for _, in := range doc.Instructions {
		if in.Shell != nil && in.Shell.Err != nil && !bad[in.Shell.Text] {
			return in
		}
	}
	return nil
}

// unparsedRuns returns the shell texts of src's RUNs that do not parse as
// shell: those were the user's, and the self-check does not blame a pass for
// them.
func unparsedRuns(doc *parser.Document) map[string]bool {
	bad := map[string]bool{}
	for _, in := range doc.Instructions {
		if in.Shell != nil && in.Shell.Err != nil {
			bad[in.Shell.Text] = true
		}
	}
	return bad
}
