// Package cachecleanup is the cache-cleanup pass: it keeps package-manager
// caches and lists out of the layers of the images a file builds (see its
// Pass.Doc).
package cachecleanup

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/passname"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// Pass removes package-manager caches from the layers that end up in an
// image (see its Doc).
var Pass = &transform.Pass{
	Name: passname.CacheCleanup,
	// After run-merge, the cleanup lands once, at the end of the merged
	// RUN, and never deletes the apt lists a following RUN still needs;
	// after alpine and slim, it cleans the installs they wrote.
	After: []string{passname.Alpine, passname.Slim, passname.RunMerge},
	Doc: `leave no package-manager cache in a layer
Every fix goes into the RUN that made the cache, since a later RUN cannot
shrink an earlier layer: apt-get install gets --no-install-recommends (and
ca-certificates, which curl, wget and git only recommend, and the
recommends of a package whose programs the stage runs) on Debian bookworm
images with a CMD or ENTRYPOINT, when docklean has the Recommends of every
package named (not after dpkg -i, nor apt-get -f install), and the RUN ends
with rm -rf /var/lib/apt/lists/*; apk add gets --no-cache (and a
now-redundant apk update or rm -rf /var/cache/apk/* goes); pip install gets
--no-cache-dir, and uv --no-cache; gem install gets --no-document; npm,
yarn, yum, dnf, microdnf, composer, conda, mamba and micromamba get their
cache clean command at the end of the RUN (not Yarn 2 or later, whose cache
can hold the packages it loads).
Nothing is added where the cleanup is already there or a cache/tmpfs mount
covers the cache. With --cache-mounts, pip, uv, npm, yarn, apt, yum and dnf
caches become RUN --mount=type=cache mounts instead (and the file gets
# syntax=docker/dockerfile:1); an apt mount's RUN first removes Debian's
docker-clean, which would delete the .debs the mount is meant to keep,
unless a later apt RUN has no mount. Only stages that end up in an image are
changed. It refuses a stage when a later RUN still needs the apt lists
(apt-get install without apt-get update), or when a package manager runs in
an exec-form or unparsable RUN, or a heredoc that is not a shell script (RUN
<<EOF and RUN bash <<EOF scripts are cleaned), where no cleanup can be added.`,
	URL: "docs/cache-cleanup.md",
	Rules: []transform.Rule{
		{Code: codeCacheFlag, Summary: "a package manager's no-cache flag was added (apk --no-cache, pip --no-cache-dir, uv --no-cache, gem --no-document)"},
		{Code: codeNoRecommends, Summary: "apt-get install got --no-install-recommends"},
		{Code: codeRecommends, Summary: "a package that is only recommended but needed was added to apt-get install (ca-certificates, a used program's recommends)"},
		{Code: codeRecommendsUnknown, Summary: "no --no-install-recommends: docklean does not know the Recommends of every package installed"},
		{Code: codeCleanup, Summary: "the package manager's cleanup was added at the end of the RUN (rm -rf /var/lib/apt/lists/*, npm cache clean …)"},
		{Code: codeApkRedundant, Summary: "apk update or rm -rf /var/cache/apk/* removed: apk add --no-cache makes it redundant"},
		{Code: codeCacheMount, Summary: "a BuildKit cache mount was added (--cache-mounts)"},
		{Code: codeDockerClean, Summary: "Debian's docker-clean was removed so an apt cache mount keeps the .debs, or why it was not"},
		{Code: codeSyntax, Summary: "# syntax=docker/dockerfile:1 was added for RUN --mount"},
		{Code: codeNonRoot, Summary: "the cache lives in a non-root user's home, so it is deleted instead of mounted"},
		{Code: codeYarnBerry, Summary: "no yarn cache clean for Yarn 2 or later, whose cache can hold the packages it loads"},
		{Code: codeUnusedStage, Summary: "the stage does not end up in an image, so its caches cost nothing"},
		{Code: codeOpaqueRun, Summary: "a package manager runs in exec form, a heredoc or unparsable shell text, where no cleanup can be added"},
		{Code: codeAptLists, Summary: "a later RUN installs with the apt lists this RUN downloads, so they cannot be removed here"},
		{Code: codeSplitKeyword, Summary: "the RUN keyword is split across lines, so no mount can be added"},
		{Code: codeBackground, Summary: "the RUN ends with a background command, so no cleanup can follow it"},
		{Code: codeErrexit, Summary: "the RUN ends with a compound command under set -e, which would stop working after && cleanup"},
	},
	Options: []*transform.Option{cacheMounts},
	Run:     func(u *transform.Unit) error { cacheCleanup(u); return nil },
}

