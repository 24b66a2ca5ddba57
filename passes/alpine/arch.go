package alpine

import (
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// The machine's architecture: Debian's images print it with dpkg
// --print-architecture, Alpine's with apk --print-arch, and the two name
// the same Docker platforms differently. The official images branch on it
// with a case statement whose arms pick the download for each platform:
//
//	dpkgArch="$(dpkg --print-architecture)"; case "${dpkgArch##*-}" in amd64) … ;; esac
//
// Such a RUN converts when the value is only read by case statements (and
// echo/printf messages): the command becomes apk --print-arch and each
// case pattern the Alpine name of the same platform, so every arm runs on
// the platform it ran on. Any other use of the value (a download URL, a
// file name) names Debian's architectures and refuses.

// debianArchToAlpine maps dpkg's architecture names to apk's for the same
// Docker platform. Debian's armhf is ARMv7 (linux/arm/v7), which Alpine
// calls armv7; Alpine's own armhf is ARMv6 (linux/arm/v6).
var debianArchToAlpine = map[string]string{"amd64": "x86_64", "arm64": "aarch64", "armhf": "armv7", "i386": "x86",
	"ppc64el": "ppc64le", "s390x": "s390x", "riscv64": "riscv64", "loong64": "loongarch64"}

// debianArchOnly are Debian architectures Alpine does not build: a case
// arm for one of them never runs on Alpine.
var debianArchOnly = map[string]bool{"armel": true, "mips64el": true, "mipsel": true, "powerpc": true, "ppc64": true,
	"sparc64": true, "x32": true, "alpha": true, "hppa": true, "ia64": true, "m68k": true, "sh4": true}

// isPrintArch reports whether c is dpkg --print-architecture.
func isPrintArch(c *syntax.CallExpr) bool {
	if len(c.Assigns) > 0 || len(c.Args) != 2 {
		return false
	}
	prog, _ := shellx.WordLit(c.Args[0])
	opt, _ := shellx.WordLit(c.Args[1])
	return (prog == "dpkg" || prog == "/usr/bin/dpkg") && opt == "--print-architecture"
}

// archSubst returns the statement inside w when w is only $(dpkg
// --print-architecture), quoted or not, or that piped into awk -F- '{
// print $NF }' (the last dash-separated field; apk's names have no dash),
// and the dpkg command; nil otherwise.
func archSubst(w *syntax.Word) (*syntax.Stmt, *syntax.CallExpr) {
	if w == nil || len(w.Parts) != 1 {
		return nil, nil
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part = dq.Parts[0]
	}
	cs, ok := part.(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 {
		return nil, nil
	}
	st := cs.Stmts[0]
	if st.Negated || st.Background || len(st.Redirs) > 0 {
		return nil, nil
	}
	switch x := st.Cmd.(type) {
	case *syntax.CallExpr:
		if isPrintArch(x) {
			return st, x
		}
	case *syntax.BinaryCmd:
		l, lok := x.X.Cmd.(*syntax.CallExpr)
		r, rok := x.Y.Cmd.(*syntax.CallExpr)
		if x.Op == syntax.Pipe && lok && rok && isPrintArch(l) && len(x.X.Redirs) == 0 && len(x.Y.Redirs) == 0 && lastField(r) {
			return st, l
		}
	}
	return nil, nil
}

// lastField reports whether c is awk -F- '{ print $NF }'.
func lastField(c *syntax.CallExpr) bool {
	var w []string
	for _, a := range c.Args {
		v, ok := shellx.WordLit(a)
		if !ok {
			return false
		}
		w = append(w, strings.Join(strings.Fields(v), ""))
	}
	return slices.Equal(w, []string{"awk", "-F-", "{print$NF}"}) || slices.Equal(w, []string{"awk", "-F", "-", "{print$NF}"})
}

// printArch plans the rewrite of the RUN's dpkg --print-architecture
// commands before the RUN is walked, or refuses; it returns the dpkg
// commands it handled, which call then skips.
func (r *runConv) printArch() map[*syntax.CallExpr]bool {
	var calls []*syntax.CallExpr
	syntax.Walk(r.sh.File, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok && isPrintArch(c) {
			calls = append(calls, c)
		}
		return true
	})
	if len(calls) == 0 {
		return nil
	}
	handled := map[*syntax.CallExpr]bool{}
	vars := map[string]bool{}            // the variables that hold the architecture
	assigns := map[*syntax.Assign]bool{} // their assignments from dpkg
	var substs []*syntax.Stmt
	var cases []*syntax.CaseClause
	syntax.Walk(r.sh.File, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				break
			}
			for _, a := range n.Assigns {
				if st, c := archSubst(a.Value); st != nil && !a.Append && a.Index == nil {
					vars[a.Name.Value], assigns[a], handled[c] = true, true, true
					substs = append(substs, st)
				}
			}
		case *syntax.CaseClause:
			if st, c := archSubst(n.Word); st != nil {
				handled[c] = true
				substs = append(substs, st)
				cases = append(cases, n)
			}
		}
		return true
	})
	for _, c := range calls {
		if !handled[c] {
			r.s.refuse(r.line(c), codeArch, "dpkg --print-architecture prints Debian's name of the architecture, and this RUN uses it where docklean cannot map it to Alpine's (only a variable read by case statements is mapped); convert by hand with apk --print-arch")
			return nil
		}
	}
	// Every other read of the variables: a case word, a message, or refuse.
	var allowed [][2]int  // spans of the words that may read them
	var captured [][2]int // command substitutions: what is echoed there is a value, not a message
	piped := map[*syntax.Stmt]bool{}
	syntax.Walk(r.sh.File, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.BinaryCmd:
			if n.Op == syntax.Pipe || n.Op == syntax.PipeAll {
				piped[n.X], piped[n.Y] = true, true
			}
		case *syntax.CmdSubst:
			s, e := r.span(n)
			captured = append(captured, [2]int{s, e})
		case *syntax.CaseClause:
			if archParam(n.Word, vars) {
				cases = append(cases, n)
				s, e := r.span(n.Word)
				allowed = append(allowed, [2]int{s, e})
			}
		case *syntax.Stmt:
			if !toStderrOnly(n) { // { echo "$dpkgArch"; } > file
				s, e := r.span(n)
				captured = append(captured, [2]int{s, e})
			}
			if c, ok := n.Cmd.(*syntax.CallExpr); ok && len(c.Args) > 0 && toStderrOnly(n) && !piped[n] {
				if p, _ := shellx.WordLit(c.Args[0]); p == "echo" || p == "printf" {
					s, _ := r.span(c.Args[0])
					_, e := r.span(c.Args[len(c.Args)-1])
					allowed = append(allowed, [2]int{s, e})
				}
			}
		case *syntax.Assign:
			if n.Name != nil && vars[n.Name.Value] && !assigns[n] {
				r.s.refuse(r.line(n), codeArch, "$%s holds the architecture from dpkg --print-architecture and is set again here; convert by hand with apk --print-arch", n.Name.Value)
			}
		}
		return true
	})
	syntax.Walk(r.sh.File, func(n syntax.Node) bool {
		pe, ok := n.(*syntax.ParamExp)
		if !ok || pe.Param == nil || !vars[pe.Param.Value] {
			return true
		}
		s, e := r.span(pe)
		inside := func(a [2]int) bool { return s >= a[0] && e <= a[1] }
		if !slices.ContainsFunc(allowed, inside) || slices.ContainsFunc(captured, inside) && !r.caseWordRead(s, e, cases) {
			r.s.refuse(r.line(pe), codeArch, "$%s holds Debian's name of the architecture (dpkg --print-architecture) and is used here, where Alpine's names (x86_64, aarch64, ...) would change what it does, e.g. a download URL that names Debian's architectures; convert by hand, mapping the names in a case statement", pe.Param.Value)
		}
		return true
	})
	if r.s.refused() {
		return nil
	}
	for _, cc := range cases {
		if !r.archPatterns(cc) {
			return nil
		}
	}
	for _, st := range substs {
		s, e := r.span(st)
		r.edits = append(r.edits, transform.Edit{Start: s, End: e, Text: "apk --print-arch"})
		r.s.changed(r.line(st), codeArch, "%s → apk --print-arch (Alpine's name of the architecture; the case patterns that read it are mapped)", r.s.doc.Src[s:e])
	}
	return handled
}

