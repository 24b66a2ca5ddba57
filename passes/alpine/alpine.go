// Package alpine is the alpine pass: it moves Debian, Ubuntu and
// Fedora-family stages to Alpine and translates their package commands to
// apk, or refuses a stage with the reason (see its Pass.Doc and
// docs/alpine.md).
package alpine

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/alpinepkg"
	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/gosrc"
	"github.com/docklean/docklean/internal/passname"
	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// Pass moves Debian, Ubuntu and Fedora-family stages to Alpine (see
// alpineDoc).
var Pass = &transform.Pass{Name: passname.Alpine, Doc: alpineDoc, URL: "docs/alpine.md", Rules: rules, Run: runAlpine}

const alpineDoc = `swap Debian, Ubuntu and Fedora-family stages to Alpine and translate their package commands to apk

A stage, together with every stage built FROM it, is converted as a whole or
not at all. ubuntu:* and debian:* become alpine:3.N (--alpine-version);
centos, fedora, rockylinux, almalinux, amazonlinux and UBI become alpine:3.N
with yum/dnf/microdnf translated; buildpack-deps:X becomes alpine:3.N with the
tools the stage uses from it (see slim) added, and so does the full tag of
python, ruby, perl or rust moved to its -alpine tag; official images with an Alpine variant keep
their version (python:3.12-slim → python:3.12-alpine, node:20 →
node:20-alpine), and only tags that exist are emitted. --platform, AS names,
registry prefixes and ARGs in the tag or registry are kept
(python:${V}-slim → python:${V}-alpine); a FROM that takes the image itself
from an ARG (FROM ${BASE_IMAGE}) is refused, since the build may pass any
base. "apt-get install -y --no-install-recommends a b" becomes "apk add
--no-cache a' b'" with names from the curated Debian→Alpine table, in place:
packages stay on their lines, comments stay; apt-get update/clean, rm -rf
/var/lib/apt/lists/* and DEBIAN_FRONTEND go; upgrade becomes apk upgrade;
remove/purge becomes apk del, and install-then-purge in one RUN becomes
apk add --virtual .build-deps … apk del .build-deps (keeping the libraries
Debian's purge keeps), and the official images' apt-mark showmanual … ldd
… purge --auto-remove becomes .build-deps, the ldd's libraries as a
.run-deps virtual package, and apk del; a php stage that runs pecl or phpize gets
$PHPIZE_DEPS. Version pins are dropped
(reported). Package lists in $VARS are resolved through ARG/ENV or shell
defaults and translated there. useradd/groupadd/usermod and Debian's
adduser/addgroup become BusyBox adduser/addgroup with the same meaning, or
keep their form with shadow added; an id or name Alpine's base image
already uses (gid 999 is ping) is dropped when nothing else uses it, else
the stage is refused; the www-data user Alpine lacks is created (uid 33);
adding a user to a group at another id (video 44→27) is refused unless groupmod -g sets it, and
nextcloud's move to -alpine is refused (its www-data volume, uid 33→82). A command run with an option
BusyBox's applet lacks (grep -P, find -printf) gets the GNU package
(grep, findutils, coreutils...). bash is added when the stage uses it
(SHELL, bash -c, [[, arrays, source, CMD bash). pip install on Alpine's own
python gets --break-system-packages (PEP 668), and py3-pip where yum's
python3 brought pip3; python:*-alpine needs nothing. A rust stage that runs
cargo gets musl-dev. Every command the stage runs (RUN, CMD, ENTRYPOINT,
SHELL, HEALTHCHECK, scripts it writes or copies) that a Debian package of
the stage brought must exist on Alpine: the Alpine package that provides it
is added, or the stage refused (see docs/alpine.md). Refuses, leaving the
stage as it was: a package with no Alpine equivalent;
dpkg, apt-key, apt-mark, PPAs, /etc/apt edits, .deb/.rpm files, debconf,
update-alternatives, locale-gen, vendor repository scripts, setup scripts
piped to a shell or an interpreter (curl URL | sh, curl URL | python3,
bash -c "$(curl URL)"), glibc-only
downloads; package lists it cannot resolve; a digest-pinned base; an image
with no Alpine variant of that version; a Windows file (# escape=` + "`" + `);
a builder whose musl-built files a stage left on glibc copies; a CMD or
ENTRYPOINT that runs /usr/local/bin/X after a system pip install (Alpine's
pip puts scripts in /usr/bin); a SHELL, CMD or ENTRYPOINT that runs a
package's program by a path Alpine's package does not have (a checked path
is rewritten instead: /usr/bin/tini → /sbin/tini), or any program in a
system folder that docklean cannot show exists there on Alpine
(/usr/sbin/init); options no Alpine program has (passwd --stdin); users
that scripts from the context name and nothing on Alpine creates; what it cannot read (a
COPY source missing from the context, a copied, fetched or cloned script
that is run and cannot be read, make/configure builds, npm installs leaving
the full node image without a clean package-lock.json); an Alpine tag frozen
older than the original. Debian package layouts are mapped (nginx conf.d →
http.d, JVM -amd64 paths, /usr/bin/chromium) or refused (multiarch paths),
and openssh-server gets RUN ssh-keygen -A. A golang builder gets
gcc musl-dev when the context shows cgo (go.mod/go.sum modules, import "C",
cgo build tags, CGO_ENABLED=1) and git/openssh-client when it fetches with
git; it is refused when the context has no Go sources or a cgo module has no
musl build. Also refused: prebuilt glibc downloads (linux-amd64, x64, .deb,
AppImage, also from ARG/ENV values), glibc ELF files copied from the
context, files copied out of a stage left on glibc, software that does not
build on musl, and pip packages with no musllinux wheel, with extras, or
not in the wheel table (pure or compiled is not knowable offline). What
Debian's dependencies bring besides commands (fonts, Mesa's DRI drivers,
nmap's NSE scripts, the archive keyring) gets the Alpine packages that give
it (data/debian-implicit.tsv). The file's final image is refused when it
has no CMD or ENTRYPOINT of its own on a distribution base (a base or tool
image) or runs a compiler. See docs/alpine.md.`