// cacheMounts makes the pass write BuildKit cache mounts where it would
// delete caches (--cache-mounts).
var cacheMounts = &transform.Option{
	Name: "cache-mounts",
	Doc:  "cache-cleanup: use BuildKit cache mounts instead of deleting caches",
}

// The codes cache-cleanup reports (docs/cache-cleanup.md, section Codes).
const (
	codeCacheFlag         transform.Code = "cache-cleanup/cache-flag"
	codeNoRecommends      transform.Code = "cache-cleanup/no-recommends"
	codeRecommends        transform.Code = "cache-cleanup/recommends"
	codeRecommendsUnknown transform.Code = "cache-cleanup/recommends-unknown"
	codeCleanup           transform.Code = "cache-cleanup/cleanup"
	codeApkRedundant      transform.Code = "cache-cleanup/apk-redundant"
	codeCacheMount        transform.Code = "cache-cleanup/cache-mount"
	codeDockerClean       transform.Code = "cache-cleanup/docker-clean"
	codeSyntax            transform.Code = "cache-cleanup/syntax"
	codeNonRoot           transform.Code = "cache-cleanup/non-root"
	codeYarnBerry         transform.Code = "cache-cleanup/yarn-berry"
	codeUnusedStage       transform.Code = "cache-cleanup/unused-stage"
	codeOpaqueRun         transform.Code = "cache-cleanup/opaque-run"
	codeAptLists          transform.Code = "cache-cleanup/apt-lists"
	codeSplitKeyword      transform.Code = "cache-cleanup/split-keyword"
	codeBackground        transform.Code = "cache-cleanup/background"
	codeErrexit           transform.Code = "cache-cleanup/errexit"
)

// cleaner plans cache-cleanup's change of one stage: its transaction
// holds the edits, findings and every reason to leave the stage alone.
type cleaner struct {
	u       *transform.Unit
	doc     *parser.Document
	style   shellx.JoinStyle
	st      *parser.Stage
	tx      *transform.Tx
	edited  bool // the transaction has an edit
	mounted bool // a cache mount was added
	// keptDebs is set once a RUN of the stage removes docker-clean; kept
	// holds the stages whose edits did so, shared by the stages' cleaners.
	keptDebs bool
	kept     map[*parser.Stage]bool
	cmds     pkgCmdCache // shared by the stages' cleaners
	apt      *aptScan    // shared too
	// certLines caches certsInstalled.
	certLines map[*parser.Stage]int
	used      *usedCmds // shared by the stages' cleaners (see keepRecommends)
}

func cacheCleanup(u *transform.Unit) {
	images := imageStages(u.Doc)
	style := shellx.StyleOf(u.Doc)
	mounted := false
	kept := map[*parser.Stage]bool{}
	cmds := pkgCmdCache{}
	apt := newAptScan(u.Doc, cmds)
	used := &usedCmds{ctx: u.Opts.Context}
	for _, st := range u.Doc.Stages {
		c := &cleaner{u: u, doc: u.Doc, style: style, st: st, tx: u.Begin(), kept: kept, cmds: cmds, apt: apt, used: used}
		for _, in := range st.Instructions {
			if in.Keyword == "run" && shellx.PosixShellAt(u.Doc, in) {
				c.run(in)
			}
		}
		switch {
		case !images[st] && !c.edited && !c.tx.Refused():
			c.tx.Discard() // its notes are about caches that cost nothing
		case !images[st]:
			c.tx.Discard()
			c.tx.Note(st.From.StartLine, codeUnusedStage, "stage %s does not end up in an image (nothing copies from it or builds on it): its caches cost nothing in the result, left as is", stages.StageLabel(st))
		case c.edited && !c.tx.Refused():
			mounted = mounted || c.mounted
			kept[st] = c.keptDebs
		}
	}
	if mounted && !slices.ContainsFunc(u.Doc.Directives, func(d parser.Directive) bool { return d.Name == "syntax" }) {
		off := 0
		if u.Doc.BOM {
			off = len("\ufeff")
		}
		tx := u.Begin()
		tx.Replace(off, off, "# syntax=docker/dockerfile:1"+u.Doc.EOL)
		tx.Changed(1, codeSyntax, "added # syntax=docker/dockerfile:1 (RUN --mount needs it)")
	}
}

