package main

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Where an Alpine package's files go. abuild builds an origin (an aport)
// into $pkgdir; each subpackage's split function then moves files out of
// it (amove, or the defaults abuild defines: default_dev, default_libs),
// in the order of subpackages=, and what stays is the main package. The
// extract step reads each APKBUILD's split functions into moves rows:
// the patterns each subpackage moves, or unclearMove when a function
// touches the bin or lib folders in a way this reader does not follow
// (mv, rm, cp, a loop, a variable it cannot expand). A file a pattern
// does not decide is refused, never guessed.

// unclearMove is the moves cell of a split function this reader cannot
// follow for the bin and lib folders.
const unclearMove = "?"

// defaultMoves are the patterns of abuild's default split functions that
// reach the files the rules look at: commands and shared libraries
// (abuild's default_dev moves usr/bin/*-config and the unversioned .so
// links; default_libs the versioned libraries).
var defaultMoves = map[string][]string{
	"dev":  {"usr/bin/*-config", "usr/lib/*.so", "lib/*.so"},
	"libs": {"lib/lib*.so.[0-9]*", "usr/lib/lib*.so.[0-9]*"},
}

// binOrLib matches a word ($pkgdir and $subpkgdir expanded to nothing)
// that reaches the bin or lib folders or names shared libraries, or is
// /usr itself; staticLib a word naming only static libraries or libtool
// archives, which the rules do not look at.
var (
	binOrLib  = regexp.MustCompile(`^/?(usr/)?(s?bin|lib|lib64|libexec)(/|$)|^/?usr/?$|\.so\b`)
	staticLib = regexp.MustCompile(`\.l?a$`)
)

// splitRow is one subpackage of an origin and what its split function
// moves.
type splitRow struct {
	origin, pkg string
	moves       []string // patterns, or [unclearMove]
}

// parseAPKBUILD reads an APKBUILD's subpackages, in order, and the
// patterns each moves; the first row is the main package, whose moves
// are unclearMove when package() removes or moves files of the bin or
// lib folders. An APKBUILD whose subpackages= it cannot expand is an
// error.
func parseAPKBUILD(origin, text string) ([]splitRow, error) {
	f, err := syntax.NewParser().Parse(strings.NewReader(text), origin+"/APKBUILD")
	if err != nil {
		return nil, err
	}
	vars := map[string]string{}
	fns := map[string]*syntax.Stmt{}
	var subs []string
	unknownSubs := false
	var walk func(stmts []*syntax.Stmt, cond bool)
	walk = func(stmts []*syntax.Stmt, cond bool) {
		for _, st := range stmts {
			switch c := st.Cmd.(type) {
			case *syntax.CallExpr:
				if len(c.Args) > 0 {
					continue
				}
				for _, a := range c.Assigns {
					if a.Name == nil {
						continue
					}
					if a.Name.Value == "subpackages" {
						vars["subpackages"] = "" // the union below holds what came before
					}
					v, ok := expand(a.Value, vars)
					if a.Name.Value == "subpackages" {
						if !ok {
							unknownSubs = true
						}
						for _, s := range strings.Fields(v) {
							if !slices.Contains(subs, s) {
								subs = append(subs, s)
							}
						}
						continue
					}
					if !ok || cond && vars[a.Name.Value] != "" && vars[a.Name.Value] != v {
						vars[a.Name.Value] = unknownVar
						continue
					}
					vars[a.Name.Value] = v
				}
			case *syntax.FuncDecl:
				fns[c.Name.Value] = c.Body
			case *syntax.IfClause:
				for ic := c; ic != nil; ic = ic.Else {
					walk(ic.Then, true)
				}
			case *syntax.CaseClause:
				for _, it := range c.Items {
					walk(it.Stmts, true)
				}
			case *syntax.ForClause:
				// for _name in $_backends; do subpackages="$subpackages $pkgname-back-$_name:_backend"; done
				wi, ok := c.Loop.(*syntax.WordIter)
				if !ok {
					unknownSubs = true
					continue
				}
				var items []string
				for _, w := range wi.Items {
					v, ok := expand(w, vars)
					if !ok {
						unknownSubs = true
					}
					items = append(items, strings.Fields(v)...)
				}
				for _, it := range items {
					vars[wi.Name.Value] = it
					walk(c.Do, cond)
				}
			}
		}
	}
	walk(f.Stmts, false)
	pkgname := vars["pkgname"]
	if pkgname == "" || strings.Contains(pkgname, unknownVar) {
		return nil, fmt.Errorf("%s: pkgname not known", origin)
	}
	if unknownSubs {
		return nil, fmt.Errorf("%s: subpackages= not expandable", origin)
	}
	main := splitRow{origin: origin, pkg: pkgname}
	if body := fns["package"]; body != nil && touchesBinOrLib(body, vars, fns, map[string]bool{}) {
		main.moves = []string{unclearMove}
	}
	rows := []splitRow{main}
	for _, s := range subs {
		name, fn, _ := strings.Cut(s, ":")
		fn, _, _ = strings.Cut(fn, ":")
		if fn == "" {
			fn = defaultSplit(name)
		}
		rows = append(rows, splitRow{origin: origin, pkg: name, moves: splitMoves(fn, vars, fns)})
	}
	return rows, nil
}