// runAlpine plans the conversion of each tree of stages that share a base
// image, one transaction per tree, and refuses the trees whose files a
// stage left on glibc copies.
func runAlpine(u *transform.Unit) error {
	if u.Opts.Base == transform.BaseSlim {
		return nil // --base slim: never musl
	}
	doc := u.Doc
	file := &alpineFile{}
	if doc.Escape == '`' {
		line := 1
		for _, d := range doc.Directives {
			if d.Name == "escape" {
				line = d.Line
			}
		}
		u.Begin().Refuse(line, codeWindows, "file left unchanged: it sets # escape=` (a Windows Dockerfile), which has no Alpine equivalent")
		return nil
	}
	children := map[*parser.Stage][]*parser.Stage{}
	var roots []*parser.Stage
	for _, st := range doc.Stages {
		if p := stages.ParentStage(doc, st); p != nil {
			children[p] = append(children[p], st)
		} else {
			roots = append(roots, st)
		}
	}
	var plans []*treePlan
	copies := debianPathCopies(doc)
	for _, root := range roots {
		tree := []*parser.Stage{root}
		for i := 0; i < len(tree); i++ {
			tree = append(tree, children[tree[i]]...)
		}
		sort.Slice(tree, func(i, j int) bool { return tree[i].Index < tree[j].Index })
		plans = append(plans, planTree(u, file, tree, copies))
	}
	planOf := map[*parser.Stage]*treePlan{}
	for _, p := range plans {
		for _, st := range p.tree {
			planOf[st] = p
		}
	}
	for keepMusl(doc, planOf) || keepGlibc(doc, planOf) {
	}
	return nil
}

