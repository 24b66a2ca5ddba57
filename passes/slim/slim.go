// Package slim is the slim pass: it moves a stage left on a full
// Debian-based official image to its glibc -slim variant and installs what
// the stage uses of the full image (see its Pass.Doc and docs/slim.md).
package slim

import (
	"slices"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// Pass moves stages left on a full Debian-based official image to its
// -slim variant (see slimDoc). It runs after alpine: slim sees only the
// stages alpine left on a full image.
var Pass = &transform.Pass{Name: "slim", Doc: slimDoc, After: []string{"alpine"}, Run: transform.Legacy(runSlim)}

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
func runSlim(u *transform.Unit) {
	if u.Opts.Base == "alpine" || u.Doc.Escape == '`' {
		return
	}
	doc := u.Doc
	children := map[*parser.Stage][]*parser.Stage{}
	var roots []*parser.Stage
	for _, st := range doc.Stages {
		if p := stages.ParentStage(doc, st); p != nil {
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
func planSlim(u *transform.Unit, tree []*parser.Stage) {
	root := tree[0]
	base := rebase.SlimBaseOf(u.Doc, root)
	switch base.Kind {
	case rebase.BaseSkip:
		return
	case rebase.BaseRefuse:
		u.Refused(base.Line, "%s left unchanged: %s", stages.StageName(root), base.Reason)
		return
	}
	for _, st := range tree {
		for _, in := range st.Instructions {
			if u.Ignored(in) {
				u.Refused(in.StartLine, "%s left unchanged: an ignore comment above line %d switches slim off, and stages that share a base are converted together", stages.StageName(root), in.StartLine)
				return
			}
		}
	}
	s := rebase.NewSlimScan(u, tree, base)
	s.Scan()
	if s.Refusal != nil {
		u.Refused(s.Refusal.Line, "%s left on %s: %s", stages.StageName(s.Refusal.St), base.Ref, s.Refusal.Msg)
		return
	}
	u.Apply(base.Edits)
	for _, m := range base.Changes {
		u.Changed(m.Line, "%s", m.Msg)
	}
	install(s)
}

// install adds the needed packages to the root stage's first apt-get
// install that runs before any of them is needed, or inserts a RUN after
// its FROM.
func install(s *rebase.SlimScan) {
	from := s.Tree[0].From
	at := s.Doc.LineEnd(from.EndLine)
	nl := ""
	if at == len(s.Doc.Src) && (at == 0 || s.Doc.Src[at-1] != '\n') {
		nl = s.Doc.EOL
	}
	if s.ManDir != "" {
		mkdir := "mkdir -p /usr/share/man/man1"
		if s.Manless() {
			mkdir = "mkdir -p /usr/share/man/man1 /usr/share/man/man2 /usr/share/man/man3 /usr/share/man/man4 /usr/share/man/man5 /usr/share/man/man6 /usr/share/man/man7 /usr/share/man/man8"
		}
		s.U.Replace(at, at, nl+s.Doc.Indent(from.StartLine)+"RUN "+mkdir+s.Doc.EOL)
		s.U.Changed(from.StartLine, "RUN %s inserted after FROM: %s", mkdir, s.ManDir)
		nl = ""
	}
	if len(s.Needs) == 0 {
		return
	}
	var pkgs []string
	first := len(s.Doc.Src)
	why := map[string]string{}
	for _, n := range s.Needs {
		if at, ok := s.Has[n.Pkg]; ok && at < n.Off {
			continue // the stage installs it itself before it is needed
		}
		if _, ok := why[n.Pkg]; !ok {
			pkgs = append(pkgs, n.Pkg)
			why[n.Pkg] = n.Why
		}
		first = min(first, n.Off)
	}
	if len(pkgs) == 0 {
		return
	}
	slices.Sort(pkgs)
	list := strings.Join(pkgs, " ")
	if h := s.Host; h != nil && h.Off < first {
		s.U.Replace(h.End, h.End, " "+list)
		for _, p := range pkgs {
			s.U.Changed(h.Line, "%s added to apt-get install: %s", p, why[p])
		}
		return
	}
	s.U.Replace(at, at, nl+s.Doc.Indent(from.StartLine)+"RUN apt-get update && apt-get install -y --no-install-recommends "+list+" && rm -rf /var/lib/apt/lists/*"+s.Doc.EOL)
	for _, p := range pkgs {
		s.U.Changed(from.StartLine, "%s installed in a RUN after FROM: %s", p, why[p])
	}
}
