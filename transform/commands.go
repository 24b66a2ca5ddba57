package transform

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/tsv"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform/data"
	"mvdan.cc/sh/v3/syntax"
)

// debPkg is one row of debian-commands.tsv.
type debPkg struct {
	base       bool // Priority required or Essential: in every Debian image
	cmds       []string
	deps, recs []string
}

// alpCmd is one row of alpine-commands.tsv.
type alpCmd struct{ pkg, path, evidence string }

type cmdTables struct {
	deb      map[string]*debPkg
	debByCmd map[string][]string // command name → Debian packages that ship it
	baseDebs []string
	alp      map[string][]alpCmd // command name → Alpine packages with evidence
	complete map[string]bool     // Alpine packages whose whole command list is curated
	rootfs   map[string]bool     // packages of the Alpine base image
}

var cmdTablesOnce = sync.OnceValue(func() *cmdTables {
	t := &cmdTables{deb: map[string]*debPkg{}, debByCmd: map[string][]string{}, alp: map[string][]alpCmd{}, complete: map[string]bool{}, rootfs: map[string]bool{}}
	tsv.MustRows("debian-commands.tsv", data.DebianCommands, 5, func(_ int, f []string) {
		p := &debPkg{base: f[1] == "r", cmds: strings.Fields(f[2]), deps: strings.Fields(f[3]), recs: strings.Fields(f[4])}
		t.deb[f[0]] = p
		if p.base {
			t.baseDebs = append(t.baseDebs, f[0])
		}
		for _, c := range p.cmds {
			n := path.Base(c)
			if !slices.Contains(t.debByCmd[n], f[0]) {
				t.debByCmd[n] = append(t.debByCmd[n], f[0])
			}
		}
	})
	tsv.MustRows("alpine-commands.tsv", data.AlpineCommands, 4, func(_ int, f []string) {
		t.alp[f[0]] = append(t.alp[f[0]], alpCmd{f[1], f[2], f[3]})
		switch f[3] {
		case "curated":
			t.complete[f[1]] = true
		case "rootfs":
			t.rootfs[f[1]] = true
		}
	})
	return t
})

// debClosure returns the Debian packages in a stage: those of the base
// image and those it installs, with their Depends and, for an install that
// does not turn them off, their Recommends.
func debClosure(direct, withRecs map[string]bool) map[string]bool {
	seen := maps.Clone(baseClosure())
	for _, n := range slices.Sorted(mapKeys(direct)) {
		delete(seen, n) // walk it again: its Recommends may count
	}
	return closure(seen, direct, withRecs)
}

// baseClosure is the closure of the packages of every Debian base image.
var baseClosure = sync.OnceValue(func() map[string]bool {
	base := map[string]bool{}
	for _, n := range cmdTablesOnce().baseDebs {
		base[n] = true
	}
	return closure(map[string]bool{}, base, nil)
})