// installWords finds package installs in text docklean cannot edit.
var installWords = regexp.MustCompile(`\b(apt-get|apt|apk|pip[0-9.]*|uv|npm|yum|dnf|microdnf|gem|conda|mamba|micromamba)\s+(\S+\s+)*?(install|add|ci|sync|create)\b`)

// refuse records a reason to leave the stage alone.
func (c *cleaner) refuse(line int, code transform.Code, format string, args ...any) {
	c.tx.Refuse(line, code, "stage %s left as is: %v", stages.StageLabel(c.st), transform.Msgf(format, args...))
}

// add records the insertion of text at off and the change it makes.
func (c *cleaner) add(off int, text string, code transform.Code, format string, args ...any) {
	c.tx.Replace(off, off, text)
	c.edited = true
	c.tx.Changed(c.doc.LineOf(off), code, format, args...)
}

// run plans the cleanup of one RUN.
func (c *cleaner) run(in *parser.Instruction) {
	if in.Shell == nil || in.Shell.Err != nil || !in.Shell.Mapped() {
		text := strings.Join(in.Args, " ")
		for _, h := range in.Heredocs {
			text += "\n" + h.Content
		}
		if m := installWords.FindString(text); m != "" {
			form := "exec form"
			switch {
			case len(in.Heredocs) > 0:
				form = "a heredoc"
			case !in.JSON:
				form = "shell text docklean cannot parse"
			}
			c.refuse(in.StartLine, codeOpaqueRun, "the RUN at %v runs %q in %s, where no cleanup can be added; write it as a shell-form RUN", transform.Line(in.StartLine), strings.Fields(m)[0], form)
		}
		return
	}
	cmds := c.cmds.of(in.Shell)
	mounts := mountTargets(in)
	var cleanups, newMounts, mountFor []string
	for _, r := range cacheRules {
		var need []*pkgCmd
		for _, pc := range cmds {
			if r.match(pc) && !(r.env != "" && envSet(c.doc, in, pc, r.env)) && !c.cacheMounted(in, r, pc, mounts) {
				need = append(need, pc)
			}
		}
		if len(need) == 0 || r.present != nil && r.present(cmds) {
			continue
		}
		dir, moved := c.cacheDir(in, r, need[0])
		if r.name == "yarn" && c.yarnBerry(need) {
			c.tx.Note(c.doc.LineOf(in.Shell.Offset(int(need[0].stmt.Pos().Offset()))), codeYarnBerry, "no yarn cache clean: this is Yarn 2 or later (--immutable or .yarnrc.yml), whose cache can hold the packages Plug'n'Play loads at run time")
			continue
		}
		// Under sudo the user is not root, and the set-up a mount needs
		// (apt's docker-clean) would run without it: delete instead.
		if c.u.Opts.Bool(cacheMounts) && r.mount != "" && (!moved || path.IsAbs(dir)) && !slices.ContainsFunc(need, (*pkgCmd).sudo) && (!r.homeDir || c.isRoot(in)) {
			mount := r.mount
			if moved {
				mount = "--mount=type=cache,target=" + dir
			}
			for _, m := range strings.Fields(mount) {
				if _, target := mountFlag(m); !slices.Contains(mounts, target) {
					newMounts = append(newMounts, m)
				}
			}
			mountFor = append(mountFor, r.name)
			continue
		}
		for _, pc := range need {
			if r.name == "apt-get install" {
				if why := c.recommendsUnknown(in, pc); !why.IsZero() {
					c.tx.Note(c.doc.LineOf(in.Shell.Offset(int(pc.stmt.Pos().Offset()))), codeRecommendsUnknown, "no --no-install-recommends for %s install: %v", pc.args[0], why)
					continue
				}
			}
			if r.flag != "" && pc.sub > 0 {
				_, end := in.Shell.Span(pc.words[pc.flagAfter()])
				code := codeCacheFlag
				if r.name == "apt-get install" {
					code = codeNoRecommends
				}
				c.add(end, " "+r.flag, code, "added %s to %s", r.flag, strings.Join(append(pc.args[:1:1], pc.args[pc.sub:pc.flagAfter()+1]...), " "))
			}
			if r.name == "apt-get install" {
				c.keepCertificates(in, pc)
				c.keepRecommends(in, pc)
			}
		}
		if r.cleanup == "" {
			continue
		}
		cleanup := r.cleanup
		if r.ownProgram {
			cleanup = shellx.WordText(in.Shell, need[len(need)-1].words[0]) + " " + cleanup
		}
		if !slices.ContainsFunc(need, func(pc *pkgCmd) bool { return !pc.sudo() }) {
			// Every command that made the cache ran under sudo: the
			// cache belongs to root, and so must its cleanup.
			cleanup = "sudo " + strings.ReplaceAll(cleanup, " && ", " && sudo ")
		}
		cleanups = append(cleanups, cleanup)
		if r.name == "apt" {
			if later := c.apt.needed(in); later != nil {
				c.refuse(in.StartLine, codeAptLists, "the RUN at %v runs apt-get install without apt-get update, using the lists this RUN downloads, so they cannot be removed here; merge the two RUNs or add apt-get update to the later one", transform.Line(later.StartLine))
				return
			}
		}
	}
	c.dropApkRedundancy(in, cmds)
	if len(newMounts) > 0 {
		off := stages.KeywordEnd(c.doc, in)
		if !strings.EqualFold(string(c.doc.Src[off-len(in.Keyword):off]), in.Keyword) {
			c.refuse(in.StartLine, codeSplitKeyword, "the RUN keyword at %v is split across lines; write it on one line", transform.Line(in.StartLine))
			return
		}
		text := " " + strings.Join(newMounts, " ")
		c.add(off, text, codeCacheMount, "added a BuildKit cache mount for %s: %s", strings.Join(mountFor, ", "), strings.TrimSpace(text))
		c.mounted = true
		if slices.Contains(mountFor, "apt") {
			c.keepDownloads(in)
		}
	}
	if len(cleanups) > 0 {
		c.appendCleanup(in, strings.Join(cleanups, " && "))
	}
}