// treePlan is the conversion of one tree of stages, recorded in its
// transaction.
type treePlan struct {
	doc       *parser.Document
	tx        *transform.Tx
	tree      []*parser.Stage
	converted bool
	static    bool // it builds static binaries (Go, Rust) that run anywhere
	builder   bool // golang or rust: what it copies out are programs, whatever the folder
	musl      bool // already on Alpine, or scratch
}

// refuseAll drops a planned conversion and refuses every stage of the
// tree with code and the reason.
func (p *treePlan) refuseAll(code transform.Code, format string, args ...any) {
	p.converted = false
	p.tx.Discard()
	for _, t := range p.tree {
		p.tx.Refuse(t.From.StartLine, code, "%s left unchanged: %v", stages.StageName(t), transform.Msgf(format, args...))
	}
}

// refuseChildren names, on each stage built on the tree's root that runs
// a package manager, why it stays: its root's base stays.
func (p *treePlan) refuseChildren() {
	for _, st := range p.tree[1:] {
		if l := usesPackageManager(p.doc, st); l > 0 {
			p.tx.Refuse(st.From.StartLine, codeSharedBase, "%s left unchanged: it is built on %s, whose base stays (%v)", stages.StageName(st), stages.StageName(p.tree[0]), transform.Line(p.tree[0].From.StartLine))
		}
	}
}

// keepMusl refuses one converted tree whose files are copied into a stage
// that stays on glibc, where musl-linked files may not run; it reports
// whether it refused one (the caller repeats until nothing changes).
func keepMusl(doc *parser.Document, planOf map[*parser.Stage]*treePlan) bool {
	for _, in := range doc.Instructions {
		if in.Keyword != "copy" || in.Stage == nil {
			continue
		}
		for _, f := range in.Flags {
			from, ok := strings.CutPrefix(f, "--from=")
			src := planOf[doc.StageByName(from)]
			dst := planOf[in.Stage]
			if !ok || src == nil || !src.converted || src.static || dst == src || dst.converted || dst.musl || rebase.Portable(in.Args) && !src.builder {
				continue
			}
			src.refuseAll(codeGlibcCopy, "%s copies files out of it on %v and stays on glibc, where files built on Alpine (musl) may not run", stages.StageName(in.Stage), transform.Line(in.StartLine))
			return true
		}
	}
	return false
}

