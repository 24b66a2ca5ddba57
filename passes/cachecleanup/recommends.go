package cachecleanup

import (
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// Issue 14 §6: --no-install-recommends must not take away what the stage
// uses. For each package of an apt-get install that gets the flag, the
// packages it recommends (Debian bookworm's Recommends, from
// data/debian-commands.tsv) are kept explicitly when they bring a command
// the stage runs from that RUN on, or a stage built on it runs: git
// recommends openssh-client, which a git@ clone runs; python3-pip
// recommends build-essential and python3-dev, which pip install uses to
// build a package that has no wheel.

// pipBuildNeeds are the recommends a pip install may need: with no wheel
// for the platform pip compiles the source distribution with gcc against
// Python.h (python3-dev). Whether a wheel exists is not known here.
var pipBuildNeeds = map[string]bool{"build-essential": true, "python3-dev": true}

// keepRecommends adds to pc, an apt-get install that gets
// --no-install-recommends, the recommended packages the stage needs.
func (c *cleaner) keepRecommends(in *parser.Instruction, pc *pkgCmd) {
	t := commands.Tables()
	var used map[string]int // command → line that runs it
	var keep []string
	for _, a := range pc.args[pc.sub+1:] {
		if a == "" || strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.SplitN(a, "/", 2)[0], "=")
		p := t.Deb[name]
		if p == nil || len(p.Recs) == 0 {
			continue
		}
		if used == nil {
			used = c.used.of(c.doc, in.Stage)
		}
		had := commandsOf(commands.DebClosure(map[string]bool{name: true}, nil))
		own := ownCommandRun(name, p.Cmds, used, in.StartLine)
		for _, r := range p.Recs {
			if r == "ca-certificates" || aptInstalls(pc, r) || slices.Contains(keep, r) {
				continue // keepCertificates handles ca-certificates
			}
			why := own
			if l := used["pip install"]; why.IsZero() && l >= in.StartLine && pipBuildNeeds[r] {
				why = transform.Msgf("pip install on %v builds packages that have no wheel with it", transform.Line(l))
			} else if why.IsZero() {
				gained := commandsOf(commands.DebClosure(map[string]bool{r: true}, nil))
				for _, cmd := range slices.Sorted(commands.MapKeys(gained)) {
					if l := used[cmd]; l >= in.StartLine && !had[cmd] {
						why = transform.Msgf("it brings %s, which %v runs", cmd, transform.Line(l))
						break
					}
				}
			}
			if why.IsZero() {
				continue
			}
			keep = append(keep, r)
			_, end := in.Shell.Span(pc.words[len(pc.words)-1])
			c.add(end, " "+r, codeRecommends, "added %s to %s install: %s only recommends it, which --no-install-recommends would drop, and %v", r, pc.args[0], name, why)
		}
	}
}

// modelledRecommends are the packages whose programs' use of what they
// recommend keepRecommends models command by command, so that running them
// does not keep all their recommends: git runs ssh (openssh-client) for a
// git@ or ssh:// URL, marked "ssh" by usedCmds, and less only as the pager
// of a terminal; pip needs build-essential and python3-dev only to build a
// package that has no wheel, marked "pip install".
var modelledRecommends = map[string]bool{"git": true, "python3-pip": true}

// ownCommandRun returns why all of the recommends of package name, which
// ships the commands cmds, are kept: the stage runs one of its commands from
// line from on (a RUN, CMD, ENTRYPOINT, HEALTHCHECK or copied script), and
// the package's own programs may run or load any package it recommends
// (xvfb-run, a script of xvfb, stops without xauth, which xvfb only
// recommends). debian-commands.tsv records which packages a package
// recommends, not which of its programs uses them, so all are kept; the zero Msg when
// no command of it runs, or it is one of modelledRecommends.
func ownCommandRun(name string, cmds []string, used map[string]int, from int) transform.Msg {
	if modelledRecommends[name] {
		return transform.Msg{}
	}
	for _, cmd := range cmds {
		if l := used[path.Base(cmd)]; l >= from {
			return transform.Msgf("the stage runs %s (%v), a program of %s, which may use what its package recommends", path.Base(cmd), transform.Line(l), name)
		}
	}
	return transform.Msg{}
}

// commandsOf returns the names of the commands a set of Debian packages
// ships.
func commandsOf(pkgs map[string]bool) map[string]bool {
	t := commands.Tables()
	out := map[string]bool{}
	for p := range pkgs {
		if d := t.Deb[p]; d != nil {
			for _, c := range d.Cmds {
				out[path.Base(c)] = true
			}
		}
	}
	return out
}

// usedCmds finds, once per file, the commands each stage runs: the
// programs of shell-form RUNs (ssh for git with a git@ or ssh:// URL;
// "pip install" for a pip install that may build), ENTRYPOINT and CMD, each
// with the last line that runs it.
type usedCmds struct {
	ctx      fs.FS // the build context, nil when docklean does not have it
	own, all map[*parser.Stage]map[string]int
	children map[*parser.Stage][]*parser.Stage
}

