package cachecleanup

import (
	"sort"
	"strings"

	"github.com/docklean/docklean/parser"
)

// aptScan answers aptListsNeeded for every RUN of a document in linear
// time: for each stage, the index of the next RUN that decides (its first
// apt-get update or install-like command) from each position, and for each
// whole stage (with the stages built on it) the RUN that needs the lists,
// found once. Scanning the rest of the stage for each apt-get update was
// quadratic in the number of RUNs (a 2 MB file of RUNs took seconds).
type aptScan struct {
	doc      *parser.Document
	cmds     pkgCmdCache
	next     map[*parser.Stage][]int // next[st][i]: first deciding index ≥ i, len(Instructions) if none
	verdict  map[*parser.Stage]*parser.Instruction
	done     map[*parser.Stage]bool
	children map[*parser.Stage][]*parser.Stage
}

func newAptScan(doc *parser.Document, cmds pkgCmdCache) *aptScan {
	a := &aptScan{doc: doc, cmds: cmds, next: map[*parser.Stage][]int{}, verdict: map[*parser.Stage]*parser.Instruction{}, done: map[*parser.Stage]bool{}, children: map[*parser.Stage][]*parser.Stage{}}
	for _, s := range doc.Stages {
		if s.Parent != nil {
			a.children[s.Parent] = append(a.children[s.Parent], s)
		}
	}
	return a
}

// decides says what the first apt command of x that matters does: "update"
// (the lists are fresh again), "install" (it uses them), or "".
func (a *aptScan) decides(x *parser.Instruction) string {
	if x.Keyword != "run" {
		return ""
	}
	if x.Shell == nil || x.Shell.File == nil {
		// exec form, an opaque heredoc: read its words
		text := strings.Join(x.Args, " ")
		for _, h := range x.Heredocs {
			text += "\n" + h.Content
		}
		for _, m := range aptSub.FindAllStringSubmatch(text, -1) {
			switch m[1] {
			case "update":
				return "update"
			case "install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "reinstall":
				return "install"
			}
		}
		return ""
	}
	for _, pc := range a.cmds.of(x.Shell) {
		if pc.tool != "apt" {
			continue
		}
		if aptUpdatesFirst(pc) {
			return "update"
		}
		switch pc.subcmd() {
		case "update":
			return "update"
		case "install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source", "reinstall":
			return "install"
		}
	}
	return ""
}

func (a *aptScan) nextOf(st *parser.Stage) []int {
	if n, ok := a.next[st]; ok {
		return n
	}
	ins := st.Instructions
	n := make([]int, len(ins)+1)
	n[len(ins)] = len(ins)
	for i := len(ins) - 1; i >= 0; i-- {
		if a.decides(ins[i]) != "" {
			n[i] = i
		} else {
			n[i] = n[i+1]
		}
	}
	a.next[st] = n
	return n
}

// from returns the RUN at index ≥ i of st, or of a stage built on it, that
// needs lists it did not refresh, or nil.
func (a *aptScan) from(st *parser.Stage, i int) *parser.Instruction {
	ins := st.Instructions
	if j := a.nextOf(st)[i]; j < len(ins) {
		if a.decides(ins[j]) == "install" {
			return ins[j]
		}
		return nil
	}
	for _, c := range a.children[st] {
		if x := a.whole(c); x != nil {
			return x
		}
	}
	return nil
}

func (a *aptScan) whole(st *parser.Stage) *parser.Instruction {
	if !a.done[st] {
		a.done[st] = true
		a.verdict[st] = a.from(st, 0)
	}
	return a.verdict[st]
}

// needed is aptListsNeeded: the RUN after in that uses the lists in
// downloads.
func (a *aptScan) needed(in *parser.Instruction) *parser.Instruction {
	ins := in.Stage.Instructions
	i := sort.Search(len(ins), func(k int) bool { return ins[k].StartLine > in.StartLine })
	return a.from(in.Stage, i)
}