// planTree converts a root stage and the stages built on it, or refuses
// them all, in a transaction of its own.
func planTree(u *transform.Unit, file *alpineFile, tree []*parser.Stage, copies map[*parser.Stage]debianCopy) *treePlan {
	p := &treePlan{doc: u.Doc, tx: u.Begin(), tree: tree}
	root := tree[0]
	base := rebase.BaseOf(u.Doc, root, u.Opts)
	p.builder = base.Static
	switch base.Kind {
	case rebase.BaseSkip:
		p.musl = base.Musl
		return p
	case rebase.BaseUnknown:
		for _, st := range tree {
			if l := usesPackageManager(u.Doc, st); l > 0 {
				p.tx.Refuse(l, codeBase, "%s left unchanged: %s", stages.StageName(root), base.Reason)
				break
			}
		}
		return p
	case rebase.BaseRefuse:
		p.tx.Refuse(base.Line, codeBase, "%s left unchanged: %s", stages.StageName(root), base.Reason)
		p.refuseChildren()
		return p
	}
	// A base image swap changes what every instruction of the tree runs
	// on: an ignore comment on any of them keeps the tree as it is.
	p.tx.Cover(tree...)
	for _, st := range tree {
		if slices.ContainsFunc(st.Instructions, u.Ignored) {
			return p // the pipeline reports it (alpine/ignored)
		}
	}
	if line, path := copiesDebianPath(copies, tree); line > 0 {
		p.refuseAll(codeLayout, "%v copies %s out of it, a path of Debian's layout that is elsewhere or missing on Alpine", transform.Line(line), path)
		return p
	}
	var extra []rebase.AlpineNeed
	if base.Buildpack {
		var refusal *rebase.AlpineMsg
		if extra, refusal = rebase.BuildpackNeeds(u, tree); refusal != nil {
			p.tx.Refuse(refusal.Line, codeFullImage, "%s left unchanged: %s", stages.StageName(root), refusal.Msg)
			return p
		}
	} else if base.Full != nil {
		var refusal *rebase.AlpineMsg
		if extra, refusal = rebase.FullVariantNeeds(u, tree, base.Full); refusal != nil {
			p.tx.Refuse(refusal.Line, codeFullImage, "%s left unchanged: %s", stages.StageName(root), refusal.Msg)
			return p
		}
	}
	convs := map[*parser.Stage]*alpineStage{}
	var failed []*alpineStage
	for _, st := range tree {
		s := newAlpineStage(u, file, st, base)
		if st != root {
			s.inherit(convs[stages.ParentStage(u.Doc, st)])
		} else {
			for _, n := range extra {
				s.needs = append(s.needs, need{pkg: n.Pkg, why: transform.Msgf("%s", n.Why), off: n.Off, code: codeFullImage})
			}
		}
		s.convert()
		convs[st] = s
		if s.refused() {
			failed = append(failed, s)
		}
	}
	if len(failed) > 0 {
		for _, st := range tree {
			s := convs[st]
			switch {
			case s.refused():
				for _, r := range s.refusals {
					p.tx.Refuse(r.line, r.code, "%s left unchanged: %v", stages.StageName(st), r.msg)
				}
			case st == root:
				p.tx.Refuse(st.From.StartLine, codeSharedBase, "%s left unchanged: %s, built on it, cannot be converted (%v)", stages.StageName(st), stages.StageName(failed[0].st), transform.Line(failed[0].refusals[0].line))
			default:
				p.tx.Refuse(st.From.StartLine, codeSharedBase, "%s left unchanged: it is built on %s, which stays as it is", stages.StageName(st), stages.StageName(root))
			}
		}
		return p
	}
	if why := finalImageRefusal(u.Doc, tree, base.Image == "" && !base.Buildpack && base.Full == nil); !why.IsZero() {
		p.refuseAll(codeFinalImage, "%v", why)
		return p
	}
	p.converted = true
	p.static = base.Static && !convs[root].has["gcc"] && !convs[root].has["build-base"]
	var msgs []finding
	for _, m := range base.Changes {
		msgs = append(msgs, finding{m.Line, codeBase, transform.Msgf("%s", m.Msg)})
	}
	for _, st := range tree {
		s := convs[st]
		p.tx.Apply(s.inserts) // before edits: an insertion at an offset where a deletion starts goes first
		msgs = append(msgs, s.changes...)
		p.static = p.static && !s.has["gcc"] && !s.has["build-base"]
	}
	p.tx.Apply(base.Edits)
	for _, st := range tree {
		p.tx.Apply(convs[st].edits)
	}
	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].line < msgs[j].line })
	for _, m := range msgs {
		p.tx.Changed(m.line, m.code, "%v", m.msg)
	}
	for _, m := range base.Notes {
		p.tx.Note(m.Line, codeBase, "%s", m.Msg)
	}
	for _, st := range tree {
		for _, m := range convs[st].notes {
			p.tx.Note(m.line, m.code, "%v", m.msg)
		}
	}
	return p
}

// alpineStage collects the edits and findings that convert one stage; they
// are applied only if nothing in its tree refuses.
// alpineFile is what the stages of one file share while the pass runs on
// it, each part made on first use.
type alpineFile struct {
	ids     map[string]int          // idUsed's counts of numbers outside user commands
	users   *userCmdRuns            // createsUser's RUNs and answers
	goSrc   *gosrc.Sources          // the context's Go sources (see goSources)
	ctxCode map[string]*contextCode // what COPY sources hold, per source list (glibc.go)
	runDeps int                     // the .run-deps virtual packages written so far (aptmark.go)
}