// archParam reports whether w is only $V, ${V} or ${V##*-} of one of vars,
// quoted or not: ${V##*-} strips a Debian prefix (musl-linux-) that apk's
// names never have.
func archParam(w *syntax.Word, vars map[string]bool) bool {
	if w == nil || len(w.Parts) != 1 {
		return false
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part = dq.Parts[0]
	}
	pe, ok := part.(*syntax.ParamExp)
	if !ok || pe.Param == nil || !vars[pe.Param.Value] || pe.Excl || pe.Length || pe.Width || pe.Index != nil || pe.Slice != nil || pe.Repl != nil || pe.Names != 0 {
		return false
	}
	if pe.Exp == nil {
		return true
	}
	v, _ := shellx.WordLit(pe.Exp.Word)
	return pe.Exp.Op == syntax.RemLargePrefix && v == "*-"
}

// toStderrOnly reports whether st writes nowhere but the build log: no
// redirection, or only >&2.
func toStderrOnly(st *syntax.Stmt) bool {
	for _, rd := range st.Redirs {
		v, _ := shellx.WordLit(rd.Word)
		if rd.Op != syntax.DplOut || v != "2" {
			return false
		}
	}
	return true
}

// archPatterns maps the patterns of a case statement on the architecture
// to Alpine's names, or refuses: each must be a Debian architecture name
// or *. It also checks, arm by arm, the URLs the RUN downloads with the
// values the arm sets: the glibc check (glibcDownload) expands a variable
// with its last value only, which misses the amd64 arm's download.
func (r *runConv) archPatterns(cc *syntax.CaseClause) bool {
	var from, to, dead []string
	for _, item := range cc.Items {
		arm := map[string]string{}
		for _, st := range item.Stmts {
			if c, ok := st.Cmd.(*syntax.CallExpr); ok && len(c.Args) == 0 {
				for _, a := range c.Assigns {
					if v, ok := shellx.WordLit(a.Value); ok && a.Name != nil {
						arm[a.Name.Value] = v
					}
				}
			}
		}
		runs := false
		for _, p := range item.Patterns {
			name, ok := shellx.WordLit(p)
			switch {
			case ok && name == "*":
				runs = true
			case ok && debianArchToAlpine[name] != "":
				s, e := r.span(p)
				alp := debianArchToAlpine[name]
				if alp != name {
					r.edits = append(r.edits, transform.Edit{Start: s, End: e, Text: strings.Replace(string(r.s.doc.Src[s:e]), name, alp, 1)})
				}
				from, to, runs = append(from, name), append(to, alp), true
			case ok && debianArchOnly[name]:
				dead = append(dead, name)
			default:
				r.s.refuse(r.line(p), codeArch, "the case pattern %s is not a Debian architecture name that docklean can map to Alpine's; convert by hand with apk --print-arch", r.raw(p))
				return false
			}
		}
		if !runs || len(arm) == 0 {
			continue
		}
		text := stages.ArgRef.ReplaceAllStringFunc(r.sh.Text, func(m string) string {
			sub := stages.ArgRef.FindStringSubmatch(m)
			if v, ok := arm[sub[1]+sub[3]]; ok {
				return v
			}
			return m
		})
		for _, u := range urlText.FindAllString(r.s.expandVars(text), -1) {
			if f := glibcDownloadURL(strings.TrimRight(u, ".,")); f != "" {
				r.s.refuse(r.line(item.Patterns[0]), codeGlibc, "on %s, it downloads %s (a %s, most likely linked against glibc), which will not run on musl; keep the stage on Debian, or use the project's musl or static build", r.raw(item.Patterns[0]), u, f)
				return false
			}
		}
	}
	if len(from) > 0 {
		why := "apk's names of the same platforms"
		if slices.Contains(from, "armhf") {
			why += " (Debian's armhf is ARMv7, Alpine's armv7; Alpine's armhf is ARMv6)"
		}
		r.s.changed(r.line(cc), codeArch, "case patterns %s → %s: %s", strings.Join(from, ", "), strings.Join(to, ", "), why)
	}
	if len(dead) > 0 {
		r.s.changed(r.line(cc), codeArch, "case patterns %s kept: Alpine has no such architecture, so those arms no longer run", strings.Join(dead, ", "))
	}
	return true
}

// caseWordRead reports whether the span s..e lies in the word of one of
// the case statements.
func (r *runConv) caseWordRead(s, e int, cases []*syntax.CaseClause) bool {
	for _, cc := range cases {
		if ws, we := r.span(cc.Word); s >= ws && e <= we {
			return true
		}
	}
	return false
}
