package transform

import (
	"slices"
	"sort"
	"strings"

	"github.com/docklean/docklean/parser"
)

func init() {
	// slim sees only the stages alpine left on a full image.
	register(&Pass{Name: "slim", Doc: slimDoc, After: []string{"alpine"}, Run: legacy(runSlim)})
}

const slimDoc = `swap a stage left on a full Debian-based official image to its glibc -slim variant, installing what the stage uses

Runs after alpine and sees only stages still on a full image: python, node,
ruby, perl and rust X → X-slim (python:3.12 → python:3.12-slim,
node:22-bookworm → node:22-bookworm-slim), openjdk where a slim tag exists,
debian:X → debian:X-slim, buildpack-deps:X[-curl|-scm] → debian:X-slim (or
ubuntu:X). Only tags that exist are emitted. The full images carry
buildpack-deps (curl, wget, git, ssh, gcc, g++, make, python3 and some thirty
-dev packages, data/slim-layers.tsv); for each program the stage runs in RUN,
CMD, ENTRYPOINT, HEALTHCHECK or a shell script copied from the context that
one of those packages provides, and for what its builds need (npm ci/install
and yarn with native modules: python3 make g++; pip install of a package that
compiles: gcc and its headers; bundle install of native gems), the package is
installed with apt-get install -y --no-install-recommends, in the stage's
first apt-get install or a new RUN after FROM, with a finding naming each.
Refuses, leaving the stage as it was: a compiler or make run on unknown
sources; a script from the context it cannot read; a pip package, gem or
crate whose build needs it does not know, or a pinned version of a package
that may have no wheel for the Python; a command named by a variable; a COPY
--from of native files (they may link against libraries of the full image);
--base alpine. See docs/slim.md.`

// runSlim plans each tree of stages that share a base image.
func runSlim(u *Unit) {
	if u.Opts.Base == "alpine" || u.Doc.Escape == '`' {
		return
	}
	doc := u.Doc
	children := map[*parser.Stage][]*parser.Stage{}
	var roots []*parser.Stage
	for _, st := range doc.Stages {
		if p := parentStage(doc, st); p != nil {
			children[p] = append(children[p], st)
		} else {
			roots = append(roots, st)
		}
	}
	for _, root := range roots {
		tree := []*parser.Stage{root}
		for i := 0; i < len(tree); i++ {
			tree = append(tree, children[tree[i]]...)
		}
		sort.Slice(tree, func(i, j int) bool { return tree[i].Index < tree[j].Index })
		planSlim(u, tree)
	}
}

// planSlim converts a root stage and the stages built on it, or refuses.
func planSlim(u *Unit, tree []*parser.Stage) {
	root := tree[0]
	base := slimBaseOf(u.Doc, root)
	switch base.kind {
	case baseSkip:
		return
	case baseRefuse:
		u.Refused(base.line, "%s left unchanged: %s", stageName(root), base.reason)
		return
	}
	ig := u.ignores()
	for _, st := range tree {
		for _, in := range st.Instructions {
			if ig.ignored(in, "slim") {
				u.Refused(in.StartLine, "%s left unchanged: an ignore comment above line %d switches slim off, and stages that share a base are converted together", stageName(root), in.StartLine)
				return
			}
		}
	}
	s := newSlimScan(u, tree, base)
	s.scan()
	if s.refusal != nil {
		u.Refused(s.refusal.line, "%s left on %s: %s", stageName(s.refusal.st), base.ref, s.refusal.msg)
		return
	}
	u.Apply(base.edits)
	for _, m := range base.changes {
		u.Changed(m.line, "%s", m.msg)
	}
	s.install()
}

// slimNeed is a package a stage of the tree needs from offset off on.
type slimNeed struct {
	pkg, why string
	off      int
}

// install adds the needed packages to the root stage's first apt-get
// install that runs before any of them is needed, or inserts a RUN after
// its FROM.
func (s *slimScan) install() {
	from := s.tree[0].From
	at := s.doc.LineEnd(from.EndLine)
	nl := ""
	if at == len(s.doc.Src) && (at == 0 || s.doc.Src[at-1] != '\n') {
		nl = s.doc.EOL
	}
	if s.manDir != "" {
		s.u.Replace(at, at, nl+s.doc.Indent(from.StartLine)+"RUN mkdir -p /usr/share/man/man1"+s.doc.EOL)
		s.u.Changed(from.StartLine, "RUN mkdir -p /usr/share/man/man1 inserted after FROM: %s", s.manDir)
		nl = ""
	}
	if len(s.needs) == 0 {
		return
	}
	var pkgs []string
	first := len(s.doc.Src)
	why := map[string]string{}
	for _, n := range s.needs {
		if at, ok := s.has[n.pkg]; ok && at < n.off {
			continue // the stage installs it itself before it is needed
		}
		if _, ok := why[n.pkg]; !ok {
			pkgs = append(pkgs, n.pkg)
			why[n.pkg] = n.why
		}
		first = min(first, n.off)
	}
	if len(pkgs) == 0 {
		return
	}
	slices.Sort(pkgs)
	list := strings.Join(pkgs, " ")
	if h := s.host; h != nil && h.off < first {
		s.u.Replace(h.end, h.end, " "+list)
		for _, p := range pkgs {
			s.u.Changed(h.line, "%s added to apt-get install: %s", p, why[p])
		}
		return
	}
	s.u.Replace(at, at, nl+s.doc.Indent(from.StartLine)+"RUN apt-get update && apt-get install -y --no-install-recommends "+list+" && rm -rf /var/lib/apt/lists/*"+s.doc.EOL)
	for _, p := range pkgs {
		s.u.Changed(from.StartLine, "%s installed in a RUN after FROM: %s", p, why[p])
	}
}

// slimRefusal is why a tree stays on its full image.
type slimRefusal struct {
	st   *parser.Stage
	line int
	msg  string
}

// removedPackages returns the packages of the layers, with their layer.
func removedPackages(layers []string) map[string]string {
	m := map[string]string{}
	for _, l := range layers {
		for _, p := range slimLayers()[l] {
			m[p] = l
		}
	}
	for _, sc := range slimCommands() {
		if l, ok := strings.CutPrefix(sc.layer, "dep-"); ok && slices.Contains(layers, l) {
			m[sc.pkg] = l
		}
	}
	return m
}