type alpineStage struct {
	u         *transform.Unit
	file      *alpineFile
	uses      []commands.Use // commandUses, made on first use
	doc       *parser.Document
	st        *parser.Stage
	family    string
	release   string
	python    bool
	rust      bool
	bashShell bool // a SHELL instruction of the stage runs bash (shsyntax.go)
	// nodeImage: the stage moves from a glibc node image to -alpine
	nodeImage bool
	gob       *goBuild // a golang stage: what its go commands need (go.go)
	// cSources are C files copied from the context that include a header
	// only glibc has, with that header (glibc.go).
	cSources [][2]string
	// dataPaths are the package paths copied scripts use (copiedCode)
	dataPaths []copiedDataPath
	meta      map[string]stages.MetaArg // the ARGs before the first FROM, read once

	edits, inserts []transform.Edit
	// changes, notes and refusals wait for the tree's verdict; a stage
	// with refusals lists them all.
	changes, notes, refusals []finding

	has map[string]bool // Alpine packages installed here or in the stages this one is built on
	// gone maps the packages installed only as a virtual package of this
	// stage to the offset of the apk del that removes them (markGone).
	gone map[string]int
	// inherited are the packages of the stages this one is built on.
	inherited map[string]bool
	debs      map[string]bool // the same as the source distribution names them
	// recDebs are the debs installed with their Recommends (see noteRecommends)
	recDebs map[string]bool
	adds    []*apkAdd                            // the apk add commands of this stage, in order
	marks   map[*parser.Instruction]*aptMarkPlan // aptMarkOf's plans, per RUN
	needs   []need                               // packages the stage needs (bash, shadow)
	vars    map[string]*pkgVar
	groups  map[string]string // gid → name of the groups addgroup created
	acct    *accounts         // users and groups (ids.go)
	image   string            // the official image the stage is on, "" for ubuntu/debian
	// pipNoted is set once the stage has the note about musllinux wheels.
	pipNoted bool
	// sysPip is the line of the first pip install into Alpine's own python.
	sysPip int
	// unlisted is the first pip requirement the wheel table does not list
	// (wheels.go): it refuses the stage when nothing else does.
	unlisted *finding
}

func newAlpineStage(u *transform.Unit, file *alpineFile, st *parser.Stage, b rebase.AlpineBase) *alpineStage {
	s := &alpineStage{u: u, file: file, doc: u.Doc, st: st, family: b.Family, release: u.Opts.Alpine(), python: b.Python, rust: b.Rust, nodeImage: b.NodeImage,
		has: map[string]bool{}, gone: map[string]int{}, marks: map[*parser.Instruction]*aptMarkPlan{}, inherited: map[string]bool{}, debs: map[string]bool{}, recDebs: map[string]bool{}, vars: map[string]*pkgVar{}, groups: map[string]string{},
		acct: newAccounts(), image: b.Image}
	if b.Static && !b.Rust {
		s.gob = &goBuild{fetchOff: -1, goenv: map[string]string{}}
	}
	return s
}

// inherit takes over what the parent stage installs and defines.
func (s *alpineStage) inherit(p *alpineStage) {
	for k := range p.has {
		if _, gone := p.gone[k]; !gone {
			s.has[k], s.inherited[k] = true, true
		}
	}
	for k := range p.debs {
		s.debs[k] = true
	}
	for k := range p.recDebs {
		s.recDebs[k] = true
	}
	for k, v := range p.groups {
		s.groups[k] = v
	}
	s.acct.inherit(p.acct)
	for k, v := range p.vars {
		if v.env {
			s.vars[k] = v
		}
	}
}

// finding is a finding of a stage waiting for its tree's verdict.
type finding struct {
	line int
	code transform.Code
	msg  transform.Msg
}

// need is a package a stage needs from offset off on (len(src) for run
// time), why, reported under code when it is added.
type need struct {
	pkg  string
	why  transform.Msg
	off  int
	code transform.Code
}

// refuse records a blocker of the stage.
func (s *alpineStage) refuse(line int, code transform.Code, format string, args ...any) {
	s.refusals = append(s.refusals, finding{line, code, transform.Msgf(format, args...)})
}