// unknownVar marks a variable whose value this reader cannot know.
const unknownVar = "\x00"

// defaultSplit is abuild's split function name for a subpackage without
// one: the part after the last '-', and a few special suffixes.
func defaultSplit(name string) string {
	for suffix, fn := range map[string]string{"-bash-completion": "bashcomp", "-zsh-completion": "zshcomp", "-fish-completion": "fishcomp", "-pyc": "default_pyc"} {
		if strings.HasSuffix(name, suffix) {
			return fn
		}
	}
	return name[strings.LastIndexByte(name, '-')+1:]
}

// splitMoves returns the patterns split function fn moves: its amove
// arguments, the sources of its mv "$pkgdir"/… "$subpkgdir"/…, and the
// defaults it calls, or [unclearMove] when it removes or moves anything
// else of the bin or lib folders (other commands, which only add to the
// subpackage, do not change where the rules' files go).
func splitMoves(fn string, vars map[string]string, fns map[string]*syntax.Stmt) []string {
	body := fns[fn]
	if body == nil {
		return slices.Clone(defaultMoves[strings.TrimPrefix(fn, "default_")])
	}
	var moves []string
	unclear := false
	syntax.Walk(body, func(n syntax.Node) bool {
		if unclear {
			return false
		}
		switch n := n.(type) {
		case *syntax.ForClause, *syntax.WhileClause:
			if touches(n, vars) {
				unclear = true
			}
			return false
		case *syntax.TestClause:
			return false // [[ -e ... ]] only looks
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				return true
			}
			cmd, _ := expand(n.Args[0], vars)
			switch {
			case cmd == "[" || cmd == "test":
				// only looks
			case cmd == "amove":
				for _, a := range n.Args[1:] {
					v, ok := expand(a, vars)
					if !ok || strings.HasPrefix(v, "-") {
						unclear = true
						return false
					}
					moves = append(moves, strings.Trim(path.Clean("/"+v), "/"))
				}
			case strings.HasPrefix(cmd, "default_"):
				moves = append(moves, defaultMoves[strings.TrimPrefix(cmd, "default_")]...)
			case fns[cmd] != nil && cmd != fn:
				if touchesBinOrLib(fns[cmd], vars, fns, map[string]bool{fn: true}) {
					unclear = true
				}
			case cmd == "mv":
				m, ok := mvMoves(n.Args[1:], vars)
				if !ok && touches(n, vars) {
					unclear = true
				}
				moves = append(moves, m...)
			case removes[cmd]:
				if touches(n, vars) {
					unclear = true
				}
			}
			return false
		}
		return true
	})
	if unclear {
		return []string{unclearMove}
	}
	return moves
}

// mvMoves reads mv "$pkgdir"/SRC... "$subpkgdir"/DEST as moves of the
// SRCs; ok is false for any other form.
func mvMoves(args []*syntax.Word, vars map[string]string) ([]string, bool) {
	var ops []*syntax.Word
	for _, a := range args {
		if v, _ := expand(a, vars); strings.HasPrefix(v, "-") {
			continue
		}
		ops = append(ops, a)
	}
	if len(ops) < 2 || rootVar(ops[len(ops)-1]) != "subpkgdir" {
		return nil, false
	}
	var out []string
	for _, a := range ops[:len(ops)-1] {
		v, ok := expand(a, vars)
		if !ok || rootVar(a) != "pkgdir" {
			return nil, false
		}
		out = append(out, strings.Trim(path.Clean("/"+v), "/"))
	}
	return out, true
}

// rootVar is the variable a word starts with ("pkgdir" for
// "$pkgdir"/usr/bin), "" when it starts with anything else.
func rootVar(w *syntax.Word) string {
	if len(w.Parts) == 0 {
		return ""
	}
	p := w.Parts[0]
	if dq, ok := p.(*syntax.DblQuoted); ok && len(dq.Parts) > 0 {
		p = dq.Parts[0]
	}
	if pe, ok := p.(*syntax.ParamExp); ok && pe.Param != nil {
		return pe.Param.Value
	}
	return ""
}

