// Package commands knows which commands a stage runs (RUN, CMD, ENTRYPOINT,
// SHELL, sh -c, the shell scripts it copies from the build context) and
// which Debian and Alpine packages provide them (data/debian-commands.tsv,
// data/alpine-commands.tsv): the alpine pass checks that a stage moved to
// Alpine keeps every command it uses, cache-cleanup that dropping
// recommended packages removes none.
package commands

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
	Base       bool // Priority required or Essential: in every Debian image
	Cmds       []string
	deps, Recs []string
}

// alpCmd is one row of alpine-commands.tsv.
type alpCmd struct{ Pkg, Path, Evidence string }

type cmdTables struct {
	Deb      map[string]*debPkg
	DebByCmd map[string][]string // command name → Debian packages that ship it
	baseDebs []string
	Alp      map[string][]alpCmd // command name → Alpine packages with evidence
	Complete map[string]bool     // Alpine packages whose whole command list is curated
	Rootfs   map[string]bool     // packages of the Alpine base image
}

// Tables reads debian-commands.tsv and alpine-commands.tsv once.
var Tables = sync.OnceValue(func() *cmdTables {
	t := &cmdTables{Deb: map[string]*debPkg{}, DebByCmd: map[string][]string{}, Alp: map[string][]alpCmd{}, Complete: map[string]bool{}, Rootfs: map[string]bool{}}
	tsv.MustRows("debian-commands.tsv", data.DebianCommands, 5, func(_ int, f []string) {
		p := &debPkg{Base: f[1] == "r", Cmds: strings.Fields(f[2]), deps: strings.Fields(f[3]), Recs: strings.Fields(f[4])}
		t.Deb[f[0]] = p
		if p.Base {
			t.baseDebs = append(t.baseDebs, f[0])
		}
		for _, c := range p.Cmds {
			n := path.Base(c)
			if !slices.Contains(t.DebByCmd[n], f[0]) {
				t.DebByCmd[n] = append(t.DebByCmd[n], f[0])
			}
		}
	})
	tsv.MustRows("alpine-commands.tsv", data.AlpineCommands, 4, func(_ int, f []string) {
		t.Alp[f[0]] = append(t.Alp[f[0]], alpCmd{f[1], f[2], f[3]})
		switch f[3] {
		case "curated":
			t.Complete[f[1]] = true
		case "rootfs":
			t.Rootfs[f[1]] = true
		}
	})
	return t
})

// InBase reports whether a Debian package is in every Debian image: a
// required or essential package, or one of their dependencies.
func InBase(name string) bool { return baseClosure()[name] }

// Depends returns the Pre-Depends and Depends of a Debian package (the
// first alternative of each), nil for a package the table lacks.
func (t *cmdTables) Depends(name string) []string {
	if p := t.Deb[name]; p != nil {
		return p.deps
	}
	return nil
}

// DebClosure returns the Debian packages in a stage: those of the base
// image and those it installs, with their Depends and, for an install that
// does not turn them off, their Recommends.
func DebClosure(direct, withRecs map[string]bool) map[string]bool {
	seen := maps.Clone(baseClosure())
	for _, n := range slices.Sorted(MapKeys(direct)) {
		delete(seen, n) // walk it again: its Recommends may count
	}
	return closure(seen, direct, withRecs)
}

// baseClosure is the closure of the packages of every Debian base image.
var baseClosure = sync.OnceValue(func() map[string]bool {
	base := map[string]bool{}
	for _, n := range Tables().baseDebs {
		base[n] = true
	}
	return closure(map[string]bool{}, base, nil)
})

// closure adds to seen the packages of direct and what they depend on
// (and recommend, for those in withRecs, transitively).
func closure(seen, direct, withRecs map[string]bool) map[string]bool {
	t := Tables()
	type item struct {
		name string
		recs bool
	}
	var queue []item
	for _, n := range slices.Sorted(MapKeys(direct)) {
		queue = append(queue, item{n, withRecs[n]})
	}
	for len(queue) > 0 {
		it := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if seen[it.name] {
			continue
		}
		seen[it.name] = true
		p := t.Deb[it.name]
		if p == nil {
			continue
		}
		for _, d := range p.deps {
			queue = append(queue, item{d, it.recs})
		}
		if it.recs {
			for _, d := range p.Recs {
				queue = append(queue, item{d, true})
			}
		}
	}
	return seen
}

// MapKeys iterates over the keys of m.
func MapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Use is a command a stage runs.
type Use struct {
	Word string // as written: a name or an absolute path
	Line int
	Off  int    // file offset, for where a needed package must be installed
	Kind string // "the RUN", "CMD", "ENTRYPOINT", "SHELL"
	// LnDest: the destination of ln -s without -f, which must not exist;
	// lnSrc: the target of ln -s, which must exist
	LnDest, LnSrc bool
	Via           string // the program that runs it ("git" for ssh)
}