// refused reports whether the stage has a blocker.
func (s *alpineStage) refused() bool { return len(s.refusals) > 0 }

// changed records a change the stage makes.
func (s *alpineStage) changed(line int, code transform.Code, format string, args ...any) {
	s.changes = append(s.changes, finding{line, code, transform.Msgf(format, args...)})
}

// note records a note on the stage's conversion.
func (s *alpineStage) note(line int, code transform.Code, format string, args ...any) {
	s.notes = append(s.notes, finding{line, code, transform.Msgf(format, args...)})
}

// need records that the stage needs pkg from offset off on, why.
func (s *alpineStage) need(pkg string, off int, code transform.Code, format string, args ...any) {
	s.needs = append(s.needs, need{pkg: pkg, why: transform.Msgf(format, args...), off: off, code: code})
}

// convert walks the stage's instructions.
func (s *alpineStage) convert() {
	var script *parser.Instruction // a CMD or ENTRYPOINT that runs a .sh file
	var runs []*parser.Instruction // the SHELLs, CMDs and ENTRYPOINTs
	for _, in := range s.st.Instructions {
		s.accountsOf(in)
		switch in.Keyword {
		case "env", "arg":
			s.envArg(in)
		case "run":
			s.bashSyntax(in)
			s.run(in)
			s.glibcDownload(in)
			s.muslBuild(in)
			s.pipWheels(in)
			if s.gob != nil {
				s.goRun(in)
			}
			if s.rust && cargoCmd.MatchString(s.doc.Text(in)) {
				s.need("musl-dev", in.Start, codeCompiler, "the RUN on %v runs cargo, and rust's Alpine images before 2025-12 have no musl-dev, without which a proc-macro crate cannot link", transform.Line(in.StartLine))
				s.rustNativeLibs(in)
			}
		case "shell":
			runs = append(runs, in)
			if len(in.Args) > 0 && commands.IsBash(in.Args[0]) {
				s.bashShell = true
				s.need("bash", in.Start, codeShell, "SHELL on %v runs bash", transform.Line(in.StartLine))
			}
		case "cmd", "entrypoint":
			runs = append(runs, in)
			s.gnuRunTime(in)
			if usesBash(in) {
				s.need("bash", len(s.doc.Src), codeShell, "%s on %v runs bash", upper(in.Keyword), transform.Line(in.StartLine))
			}
			if len(in.Args) > 0 && strings.HasSuffix(strings.Fields(in.Args[0] + " x")[0], ".sh") && s.u.Opts.Context == nil {
				script = in
			}
			if prog := strings.Fields(strings.Join(in.Args, " ") + " x")[0]; s.sysPip > 0 && strings.HasPrefix(prog, "/usr/local/bin/") {
				s.refuse(in.StartLine, codePip, "%s runs %s, but pip (%v) installs scripts into /usr/bin on Alpine, not /usr/local/bin; call the program by name or install into a virtual environment", upper(in.Keyword), prog, transform.Line(s.sysPip))
			}
		case "copy", "add":
			s.copiedCode(in)
			if in.Keyword == "add" {
				s.glibcDownload(in)
			}
			s.copiedScripts(in)
			for _, a := range in.Args {
				if code, m := s.marker(a); m != "" {
					s.refuse(in.StartLine, code, "%s", m)
				}
			}
		}
	}
	s.goFinish()
	if s.unlisted != nil {
		s.refusals = append(s.refusals, *s.unlisted)
	}
	s.markGone()
	s.account()
	s.knownUsers()
	s.accountCommands()
	s.accountPaths()
	s.accountDataPaths()
	if s.image == "php" {
		s.phpizeDeps()
	}
	s.placeNeeds()
	s.wwwData()
	for _, in := range runs {
		s.binPaths(in)
	}
	s.layouts()
	s.nginxSetup()
	s.sshHostKeys()
	if script != nil && !s.has["bash"] {
		s.note(script.StartLine, codeUnread, "%s runs a script docklean cannot read without the build context (--context); if it starts with #!/bin/bash, add bash to an apk add", upper(script.Keyword))
	}
}