// touchesBinOrLib reports whether a function body runs a command (other
// than amove) on a word that reaches the bin or lib folders, or calls a
// function of the APKBUILD that does.
func touchesBinOrLib(body *syntax.Stmt, vars map[string]string, fns map[string]*syntax.Stmt, seen map[string]bool) bool {
	found := false
	syntax.Walk(body, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if found || !ok || len(c.Args) == 0 {
			return !found
		}
		cmd, _ := expand(c.Args[0], vars)
		switch {
		case fns[cmd] != nil && !seen[cmd]:
			seen[cmd] = true
			found = touchesBinOrLib(fns[cmd], vars, fns, seen)
		case removes[cmd]:
			found = touches(c, vars)
		}
		return false
	})
	return found
}

// removes are the commands of package() that can take a file out of
// $pkgdir, so that the main package lacks what the build installed.
var removes = map[string]bool{"rm": true, "mv": true, "amove": true, "unlink": true, "find": true}

// touches reports whether a node has a word that reaches the bin or lib
// folders (unknown variables count as reaching them).
func touches(n syntax.Node, vars map[string]string) bool {
	found := false
	syntax.Walk(n, func(n syntax.Node) bool {
		if w, ok := n.(*syntax.Word); ok && !found {
			v, ok := expand(w, vars)
			found = !ok || binOrLib.MatchString(v) && !staticLib.MatchString(v)
			return false
		}
		return !found
	})
	return found
}

// expand returns the value of a word with the APKBUILD's variables
// substituted; ok is false when a part cannot be known ($pkgdir and
// $subpkgdir count as known and expand to nothing, as amove's patterns
// are relative to them).
func expand(w *syntax.Word, vars map[string]string) (string, bool) {
	if w == nil {
		return "", true
	}
	var b strings.Builder
	ok := true
	var parts func(ps []syntax.WordPart)
	parts = func(ps []syntax.WordPart) {
		for _, p := range ps {
			switch p := p.(type) {
			case *syntax.Lit:
				b.WriteString(p.Value)
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				parts(p.Parts)
			case *syntax.ParamExp:
				if p.Param == nil || p.Length || p.Excl || p.Index != nil || p.Slice != nil || p.Repl != nil || p.Exp != nil || p.Names != 0 {
					ok = false
					continue
				}
				name := p.Param.Value
				switch name {
				case "pkgdir", "subpkgdir", "srcdir", "builddir", "startdir":
					continue
				}
				v, known := vars[name]
				if !known || strings.Contains(v, unknownVar) {
					ok = false
					continue
				}
				b.WriteString(v)
			default:
				ok = false
			}
		}
	}
	parts(w.Parts)
	return b.String(), ok
}

// moveTarget returns the package of rows (an origin's, main first) that
// ships file p (a path relative to /, such as usr/bin/xsltproc): the
// subpackage whose pattern moves it first, with the pattern, else the
// main package, with pattern "". When a function before the deciding one,
// or the main package's, is unclear, pkg is "" and pattern says why.
func moveTarget(rows []splitRow, p string) (pkg, pattern string) {
	for _, r := range rows[1:] {
		if len(r.moves) == 1 && r.moves[0] == unclearMove {
			return "", r.pkg + "'s split function is not one docklean can follow"
		}
		for _, m := range r.moves {
			if moveMatches(m, p) {
				return r.pkg, m
			}
		}
	}
	if len(rows[0].moves) == 1 && rows[0].moves[0] == unclearMove {
		return "", "package() removes or moves files of the bin or lib folders"
	}
	return rows[0].pkg, ""
}

// moveMatches reports whether amove pattern m moves file p: the pattern
// names p or one of its folders. The bin folders are one: a pattern that
// names a command (usr/bin/foo) matches it in /bin, /sbin, /usr/bin or
// /usr/sbin; a glob or a whole folder only in the same folder, with
// /bin = /usr/bin, /sbin = /usr/sbin and /lib = /usr/lib.
func moveMatches(m, p string) bool {
	m, p = usrMerge(m), usrMerge(p)
	if isBinPath(m) && isBinPath(p) && !strings.ContainsAny(path.Base(m), "*?[") && path.Base(m) == path.Base(p) {
		return true
	}
	for q := p; q != "." && q != "/" && q != ""; q = path.Dir(q) {
		if ok, _ := path.Match(m, q); ok {
			return true
		}
	}
	return false
}

// usrMerge writes bin/x, sbin/x and lib/x as usr/bin/x, usr/sbin/x and
// usr/lib/x.
func usrMerge(p string) string {
	for _, d := range []string{"bin", "sbin", "lib"} {
		if p == d || strings.HasPrefix(p, d+"/") {
			return "usr/" + p
		}
	}
	return p
}

func isBinPath(p string) bool {
	d := path.Dir(p)
	return d == "usr/bin" || d == "usr/sbin"
}
