// Package slim is the slim pass: it moves a stage left on a full
// Debian-based official image to its glibc -slim variant and installs what
// the stage uses of the full image (see its Pass.Doc and docs/slim.md).
package slim

import (
	"slices"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/passname"
	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// Pass moves stages left on a full Debian-based official image to its
// -slim variant (see slimDoc). It runs after alpine: slim sees only the
// stages alpine left on a full image.
var Pass = &transform.Pass{Name: passname.Slim, Doc: slimDoc, URL: "docs/slim.md", Rules: rebase.SlimRules, After: []string{passname.Alpine}, Run: runSlim}

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
func runSlim(u *transform.Unit) error {
	if u.Opts.Base == transform.BaseAlpine || u.Doc.Escape == '`' {
		return nil
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
	return nil
}

// planSlim converts a root stage and the stages built on it in one
// transaction, which covers them all (they share the base image), or
// refuses it with every blocker the scan finds.
func planSlim(u *transform.Unit, tree []*parser.Stage) {
	root := tree[0]
	base := rebase.SlimBaseOf(u.Doc, root)
	if base.Kind == rebase.BaseSkip {
		return
	}
	tx := u.Begin()
	tx.Cover(tree...)
	if base.Kind == rebase.BaseRefuse {
		tx.Refuse(base.Line, base.Code, "%s left unchanged: %s", stages.StageName(root), base.Reason)
		return
	}
	s := rebase.NewSlimScan(u, tree, base)
	s.Scan()
	for _, b := range s.Blockers {
		tx.Refuse(b.Line, b.Code, "%s left on %s: %v", stages.StageName(b.St), base.Ref, b.Msg)
	}
	if tx.Refused() {
		return
	}
	tx.Apply(base.Edits)
	for _, m := range base.Changes {
		tx.Changed(m.Line, rebase.SlimBaseSwap, "%s", m.Msg)
	}
	install(s, tx)
}

// install adds the needed packages to the root stage's first apt-get
// install that runs before any of them is needed, or inserts a RUN after
// its FROM.
func install(s *rebase.SlimScan, tx *transform.Tx) {
	from := s.Tree[0].From
	at := s.Doc.LineEnd(from.EndLine)
	nl := ""
	if at == len(s.Doc.Src) && (at == 0 || s.Doc.Src[at-1] != '\n') {
		nl = s.Doc.EOL
	}
	if !s.ManDir.IsZero() {
		mkdir := "mkdir -p /usr/share/man/man1"
		if s.Manless() {
			mkdir = "mkdir -p /usr/share/man/man1 /usr/share/man/man2 /usr/share/man/man3 /usr/share/man/man4 /usr/share/man/man5 /usr/share/man/man6 /usr/share/man/man7 /usr/share/man/man8"
		}
		tx.Replace(at, at, nl+s.Doc.Indent(from.StartLine)+"RUN "+mkdir+s.Doc.EOL)
		tx.Changed(from.StartLine, rebase.SlimManFolders, "RUN %s inserted after FROM: %v", mkdir, s.ManDir)
		nl = ""
	}
	if len(s.Needs) == 0 {
		return
	}
	var pkgs []string
	first := len(s.Doc.Src)
	why := map[string]transform.Msg{}
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
		tx.Replace(h.End, h.End, " "+list)
		for _, p := range pkgs {
			tx.Changed(h.Line, rebase.SlimInstall, "%s added to apt-get install: %v", p, why[p])
		}
		return
	}
	tx.Replace(at, at, nl+s.Doc.Indent(from.StartLine)+"RUN apt-get update && apt-get install -y --no-install-recommends "+list+" && rm -rf /var/lib/apt/lists/*"+s.Doc.EOL)
	for _, p := range pkgs {
		tx.Changed(from.StartLine, rebase.SlimInstall, "%s installed in a RUN after FROM: %v", p, why[p])
	}
}