// markGone records the packages the stage installs only as a virtual
// package (.build-deps), with the offset of the apk del that removes them,
// and what their meta packages bring (build-base's g++, make …): from
// there on they are not installed, where Debian's purge keeps its base
// packages (perl-base, bash) and the stage may still run them.
func (s *alpineStage) markGone() {
	kept := map[string]bool{}
	for _, a := range s.adds {
		if a.virtual == "" {
			for _, n := range withDepends(a.names) {
				kept[n] = true
			}
		}
	}
	for _, a := range s.adds {
		if a.virtual == "" || a.delOff == 0 {
			continue
		}
		for _, n := range withDepends(a.names) {
			if !kept[n] && !s.inherited[n] {
				s.gone[n] = max(s.gone[n], a.delOff)
			}
		}
	}
}

// withDepends returns names and what their Alpine meta packages depend on.
func withDepends(names []string) []string {
	out := slices.Clone(names)
	for _, n := range names {
		out = append(out, alpineDepends[n]...)
	}
	return out
}

// present reports whether the Alpine package p is installed at offset off
// of the file: installed in the stage or one it is built on, and not yet
// removed by the apk del of a virtual package.
func (s *alpineStage) present(p string, off int) bool {
	at, gone := s.gone[p]
	return s.has[p] && (!gone || off < at)
}

// placeNeeds adds each needed package to the first apk add that runs before
// it is needed, not only under a condition, and not as a virtual package
// (.build-deps, which apk del removes), or inserts "RUN apk add --no-cache
// PKG" after FROM.
func (s *alpineStage) placeNeeds() {
	slices.SortStableFunc(s.needs, func(a, b need) int { return a.off - b.off })
	fromRun, fromPkgs := -1, []string(nil)
	for _, n := range s.needs {
		pkgs := slices.DeleteFunc(strings.Fields(n.pkg), func(p string) bool { return s.present(p, n.off) })
		if len(pkgs) == 0 {
			continue
		}
		for _, p := range pkgs {
			s.has[p] = true
			delete(s.gone, p) // installed for good now
			if arches := alpinepkg.PartialArches(p); arches != "" {
				s.refuse(s.doc.LineOf(n.off), codeArch, "%s would be added (%v), but Alpine builds it only for %s (aports, arch=): the original installs on amd64 and arm64 alike", p, n.why, archList(arches))
			}
		}
		n.pkg = strings.Join(pkgs, " ")
		var host *apkAdd
		for _, a := range s.adds {
			// not a virtual package: apk del removes it with what it holds
			if a.start < n.off && a.last >= 0 && !a.cond && a.virtual == "" {
				host = a
				break
			}
		}
		if host != nil {
			text := " " + n.pkg
			ln := s.doc.LineOf(host.last)
			if ind := s.doc.Indent(ln); ln > s.doc.LineOf(host.start) && strings.TrimSpace(string(s.doc.Src[s.doc.LineStart(ln):host.last])) == s.lastWord(host) {
				text = " " + host.brk + ind + n.pkg // a package per line: a line of its own
			}
			s.inserts = append(s.inserts, transform.Edit{Start: host.last, End: host.last, Text: text})
			s.changed(s.doc.LineOf(host.start), n.code, "%s added to apk add: %v", n.pkg, n.why)
			continue
		}
		from := s.st.From
		at := s.doc.LineEnd(from.EndLine)
		fromPkgs = append(fromPkgs, n.pkg)
		text := s.doc.Indent(from.StartLine) + "RUN apk add --no-cache " + strings.Join(fromPkgs, " ") + s.doc.EOL
		if at == len(s.doc.Src) && (at == 0 || s.doc.Src[at-1] != '\n') {
			text = s.doc.EOL + text
		}
		if fromRun >= 0 { // one RUN after FROM holds every such package
			s.inserts[fromRun].Text = text
			s.changed(from.StartLine, n.code, "%s added to the RUN apk add inserted after FROM: %v", n.pkg, n.why)
			continue
		}
		fromRun = len(s.inserts)
		s.inserts = append(s.inserts, transform.Edit{Start: at, End: at, Text: text})
		s.changed(from.StartLine, n.code, "RUN apk add --no-cache %s inserted after FROM: %v", n.pkg, n.why)
	}
}