// cacheDir returns the folder pc keeps r's cache in when something moves
// it from the default (--cache-dir DIR, or r.dirEnv set on the command, by
// an ENV or by an ARG with a value), without a trailing slash, and whether
// something does; a value with a variable in it is returned as written.
func (c *cleaner) cacheDir(in *parser.Instruction, r *cacheRule, pc *pkgCmd) (string, bool) {
	if r.dirEnv == "" {
		return "", false
	}
	v, ok := "", false
	for i, a := range pc.args {
		if a == "--cache-dir" && i+1 < len(pc.args) {
			v, ok = pc.args[i+1], true
		} else if d, found := strings.CutPrefix(a, "--cache-dir="); found {
			v, ok = d, true
		}
	}
	if a := pc.assigned(r.dirEnv); !ok && a != nil && a.Value != nil {
		v, ok = shellx.WordText(in.Shell, a.Value), true
	}
	if !ok {
		v, ok = stageVar(c.doc, in, r.dirEnv)
	}
	if !ok || v == "" {
		return "", false
	}
	v, _, _ = strings.Cut(strings.Trim(v, `"'`), ",") // CONDA_PKGS_DIRS is a list; the first is written to
	if strings.Contains(v, "$") {
		return v, true
	}
	return strings.TrimSuffix(path.Clean(v), "/"), true
}