// of returns the commands st and the stages built on it run, each with the
// last line that runs it: a command is run from line L on when its line is
// at least L (stages built on st come after it).
func (u *usedCmds) of(doc *parser.Document, st *parser.Stage) map[string]int {
	if u.own == nil {
		u.scan(doc)
	}
	if m, ok := u.all[st]; ok {
		return m
	}
	m := map[string]int{}
	for k, v := range u.own[st] {
		m[k] = v
	}
	for _, ch := range u.children[st] {
		for k, v := range u.of(doc, ch) {
			m[k] = max(m[k], v)
		}
	}
	u.all[st] = m
	return m
}

func (u *usedCmds) scan(doc *parser.Document) {
	u.own, u.all, u.children = map[*parser.Stage]map[string]int{}, map[*parser.Stage]map[string]int{}, map[*parser.Stage][]*parser.Stage{}
	for _, st := range doc.Stages {
		if st.Parent != nil {
			u.children[st.Parent] = append(u.children[st.Parent], st)
		}
	}
	for _, x := range doc.Instructions {
		if x.Stage == nil {
			continue
		}
		used := u.own[x.Stage]
		if used == nil {
			used = map[string]int{}
			u.own[x.Stage] = used
		}
		mark := func(cmd string, line int) { used[cmd] = max(used[cmd], line) }
		switch x.Keyword {
		case "run":
			sh := x.Shell
			if sh == nil || sh.File == nil || sh.Err != nil {
				continue
			}
			parser.Walk(sh.File, func(n syntax.Node) bool {
				call, ok := n.(*syntax.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				w, ok := shellx.WordLit(call.Args[0])
				if !ok {
					return true
				}
				start, _ := sh.Span(call.Args[0])
				line := doc.LineOf(start)
				prog := path.Base(w)
				mark(prog, line)
				var args []string
				for _, a := range call.Args[1:] {
					v, _ := shellx.WordLit(a)
					args = append(args, v)
				}
				switch {
				case prog == "git" && slices.ContainsFunc(args, func(v string) bool { return strings.HasPrefix(v, "git@") || strings.HasPrefix(v, "ssh://") }):
					mark("ssh", line)
				case strings.HasPrefix(prog, "pip") && slices.Contains(args, "install") && !pureInstall(args),
					strings.HasPrefix(prog, "python") && len(args) > 2 && args[0] == "-m" && args[1] == "pip" && args[2] == "install" && !pureInstall(args[2:]):
					mark("pip install", line)
				}
				return true
			})
		case "cmd", "entrypoint", "healthcheck":
			for _, use := range execUses(x) {
				mark(path.Base(use), x.StartLine)
			}
		case "copy", "add":
			// a copied script may run at any later line
			for _, use := range commands.ContextScriptUses(u.ctx, x, len(doc.Src)) {
				mark(path.Base(use.Word), doc.LineOf(len(doc.Src)))
			}
		}
	}
}

// execUses returns the programs a CMD, ENTRYPOINT or HEALTHCHECK CMD runs:
// every command of shell-form text (or of sh -c's argument), else every
// word of the exec form, since a wrapper there (dumb-init --, tini, gosu
// user, xvfb-run) runs a later word as the program.
func execUses(x *parser.Instruction) []string {
	args := x.Args
	if x.Keyword == "healthcheck" {
		if len(args) < 2 || !strings.EqualFold(args[0], "CMD") {
			return nil
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return nil
	}
	var uses []commands.Use
	switch {
	case !x.JSON:
		uses = commands.TextUses(strings.Join(args, " "), x.StartLine, 0, "")
	case len(args) > 2 && (path.Base(args[0]) == "sh" || commands.IsBash(args[0])) && args[1] == "-c":
		uses = commands.TextUses(args[2], x.StartLine, 0, "")
	default:
		return args
	}
	var out []string
	for _, u := range uses {
		out = append(out, u.Word)
	}
	return out
}

// pureWheels are packages published only as pure-Python wheels
// (py3-none-any) with pure-Python dependencies: pip never compiles them.
var pureWheels = map[string]bool{"pip": true, "setuptools": true, "wheel": true, "requests": true, "urllib3": true,
	"certifi": true, "idna": true, "six": true}

// pureInstall reports whether a pip install (its arguments) names only
// pureWheels packages, and no requirement file, folder or archive.
func pureInstall(args []string) bool {
	names := 0
	for _, a := range args {
		switch {
		case a == "":
			return false
		case a == "install":
		case strings.HasPrefix(a, "-"):
			if a == "-r" || a == "-e" || a == "-c" || strings.HasPrefix(a, "--requirement") || strings.HasPrefix(a, "--editable") || strings.HasPrefix(a, "--constraint") {
				return false
			}
		default:
			f := strings.FieldsFunc(a, func(r rune) bool { return strings.ContainsRune("=<>!~[; ", r) })
			if len(f) == 0 || !pureWheels[strings.ToLower(f[0])] {
				return false
			}
			names++
		}
	}
	return names > 0
}