// closure adds to seen the packages of direct and what they depend on
// (and recommend, for those in withRecs, transitively).
func closure(seen, direct, withRecs map[string]bool) map[string]bool {
	t := cmdTablesOnce()
	type item struct {
		name string
		recs bool
	}
	var queue []item
	for _, n := range slices.Sorted(mapKeys(direct)) {
		queue = append(queue, item{n, withRecs[n]})
	}
	for len(queue) > 0 {
		it := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if seen[it.name] {
			continue
		}
		seen[it.name] = true
		p := t.deb[it.name]
		if p == nil {
			continue
		}
		for _, d := range p.deps {
			queue = append(queue, item{d, it.recs})
		}
		if it.recs {
			for _, d := range p.recs {
				queue = append(queue, item{d, true})
			}
		}
	}
	return seen
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// cmdUse is a command a stage runs.
type cmdUse struct {
	word string // as written: a name or an absolute path
	line int
	off  int    // file offset, for where a needed package must be installed
	kind string // "the RUN", "CMD", "ENTRYPOINT", "SHELL"
	// lnDest: the destination of ln -s without -f, which must not exist;
	// lnSrc: the target of ln -s, which must exist
	lnDest, lnSrc bool
	via           string // the program that runs it ("git" for ssh)
}

// notCommands are words docklean's other rules handle, shell builtins and
// wrappers: they are never looked up as package commands.
var notCommands = map[string]bool{
	"cd": true, "export": true, "set": true, "unset": true, "echo": true, "printf": true, "test": true, "[": true,
	"true": true, "false": true, "exit": true, "source": true, ".": true, "eval": true, "exec": true, "read": true,
	"trap": true, "shift": true, "return": true, "local": true, "wait": true, "umask": true, "ulimit": true, "type": true,
	"command": true, "alias": true, "hash": true, "getopts": true, "pwd": true, "kill": true,
	// translated or checked by the other alpine rules
	"apt-get": true, "apt": true, "aptitude": true, "rm": true, "useradd": true, "groupadd": true, "usermod": true,
	"adduser": true, "addgroup": true, "groupmod": true, "userdel": true, "groupdel": true, "bash": true, "sh": true,
	"ldconfig": true, // bare ldconfig is dropped (see call); with arguments it exists on Alpine (musl-utils)
}

// wrappers run the command in their arguments.
var wrappers = map[string]bool{"sudo": true, "exec": true, "nohup": true, "env": true, "time": true, "command": true, "gosu": false}

// scriptShebang matches the #! line of a POSIX or bash shell script.
var scriptShebang = regexp.MustCompile(`^#!\s*(/usr)?/bin/(env\s+)?(ba|da|a)?sh\b`)

// textUses returns the commands of shell text that is not part of a RUN
// (a CMD's text, sh -c's argument, a script): each simple command's
// program, with wrappers skipped, and ssh for git with an ssh URL. Text
// the shell parser rejects gives nothing (the other rules see it).
func textUses(text string, line, off int, kind string) []cmdUse {
	f, err := syntax.NewParser().Parse(strings.NewReader(text), "")
	if err != nil {
		return nil
	}
	var uses []cmdUse
	parser.Walk(f, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if !ok || len(c.Args) == 0 {
			return true
		}
		args := c.Args
		for len(args) > 1 {
			if w, ok := shellx.WordLit(args[0]); ok && (wrappers[path.Base(w)] || strings.HasPrefix(w, "-") && len(args) < len(c.Args)) {
				args = args[1:]
				continue
			}
			break
		}
		w, ok := shellx.WordLit(args[0])
		if !ok || w == "" {
			return true
		}
		uses = append(uses, cmdUse{word: w, line: line, off: off, kind: kind})
		if path.Base(w) == "git" {
			for _, a := range args[1:] {
				if v, ok := shellx.WordLit(a); ok && (strings.HasPrefix(v, "git@") || strings.HasPrefix(v, "ssh://")) {
					uses = append(uses, cmdUse{word: "ssh", line: line, off: off, kind: kind, via: "git (for " + v + ")"})
					break
				}
			}
		}
		return true
	})
	return uses
}

// contextScriptUses returns the commands of the shell scripts a COPY or ADD
// brings from the build context ctx (nil when docklean does not have it),
// each at offset off.
func contextScriptUses(ctx fs.FS, in *parser.Instruction, off int) []cmdUse {
	if ctx == nil || len(in.Args) < 2 || len(in.Heredocs) > 0 {
		return nil
	}
	for _, f := range in.Flags {
		if strings.HasPrefix(f, "--from=") {
			return nil
		}
	}
	var uses []cmdUse
	for _, src := range in.Args[:len(in.Args)-1] {
		matches, err := fs.Glob(ctx, path.Clean(strings.TrimPrefix(src, "/")))
		if err != nil {
			continue
		}
		for _, m := range matches {
			b, err := fs.ReadFile(ctx, m)
			if err == nil && len(b) < 1<<20 && scriptShebang.Match(b) {
				uses = append(uses, textUses(string(b), in.StartLine, off, fmt.Sprintf("%s, copied on line %d,", m, in.StartLine))...)
			}
		}
	}
	return uses
}

// lnUses returns, for "ln -s TARGET LINK" between bin folders, the target
// (a command that must exist) and the link (which must not, without -f).
func lnUses(doc *parser.Document, sh *parser.Shell, args []*syntax.Word, kind string) []cmdUse {
	force := false
	var ops []*syntax.Word
	for _, a := range args[1:] {
		v, ok := shellx.WordLit(a)
		if !ok {
			return nil
		}
		if strings.HasPrefix(v, "-") {
			force = force || strings.Contains(v, "f") && !strings.HasPrefix(v, "--") || v == "--force"
			continue
		}
		ops = append(ops, a)
	}
	if len(ops) != 2 {
		return nil
	}
	var out []cmdUse
	for i, a := range ops {
		v, _ := shellx.WordLit(a)
		if !binDirs[path.Dir(v)+"/"] {
			continue
		}
		start, _ := sh.Span(a)
		u := cmdUse{word: v, line: doc.LineOf(start), off: start, kind: kind, lnDest: i == 1, lnSrc: i == 0}
		if i == 1 && force {
			continue
		}
		out = append(out, u)
	}
	return out
}

func isBash(prog string) bool { return path.Base(prog) == "bash" }

var (
	pipName    = regexp.MustCompile(`^pip[0-9.]*$`)
	pythonName = regexp.MustCompile(`^python[0-9.]*$`)
)