// cacheMounted reports whether a cache or tmpfs mount of in holds the cache pc
// writes for r: one on the folder the stage moves it to (or on a folder
// above it, or written as the variable), or else one on r's usual place.
func (c *cleaner) cacheMounted(in *parser.Instruction, r *cacheRule, pc *pkgCmd, mounts []string) bool {
	dir, moved := c.cacheDir(in, r, pc)
	if !moved {
		return r.covered(mounts)
	}
	for _, t := range mounts {
		if t == dir || strings.HasPrefix(dir, t+"/") || t == "$"+r.dirEnv || t == "${"+r.dirEnv+"}" {
			return true
		}
	}
	return false
}

// stageVar returns the value of the variable name for the RUN in, and
// whether it is set there: by an ENV, or by an ARG with a default (an ARG
// without one takes the global ARG's default, and is unset without it).
func stageVar(doc *parser.Document, in *parser.Instruction, name string) (string, bool) {
	if v, ok := stageValue(doc, in, "env", name); ok {
		return v, true
	}
	v, ok := stageValue(doc, in, "arg", name)
	if !ok || v != "" {
		return v, ok
	}
	v, ok = "", false
	for _, m := range doc.MetaArgs {
		for _, a := range m.Args {
			if k, d, eq := strings.Cut(a, "="); k == name && eq {
				v, ok = d, true
			}
		}
	}
	return v, ok
}

// envSet reports whether the variable name is set for the command pc of
// in: on the command itself, or for the stage (see stageVar).
func envSet(doc *parser.Document, in *parser.Instruction, pc *pkgCmd, name string) bool {
	if pc.assigned(name) != nil {
		return true
	}
	_, ok := stageVar(doc, in, name)
	return ok
}

// dropApkRedundancy removes "apk update" and "rm -rf /var/cache/apk/*" from
// a RUN whose every apk command is add (which now has --no-cache) or del:
// apk add --no-cache fetches the index itself and writes no cache.
func (c *cleaner) dropApkRedundancy(in *parser.Instruction, cmds []*pkgCmd) {
	adds := false
	for _, pc := range cmds {
		if pc.tool != "apk" {
			continue
		}
		switch pc.subcmd() {
		case "add":
			adds = true
		case "del", "update":
		default:
			return
		}
	}
	if !adds || apkRule.covered(mountTargets(in)) {
		return
	}
	// the commands to drop, by the list that holds them
	var lists [][]*syntax.Stmt
	drops := map[*syntax.Stmt][]*pkgCmd{}
	for _, pc := range cmds {
		if pc.tool == "apk" && pc.subcmd() == "update" && len(pc.args) == 2 || pc.onlyRemoves("/var/cache/apk") {
			l := shellx.StmtList(in.Shell.File, pc.stmt)
			if len(l) == 0 {
				continue
			}
			if drops[l[0]] == nil {
				lists = append(lists, l)
			}
			drops[l[0]] = append(drops[l[0]], pc)
		}
	}
	for _, l := range lists {
		var stmts []*syntax.Stmt
		for _, pc := range drops[l[0]] {
			stmts = append(stmts, pc.stmt)
		}
		edits, ok := shellx.DeleteCmds(c.doc, in.Shell, stmts...)
		if !ok {
			continue
		}
		c.tx.Apply(edits)
		c.edited = true
		for _, pc := range drops[l[0]] {
			at, _ := in.Shell.Span(pc.stmt)
			if i := slices.Index(l, pc.stmt); i == len(l)-1 {
				_, at = in.Shell.Span(l[i-1]) // the deletion starts after the command before
			}
			text := in.Shell.Text[pc.stmt.Pos().Offset():pc.stmt.Cmd.End().Offset()]
			c.tx.Changed(c.doc.LineOf(at), codeApkRedundant, "removed %q: apk add --no-cache makes it redundant", text)
		}
	}
}

