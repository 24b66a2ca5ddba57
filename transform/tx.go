package transform

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/docklean/docklean/parser"
)

// Code names one rule of a pass as "PASS/RULE" (alpine/unknown-package):
// stable from release to release, SARIF's ruleId, and documented in
// docs/PASS.md under a heading "### RULE" with an example and what a user
// can do about it.
type Code string

// Doc returns the code's place in the documentation, relative to docs/:
// the heading of its rule in its pass's page (alpine.md#unknown-package).
func (c Code) Doc() string {
	pass, rule, _ := strings.Cut(string(c), "/")
	return pass + ".md#" + rule
}

// Rule documents one code of a pass.
type Rule struct {
	Code    Code
	Summary string // one line, for SARIF's shortDescription
}

// Line is a line number among a finding's message arguments. It prints as
// "line N"; the pipeline maps it, like the finding's own line, to the line
// of the file as the user wrote it, and lists it in Finding.Related.
type Line int

func (l Line) String() string { return "line " + strconv.Itoa(int(l)) }

// Lines are several line numbers among a finding's message arguments,
// printed as "lines 3, 5 and 7" (or "line 3" for one) and mapped like Line.
type Lines []int

func (ls Lines) String() string {
	if len(ls) == 1 {
		return Line(ls[0]).String()
	}
	var b strings.Builder
	b.WriteString("lines ")
	for i, l := range ls {
		switch {
		case i == 0:
		case i == len(ls)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(l))
	}
	return b.String()
}

// Msg is a finding's message kept as format and arguments until the
// pipeline has mapped the Line and Lines among them (also inside Msg
// arguments) to the file as written. A pass that passes a reason around
// before it knows whether it becomes a finding keeps it as a Msg.
type Msg struct {
	format string
	args   []any
}

// Msgf returns the message fmt.Sprintf(format, args...) would print.
func Msgf(format string, args ...any) Msg { return Msg{format, args} }

// String formats the message with its lines as recorded.
func (m Msg) String() string { return m.mapped(nil, nil) }

// IsZero reports whether m is the zero Msg (no message).
func (m Msg) IsZero() bool { return m.format == "" && m.args == nil }