// lastWord is the text of the last package word of an apk add.
func (s *alpineStage) lastWord(a *apkAdd) string {
	i := a.last
	for i > 0 && !strings.ContainsRune(" \t\n", rune(s.doc.Src[i-1])) {
		i--
	}
	return string(s.doc.Src[i:a.last])
}

// debianCopy is a COPY --from whose source is a path only Debian has.
type debianCopy struct {
	line int
	path string
}

// debianPathCopies finds, for each stage, the first COPY --from out of it
// whose source is a Debian multiarch path, which the stage would not have
// once on Alpine. One walk over the file: a walk per tree of stages was
// quadratic in the number of stages.
func debianPathCopies(doc *parser.Document) map[*parser.Stage]debianCopy {
	out := map[*parser.Stage]debianCopy{}
	for _, in := range doc.Instructions {
		if in.Keyword != "copy" {
			continue
		}
		for _, f := range in.Flags {
			from, ok := strings.CutPrefix(f, "--from=")
			if !ok {
				continue
			}
			st := doc.StageByName(from)
			if _, seen := out[st]; st == nil || seen {
				continue
			}
			for _, a := range in.Args[:max(len(in.Args)-1, 0)] {
				if m := multiarch.FindString(a); m != "" {
					out[st] = debianCopy{in.StartLine, m}
					break
				}
				if ms := findLayouts(a, 0); len(ms) > 0 {
					out[st] = debianCopy{in.StartLine, ms[0].path}
					break
				}
			}
		}
	}
	return out
}

// copiesDebianPath returns the first (by line) COPY --from of a tree stage
// that copies a Debian-only path out of it.
func copiesDebianPath(copies map[*parser.Stage]debianCopy, tree []*parser.Stage) (int, string) {
	best := debianCopy{}
	for _, st := range tree {
		if c, ok := copies[st]; ok && (best.line == 0 || c.line < best.line) {
			best = c
		}
	}
	return best.line, best.path
}

// cargoCmd finds a cargo command in a RUN.
var cargoCmd = regexp.MustCompile(`(^|[\s;&|("'/])cargo[\s"']`)

// rustNativeLibs refuses a cargo build on Alpine in a stage that installs
// C libraries to link (-dev packages other than musl-dev): rust's Alpine
// images build for x86_64-unknown-linux-musl, which links statically
// (crt-static) and so needs the libraries' static archives (Alpine's
// -static subpackages), which docklean does not add; and the program,
// static or not, may be copied into a glibc stage as if it were.
func (s *alpineStage) rustNativeLibs(in *parser.Instruction) {
	var libs []string
	for pkg := range s.has {
		if strings.HasSuffix(pkg, "-dev") && pkg != "musl-dev" {
			libs = append(libs, pkg)
		}
	}
	for _, n := range s.needs { // what the full image gave the build (openssl-dev for openssl-sys)
		if strings.HasSuffix(n.pkg, "-dev") && n.pkg != "musl-dev" && !slices.Contains(libs, n.pkg) {
			libs = append(libs, n.pkg)
		}
	}
	if len(libs) == 0 {
		return
	}
	slices.Sort(libs)
	s.refuse(in.StartLine, codeCompiler, "the RUN on %v runs cargo with C libraries installed (%s): rust on Alpine links statically (x86_64-unknown-linux-musl, crt-static), which needs their static archives (-static packages) that docklean does not add; keep the stage on Debian", transform.Line(in.StartLine), strings.Join(libs, ", "))
}