// NotCommands are words docklean's other rules handle, shell builtins and
// wrappers: they are never looked up as package commands.
var NotCommands = map[string]bool{
	"cd": true, "export": true, "set": true, "unset": true, "echo": true, "printf": true, "test": true, "[": true,
	"true": true, "false": true, "exit": true, "source": true, ".": true, "eval": true, "exec": true, "read": true,
	"trap": true, "shift": true, "return": true, "local": true, "wait": true, "umask": true, "ulimit": true, "type": true,
	"command": true, "alias": true, "hash": true, "getopts": true, "pwd": true, "kill": true,
	// translated or checked by the other alpine rules
	"apt-get": true, "apt": true, "aptitude": true, "rm": true, "useradd": true, "groupadd": true, "usermod": true,
	"adduser": true, "addgroup": true, "groupmod": true, "userdel": true, "groupdel": true, "bash": true, "sh": true,
	"ldconfig": true, // bare ldconfig is dropped (see call); with arguments it exists on Alpine (musl-utils)
}

// Wrappers run the command in their arguments.
var Wrappers = map[string]bool{"sudo": true, "exec": true, "nohup": true, "env": true, "time": true, "command": true, "gosu": false}

// ScriptShebang matches the #! line of a POSIX or bash shell script.
var ScriptShebang = regexp.MustCompile(`^#!\s*(/usr)?/bin/(env\s+)?(ba|da|a)?sh\b`)

// TextUses returns the commands of shell text that is not part of a RUN
// (a CMD's text, sh -c's argument, a script): each simple command's
// program, with wrappers skipped, and ssh for git with an ssh URL. Text
// the shell parser rejects gives nothing (the other rules see it).
func TextUses(text string, line, off int, kind string) []Use {
	f, err := syntax.NewParser().Parse(strings.NewReader(text), "")
	if err != nil {
		return nil
	}
	var uses []Use
	parser.Walk(f, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if !ok || len(c.Args) == 0 {
			return true
		}
		args := c.Args
		for len(args) > 1 {
			if w, ok := shellx.WordLit(args[0]); ok && (Wrappers[path.Base(w)] || strings.HasPrefix(w, "-") && len(args) < len(c.Args)) {
				args = args[1:]
				continue
			}
			break
		}
		w, ok := shellx.WordLit(args[0])
		if !ok || w == "" {
			return true
		}
		uses = append(uses, Use{Word: w, Line: line, Off: off, Kind: kind})
		if path.Base(w) == "git" {
			for _, a := range args[1:] {
				if v, ok := shellx.WordLit(a); ok && (strings.HasPrefix(v, "git@") || strings.HasPrefix(v, "ssh://")) {
					uses = append(uses, Use{Word: "ssh", Line: line, Off: off, Kind: kind, Via: "git (for " + v + ")"})
					break
				}
			}
		}
		return true
	})
	return uses
}

// ContextScriptUses returns the commands of the shell scripts a COPY or ADD
// brings from the build context ctx (nil when docklean does not have it),
// each at offset off.
func ContextScriptUses(ctx fs.FS, in *parser.Instruction, off int) []Use {
	if ctx == nil || len(in.Args) < 2 || len(in.Heredocs) > 0 {
		return nil
	}
	for _, f := range in.Flags {
		if strings.HasPrefix(f, "--from=") {
			return nil
		}
	}
	var uses []Use
	for _, src := range in.Args[:len(in.Args)-1] {
		matches, err := fs.Glob(ctx, path.Clean(strings.TrimPrefix(src, "/")))
		if err != nil {
			continue
		}
		for _, m := range matches {
			b, err := fs.ReadFile(ctx, m)
			if err == nil && len(b) < 1<<20 && ScriptShebang.Match(b) {
				uses = append(uses, TextUses(string(b), in.StartLine, off, fmt.Sprintf("%s, copied on line %d,", m, in.StartLine))...)
			}
		}
	}
	return uses
}

// LnUses returns, for "ln -s TARGET LINK" between bin folders, the target
// (a command that must exist) and the link (which must not, without -f).
func LnUses(doc *parser.Document, sh *parser.Shell, args []*syntax.Word, kind string) []Use {
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
	var out []Use
	for i, a := range ops {
		v, _ := shellx.WordLit(a)
		if !BinDirs[path.Dir(v)+"/"] {
			continue
		}
		start, _ := sh.Span(a)
		u := Use{Word: v, Line: doc.LineOf(start), Off: start, Kind: kind, LnDest: i == 1, LnSrc: i == 0}
		if i == 1 && force {
			continue
		}
		out = append(out, u)
	}
	return out
}

// IsBash reports whether prog names bash.
func IsBash(prog string) bool { return path.Base(prog) == "bash" }

var (
	PipName    = regexp.MustCompile(`^pip[0-9.]*$`)
	PythonName = regexp.MustCompile(`^python[0-9.]*$`)
)

// BinDirs are the folders whose programs come from packages.
var BinDirs = map[string]bool{"/bin/": true, "/sbin/": true, "/usr/bin/": true, "/usr/sbin/": true}