// mapped formats m with every Line and Lines argument passed through
// line, collecting the mapped lines in related.
func (m Msg) mapped(line func(int) int, related *[]int) string {
	if line == nil {
		line = func(n int) int { return n }
	}
	args := make([]any, len(m.args))
	for i, a := range m.args {
		switch a := a.(type) {
		case Line:
			n := Line(line(int(a)))
			args[i] = n
			if related != nil {
				*related = append(*related, int(n))
			}
		case Lines:
			ls := make(Lines, len(a))
			for k, n := range a {
				ls[k] = line(n)
			}
			args[i] = ls
			if related != nil {
				*related = append(*related, ls...)
			}
		case Msg:
			args[i] = a.mapped(line, related)
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(m.format, args...)
}

// Tx is a transaction of one pass on one change of the file: a stage, or
// the stages that must change together. The pass records the change's
// edits and findings, and Refuse for every blocker it finds; when the
// pass's Run returns, a transaction without blockers lands whole (its
// edits and findings), and one with blockers lands none of its edits and
// reports only its blockers (every one of them, each a finding). An edit
// that touches an instruction an ignore comment keeps this pass away from
// is a blocker too, reported by the pipeline.
type Tx struct {
	u        *Unit
	edits    []Edit
	editSeq  []int // the order in which each edit was recorded among the Unit's
	findings []pending
	blockers []pending
	// cover holds the stages the change is about as a whole (Cover): an
	// ignore comment on any of their instructions blocks it.
	cover []*parser.Stage
	// stopped: an ignore comment blocks the transaction, and another
	// transaction reports it.
	stopped bool
}

// pending is a finding before the pipeline maps its lines.
type pending struct {
	code Code
	kind Kind
	line int
	msg  Msg
	seq  int // the order of recording among the Unit's findings
}

// Begin opens a transaction on u.
func (u *Unit) Begin() *Tx {
	t := &Tx{u: u}
	u.txs = append(u.txs, t)
	return t
}

// Cover says the change is about these stages as a whole (a base image
// swap changes what every instruction of a stage runs on): an ignore
// comment above any of their instructions blocks it, not only one above
// an instruction the edits touch.
func (t *Tx) Cover(sts ...*parser.Stage) { t.cover = append(t.cover, sts...) }

// Replace records an edit replacing [start, end) of the pass's document
// with text.
func (t *Tx) Replace(start, end int, text string) {
	t.Apply([]Edit{{Start: start, End: end, Text: text}})
}

// Apply records a batch of edits.
func (t *Tx) Apply(edits []Edit) {
	for _, e := range edits {
		t.edits = append(t.edits, e)
		t.editSeq = append(t.editSeq, t.u.next())
	}
}

// Changed reports a change the transaction makes at line.
func (t *Tx) Changed(line int, code Code, format string, args ...any) {
	t.add(Changed, line, code, Msgf(format, args...))
}

// Note reports something worth knowing about the change, neither a change
// nor a blocker; a refused transaction drops its notes with its changes.
func (t *Tx) Note(line int, code Code, format string, args ...any) {
	t.add(Info, line, code, Msgf(format, args...))
}

// Refuse records a blocker: the transaction lands nothing.
func (t *Tx) Refuse(line int, code Code, format string, args ...any) {
	t.RefuseMsg(line, code, Msgf(format, args...))
}

// RefuseMsg is Refuse with a message made earlier.
func (t *Tx) RefuseMsg(line int, code Code, m Msg) {
	t.u.check(code)
	text := m.String()
	for _, b := range t.blockers {
		if b.code == code && b.line == line && b.msg.String() == text {
			return // the same blocker found twice says nothing new
		}
	}
	t.blockers = append(t.blockers, pending{code: code, kind: Refused, line: line, msg: m, seq: t.u.next()})
}

// Refused reports whether the transaction has a blocker.
func (t *Tx) Refused() bool { return len(t.blockers) > 0 || t.stopped }

// Discard drops what the transaction recorded so far, blockers too: a pass
// that finds, after the fact, a reason to refuse a change as a whole
// discards it and records that reason.
func (t *Tx) Discard() { t.edits, t.editSeq, t.findings, t.blockers = nil, nil, nil, nil }

func (t *Tx) add(k Kind, line int, code Code, m Msg) {
	t.u.check(code)
	t.findings = append(t.findings, pending{code: code, kind: k, line: line, msg: m, seq: t.u.next()})
}

// next numbers what the Unit's transactions record, so that what lands
// keeps the order it was recorded in, whichever transaction it is in.
func (u *Unit) next() int { u.seq++; return u.seq }

// check panics when a pass reports a code it does not declare: every
// code is documented, and SARIF lists the declared ones as its rules.
func (u *Unit) check(code Code) {
	if code != u.pass.ignoredCode() && !slices.ContainsFunc(u.pass.Rules, func(r Rule) bool { return r.Code == code }) {
		panic(fmt.Sprintf("transform: pass %s reports code %q, which it does not declare", u.pass.Name, code))
	}
}

// ignoredCode is the code of the blocker the pipeline reports for every
// pass: an ignore comment keeps the pass away from a stage.
func (p *Pass) ignoredCode() Code { return Code(p.Name + "/ignored") }

// AllRules returns the pass's rules and the one every pass has,
// PASS/ignored.
func (p *Pass) AllRules() []Rule {
	return append(slices.Clip(p.Rules), Rule{p.ignoredCode(), "an ignore comment keeps the pass away from the stage"})
}

// outcome is a finding that lands, with the edits it made (the first
// Changed finding of a transaction carries the transaction's edits).
type outcome struct {
	pending
	edits []Edit
}

// settle decides the Unit's transactions once the pass has run: the edits
// that land, in the order they were recorded, and the findings to report,
// in the order they were recorded (lines still of the pass's document).
func (u *Unit) settle(ig ignores) ([]Edit, []outcome) {
	u.blockIgnored(ig)
	type seqEdit struct {
		seq int
		e   Edit
	}
	var landed []seqEdit
	var out []outcome
	for _, t := range u.txs {
		if t.Refused() {
			for _, b := range t.blockers {
				out = append(out, outcome{pending: b})
			}
			continue
		}
		for i, e := range t.edits {
			landed = append(landed, seqEdit{t.editSeq[i], e})
		}
		carried := false
		for _, f := range t.findings {
			o := outcome{pending: f}
			if f.kind == Changed && !carried {
				o.edits, carried = t.edits, true
			}
			out = append(out, o)
		}
	}
	slices.SortFunc(landed, func(a, b seqEdit) int { return a.seq - b.seq })
	slices.SortFunc(out, func(a, b outcome) int { return a.seq - b.seq })
	edits := make([]Edit, len(landed))
	for i, l := range landed {
		edits[i] = l.e
	}
	return edits, out
}

// blockIgnored adds a blocker to every transaction an ignore comment
// stops: one that covers a stage with an ignored instruction, and one
// with an edit in a stage where some edit of the pass touches an ignored
// instruction (passes change a stage as a whole, so a partial change
// would be worse than none). Each stage is reported once.
func (u *Unit) blockIgnored(ig ignores) {
	if len(ig.byLine) == 0 {
		return
	}
	doc, pass := u.Doc, u.pass.Name
	blocked := map[*parser.Stage]*parser.Instruction{}
	for _, in := range doc.Instructions {
		if in.Stage == nil || blocked[in.Stage] != nil || !ig.ignored(in, pass) {
			continue
		}
		for _, t := range u.txs {
			if slices.Contains(t.cover, in.Stage) || slices.ContainsFunc(t.edits, func(e Edit) bool { return e.Start <= in.End && e.End >= in.Start }) {
				blocked[in.Stage] = in
				break
			}
		}
	}
	if len(blocked) == 0 {
		return
	}
	reported := map[*parser.Stage]bool{}
	for _, t := range u.txs {
		stages := slices.Clone(t.cover)
		for _, e := range t.edits {
			if s := stageAt(doc, e.Start); s != nil && !slices.Contains(stages, s) {
				stages = append(stages, s)
			}
		}
		for _, s := range stages {
			in := blocked[s]
			if in == nil {
				continue
			}
			if reported[s] {
				t.stopped = true // the stage's blocker is another transaction's finding
				continue
			}
			reported[s] = true
			t.RefuseMsg(in.StartLine, u.pass.ignoredCode(), Msgf("stage %d left unchanged: an ignore comment above %v switches %s off", s.Index, Line(in.StartLine), pass))
		}
	}
}