// appendCleanup adds "&& text" after the RUN's last command: inline for a
// one-line RUN, on a continuation line of its own otherwise. When the RUN
// ends in a subshell or { } group, the cleanup goes inside it, after its
// last command, so a "set -e" there keeps working.
func (c *cleaner) appendCleanup(in *parser.Instruction, text string) {
	stmts := in.Shell.File.Stmts
	last := stmts[len(stmts)-1]
	for !last.Background {
		leaves := shellx.AndLeaves(last)
		final := leaves[len(leaves)-1]
		if final.Negated || final.Background || len(final.Redirs) > 0 {
			break
		}
		switch g := final.Cmd.(type) {
		case *syntax.Subshell:
			stmts = g.Stmts
		case *syntax.Block:
			stmts = g.Stmts
		default:
			stmts = nil
		}
		if len(stmts) == 0 {
			break
		}
		last = stmts[len(stmts)-1]
	}
	if last.Background {
		c.refuse(in.StartLine, codeBackground, "the RUN at %v ends with a background command; add the cleanup by hand", transform.Line(in.StartLine))
		return
	}
	leaves := shellx.AndLeaves(last)
	final := leaves[len(leaves)-1]
	if !shellx.SimpleCmd(final) && mayErrexit(c.doc, in) {
		c.refuse(in.StartLine, codeErrexit, "the RUN at %v ends with a compound command under set -e, which the shell would ignore inside it once \"&& cleanup\" follows; add the cleanup inside it by hand", transform.Line(in.StartLine))
		return
	}
	end := shellx.StmtEnd(in.Shell, last)
	if c.doc.LineOf(end) == in.StartLine {
		c.add(end, " && "+text, codeCleanup, "added %s at the end of the RUN", text)
		return
	}
	st := runStyle(c.doc, in, c.style)
	start, _ := in.Shell.Span(final)
	if ln := c.doc.LineOf(start); ln != in.StartLine {
		st.Indent = c.doc.Indent(ln)
	}
	c.add(end, st.Join(c.doc, in, text), codeCleanup, "added %s at the end of the RUN", text)
}

// mayErrexit reports whether errexit can be on anywhere in a RUN: its SHELL
// sets -e, the #! line of its heredoc script does (#!/bin/sh -e), or its
// text runs set -e.
func mayErrexit(doc *parser.Document, in *parser.Instruction) bool {
	return shellx.Errexit(shellx.ShellAt(doc, in)) || shellx.Errexit(in.Shell.Shebang) || shellx.SetsErrexit(in.Shell.File)
}

func (c *cleaner) isRoot(in *parser.Instruction) bool {
	u, ok := stageValue(c.doc, in, "user", "")
	if !ok {
		return true
	}
	name, _, _ := strings.Cut(u, ":")
	if name == "root" || name == "0" {
		return true
	}
	c.tx.Note(in.StartLine, codeNonRoot, "USER %s: the cache lives in that user's home, so it is deleted instead of mounted", u)
	return false
}

// aptSub finds each apt command and its subcommand (the first word after
// its options; options with a value, -o X, are not told apart) in the
// words of a RUN that does not parse as shell (exec form, an opaque
// heredoc).
var aptSub = regexp.MustCompile(`(?:^|[\s"'/;&|(])apt(?:-get)?["',]*(?:[ \t]+["']?-[^\s"',]*["',]*)*[ \t]+["']?([a-z-]+)`)

// runStyle is the join style a RUN itself uses, or the file's when the RUN
// does not show one.
func runStyle(doc *parser.Document, in *parser.Instruction, file shellx.JoinStyle) shellx.JoinStyle {
	for ln := in.StartLine + 1; ln <= in.EndLine; ln++ {
		if strings.HasPrefix(strings.TrimSpace(doc.Line(ln)), "&&") {
			file.Leading = true
			return file
		}
		if strings.HasSuffix(strings.TrimRight(doc.Line(ln-1), " \t"), "&& "+string(doc.Escape)) {
			file.Leading = false
			return file
		}
	}
	return file
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
		if s.Parent != nil {
			visit(s.Parent)
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
