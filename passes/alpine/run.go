package alpine

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// debianEnv are variables that only mean something to apt and debconf.
var debianEnv = map[string]bool{"DEBIAN_FRONTEND": true, "DEBCONF_NONINTERACTIVE_SEEN": true, "APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE": true}

// pkgVar is an ARG, ENV or shell variable whose value may be a package list.
type pkgVar struct {
	value      string
	start, end int  // file span of the value, inside its quotes
	bare       bool // written without quotes
	line       int
	env        bool // ENV (inherited by child stages)
	rewritten  bool
}

// legacyEnvValue is the offset in text of the value of ENV NAME value
// (the legacy form without =), or -1: its URL or package list counts as
// much as NAME=value's (delegated's ENV DG_URL http://… was missed).
func legacyEnvValue(text, name, raw string) int {
	k := strings.Index(text, name)
	if k < 0 {
		return -1
	}
	after := k + len(name)
	v := strings.Index(text[after:], raw)
	if v < 0 || strings.TrimSpace(text[after:after+v]) != "" {
		return -1
	}
	return after + v
}

// envArg drops Debian-only variables and records defaults that may hold
// package lists.
func (s *alpineStage) envArg(in *parser.Instruction) {
	text := s.doc.Text(in)
	type kv struct{ k, raw string }
	var kvs []kv
	if in.Keyword == "arg" {
		for _, a := range in.Args {
			k, v, _ := strings.Cut(a, "=")
			kvs = append(kvs, kv{k, v})
		}
	} else {
		for i := 0; i+1 < len(in.Args); i += 3 { // key, value, separator
			kvs = append(kvs, kv{in.Args[i], in.Args[i+1]})
		}
	}
	var drop []int
	for _, p := range kvs {
		if debianEnv[p.k] {
			drop = append(drop, keyIndex(text, p.k))
			continue
		}
		if p.raw == "" {
			continue
		}
		var v *pkgVar
		if i := strings.Index(text, p.k+"="+p.raw); i >= 0 {
			start := in.Start + i + len(p.k) + 1
			v = &pkgVar{value: stages.Unquote(p.raw), start: start, end: start + len(p.raw), line: in.StartLine, env: in.Keyword == "env", bare: true}
			if v.value != p.raw {
				v.start, v.end, v.bare = start+1, v.end-1, false
			}
		} else if i := legacyEnvValue(text, p.k, p.raw); in.Keyword == "env" && len(kvs) == 1 && i >= 0 && !strings.ContainsAny(p.raw, "\"'") {
			// the rest of the line is the value: written as it is, spaces and all
			v = &pkgVar{value: p.raw, start: in.Start + i, end: in.Start + i + len(p.raw), line: in.StartLine, env: true}
		} else {
			continue
		}
		s.vars[p.k] = v
	}
	if len(drop) == 0 {
		return
	}
	if len(drop) == len(kvs) {
		s.edits = append(s.edits, deleteLines(s.doc, in.StartLine, in.EndLine))
		s.changed(in.StartLine, codePkgManager, "%s %s removed (apk never prompts)", upper(in.Keyword), kvs[0].k)
		return
	}
	var edits []transform.Edit
	var msgs []rebase.AlpineMsg
	var spans [][2]int // the dropped pairs, in text
	for _, i := range drop {
		if i < 0 {
			s.refuse(in.StartLine, codePkgManager, "docklean could not find the Debian-only variable in this %s", upper(in.Keyword))
			return
		}
		j := i
		for j < len(text) && !strings.ContainsRune(" \t\r\n", rune(text[j])) && !continues(text[j:], s.doc.Escape) {
			j++
		}
		// Where the content before the pair ends, across continuations and
		// the pairs dropped before it: a last pair alone on its line goes
		// with the " \" before it.
		prev := i
		for {
			for prev > 0 && strings.ContainsRune(" \t\r\n", rune(text[prev-1])) {
				prev--
			}
			if prev > 0 && text[prev-1] == s.doc.Escape && continues(text[prev-1:], s.doc.Escape) {
				prev--
				continue
			}
			if k := slices.IndexFunc(spans, func(sp [2]int) bool { return sp[1] == prev }); k >= 0 {
				prev = spans[k][0]
				continue
			}
			break
		}
		spans = append(spans, [2]int{i, j})
		e := deleteSpan(s.doc, in.Start+i, in.Start+j, in.Start+prev)
		if rest := strings.TrimSpace(s.doc.Line(s.doc.LineOf(in.Start + j))[in.Start+j-s.doc.LineStart(s.doc.LineOf(in.Start+j)):]); rest == string(s.doc.Escape) && e.End == in.Start+j {
			// "ENV DEBIAN_FRONTEND=x " + "    TZ=UTC": join the next pair
			k := in.Start + j
			for k < in.End && strings.ContainsRune(" \t\r\n"+string(s.doc.Escape), rune(s.doc.Src[k])) {
				k++
			}
			if k < in.End && s.doc.Src[k] != '#' { // not across a comment line, which would join this one
				e = transform.Edit{Start: in.Start + i, End: k, Text: ""}
			}
		}
		// adjacent pairs: one deletion covers them all
		for n := len(edits); n > 0 && e.Start <= edits[n-1].End; n-- {
			e = transform.Edit{Start: min(e.Start, edits[n-1].Start), End: max(e.End, edits[n-1].End), Text: ""}
			edits = edits[:n-1]
		}
		edits = append(edits, e)
		msgs = append(msgs, rebase.AlpineMsg{Line: s.doc.LineOf(in.Start + i), Msg: fmt.Sprintf("%s removed from %s (apk never prompts)", text[i:j], upper(in.Keyword))})
	}
	if why := layoutBroken(s.doc, in, edits); why != "" {
		name, _, _ := strings.Cut(text[drop[0]:], "=")
		s.refuse(in.StartLine, codePkgManager, "removing %s from this %s: %s; remove it by hand", strings.Fields(name)[0], upper(in.Keyword), strings.Replace(why, "the RUN", "it", 1))
		return
	}
	s.edits = append(s.edits, edits...)
	for _, m := range msgs {
		s.changed(m.Line, codePkgManager, "%s", m.Msg)
	}
}

// keyIndex returns the offset in text, an ARG or ENV instruction, of the
// variable name key where it starts a pair (followed by "=", a blank or
// the end), outside quotes; -1 if there is none.
func keyIndex(text, key string) int {
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote == 0 && c == '#' && i > 0 && strings.TrimLeft(text[strings.LastIndexByte(text[:i], '\n')+1:i], " \t") == "" && strings.Contains(text[:i], "\n"):
			// a comment line inside the instruction: skip it
			if nl := strings.IndexByte(text[i:], '\n'); nl >= 0 {
				i += nl
			} else {
				i = len(text)
			}
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case strings.HasPrefix(text[i:], key) && i > 0 && strings.ContainsRune(" \t\r\n", rune(text[i-1])):
			if rest := text[i+len(key):]; rest == "" || strings.ContainsRune("= \t\r\n", rune(rest[0])) {
				return i
			}
		}
	}
	return -1
}

// continues reports whether text starts with a line continuation: the
// escape token, then nothing but blanks to the end of the line.
func continues(text string, esc byte) bool {
	if text == "" || text[0] != esc {
		return false
	}
	line, _, _ := strings.Cut(text[1:], "\n")
	return strings.TrimSpace(line) == ""
}

// runConv converts one shell-form RUN.
type runConv struct {
	s      *alpineStage
	in     *parser.Instruction
	sh     *parser.Shell
	edits  []transform.Edit
	del    map[*syntax.Stmt]string // statements to remove, with the reason
	done   map[*syntax.Word]bool   // words handled by a translation
	adds   []*apkAdd
	locals map[string]*pkgVar
	top    map[*syntax.Stmt]bool // see topLevel
	// line0 and prog are the line and program of the user command being
	// translated (user.go).
	line0 int
	prog  string
	gone  bool                      // finish removes the whole RUN
	arch  map[*syntax.CallExpr]bool // dpkg --print-architecture commands printArch rewrites
	mark  *aptMarkPlan              // the apt-mark build-dependency pattern (aptmark.go), or nil
}

// topLevel reports whether st runs whenever the RUN succeeds: it starts a
// top-level statement, or it is in the && chain of the last one (where a
// failing command before it fails the RUN). In "[ -n "$X" ] && cmd; next",
// cmd may not run at all. The set is built once per RUN; a RUN may have
// thousands of commands.
func (r *runConv) topLevel(st *syntax.Stmt) bool {
	if r.top == nil {
		r.top = map[*syntax.Stmt]bool{}
		stmts := r.sh.File.Stmts
		for i, t := range stmts {
			leaves := shellx.FlattenList([]*syntax.Stmt{t})
			if i < len(stmts)-1 {
				leaves = leaves[:1]
			}
			for _, l := range leaves {
				r.top[l] = true
			}
		}
	}
	return r.top[st]
}

func (s *alpineStage) run(in *parser.Instruction) {
	if in.Shell == nil || len(in.Heredocs) > 0 && (in.Shell.Err != nil || !in.Shell.Mapped()) {
		s.opaqueRun(in)
		return
	}
	if in.Shell.Err != nil || !in.Shell.Mapped() {
		if pmWord.MatchString(s.doc.Text(in)) {
			s.refuse(in.StartLine, codePkgManager, "this RUN runs a package manager but is not shell docklean can parse")
		}
		return
	}
	for _, f := range in.Flags {
		if strings.HasPrefix(f, "--mount=") && strings.Contains(f, "type=cache") && (strings.Contains(f, "/var/cache/apt") || strings.Contains(f, "/var/lib/apt")) {
			s.refuse(in.StartLine, codePkgManager, "the RUN mounts an apt cache (%s); drop the mount or convert by hand", f)
		}
	}
	if code, m := s.marker(in.Shell.Text); m != "" {
		s.refuse(in.StartLine, code, "%s", m)
		return
	}
	r := &runConv{s: s, in: in, sh: in.Shell, del: map[*syntax.Stmt]string{}, done: map[*syntax.Word]bool{}, locals: map[string]*pkgVar{}}
	r.arch = r.printArch()
	r.mark = s.aptMarkOf(in)
	piped := map[*syntax.Stmt]bool{}
	parser.Walk(r.sh.File, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.BinaryCmd:
			markPiped(n, piped)
		case *syntax.Stmt:
			if r.mark != nil && r.mark.skip[n] {
				return false // planned by aptMark
			}
			if printsText(n, piped) {
				// echo "remember: apt-get install -y vim": text, not a
				// command; never edited (a command substitution in it is
				// still walked)
				for _, w := range n.Cmd.(*syntax.CallExpr).Args {
					r.done[w] = true
				}
				break
			}
			switch c := n.Cmd.(type) {
			case *syntax.CallExpr:
				r.call(n, c)
			case *syntax.DeclClause:
				r.decl(n, c)
			}
		case *syntax.TestClause:
			r.bash(n, "uses [[ ]], a bash test")
		case *syntax.ArrayExpr:
			r.bash(n, "uses a bash array")
		case *syntax.ProcSubst:
			r.bash(n, "uses bash process substitution")
		case *syntax.Word:
			if r.done[n] {
				break
			}
			if v, ok := shellx.WordLit(n); ok && isPackageManager(v) || pmWord.MatchString(r.raw(n)) {
				r.s.refuse(r.line(n), codePkgManager, "%s runs a package manager in a way docklean cannot translate", r.raw(n))
			}
		}
		return true
	})
	if r.mark != nil && !s.refused() {
		r.mark.apply(r)
	}
	if s.refused() {
		return
	}
	r.finish()
	if len(in.Heredocs) > 0 && !r.gone {
		s.runsBash(in, "") // RUN bash <<EOF, or a #!/bin/bash body: bash runs the script
	}
}

func (r *runConv) line(n syntax.Node) int {
	start, _ := r.sh.Span(n)
	return r.s.doc.LineOf(start)
}

func (r *runConv) span(n syntax.Node) (int, int) { return r.sh.Span(n) }

// bash records that the RUN needs bash from node n on; what completes
// "the RUN on line N ...".
func (r *runConv) bash(n syntax.Node, what string) {
	start, _ := r.span(n)
	r.s.need("bash", start, codeShell, "the RUN on %v %s", transform.Line(r.in.StartLine), what)
}

// decl handles export/declare statements: export DEBIAN_FRONTEND=... goes.
func (r *runConv) decl(st *syntax.Stmt, d *syntax.DeclClause) {
	if len(d.Args) == 0 {
		return
	}
	for _, a := range d.Args {
		if a.Name == nil || !debianEnv[a.Name.Value] {
			if d.Variant.Value != "export" {
				r.bash(d, "uses "+d.Variant.Value+", a bash builtin")
			}
			return
		}
	}
	r.del[st] = fmt.Sprintf("%s %s removed (apk never prompts)", d.Variant.Value, d.Args[0].Name.Value)
}

// call dispatches one simple command.
func (r *runConv) call(st *syntax.Stmt, c *syntax.CallExpr) {
	if len(c.Args) == 0 {
		for _, a := range c.Assigns {
			if a.Value != nil {
				if v, ok := shellx.WordLit(a.Value); ok {
					start, end := r.span(a.Value)
					bare := true
					if len(a.Value.Parts) == 1 {
						switch a.Value.Parts[0].(type) {
						case *syntax.DblQuoted, *syntax.SglQuoted:
							start, end, bare = start+1, end-1, false
						}
					}
					r.locals[a.Name.Value] = &pkgVar{value: v, start: start, end: end, bare: bare, line: r.line(a)}
				}
			}
		}
		return
	}
	name, ok := shellx.WordLit(c.Args[0])
	if !ok {
		return
	}
	base := path.Base(name)
	r.done[c.Args[0]] = true
	if r.arch[c] {
		return // planned by printArch
	}
	if r.s.family == rebase.FamDebian && r.localeCall(st, c, base) {
		return
	}
	if reason := debianOnly(base, r.s.family); reason != "" {
		r.s.refuse(r.line(c), codeDebianTool, "%s", reason)
		return
	}
	switch base {
	case "apt-get", "apt", "aptitude":
		if r.s.family != rebase.FamDebian {
			r.s.refuse(r.line(c), codePkgManager, "%s in a %s-family stage", base, r.s.family)
			return
		}
		r.pkgCmd(st, c, aptSyntax)
	case "yum", "dnf", "microdnf":
		if r.s.family != rebase.FamFedora {
			r.s.refuse(r.line(c), codePkgManager, "%s in a %s-family stage", base, r.s.family)
			return
		}
		r.pkgCmd(st, c, yumSyntax)
	case "rm":
		r.rm(st, c)
		r.gnu(c)
	case "chown", "chgrp":
		r.ownership(c, base)
		r.gnu(c)
	case "useradd", "groupadd", "usermod", "adduser", "addgroup", "groupmod", "userdel", "groupdel":
		r.user(st, c, base)
	case "pip", "pip3", "python", "python3":
		r.pip(c)
	case "ldconfig":
		switch {
		case r.s.family != rebase.FamDebian:
		case strings.Contains(r.s.doc.Text(r.in), "ld.so.conf"):
			r.s.refuse(r.line(c), codeDebianTool, "the RUN configures the library path through /etc/ld.so.conf, which musl does not read (it reads /etc/ld-musl-x86_64.path); convert by hand")
		case len(c.Args) == 1:
			r.del[st] = "ldconfig removed: musl keeps no ld.so.cache, and Alpine's ldconfig exits 1 without arguments"
		}
	case "bash":
		r.bash(c, "runs bash")
	case "source":
		r.bash(c, "uses source, a bash builtin")
	default:
		if strings.HasPrefix(base, "pip3.") || strings.HasPrefix(base, "python3.") {
			r.pip(c)
		}
		r.gnu(c)
	}
	r.writtenScript(st, c)
}

// finish turns the statements to remove into edits and records the RUN's
// edits in the stage.
func (r *runConv) finish() {
	s := r.s
	for _, a := range r.adds {
		a.emit(r)
	}
	var dels []transform.Edit
	if len(r.del) > 0 {
		leaves := shellx.FlattenAnd(r.sh.File)
		isLeaf := map[*syntax.Stmt]bool{}
		for _, l := range leaves {
			isLeaf[l] = true
		}
		// in source order: the refusal names the first such command
		for _, st := range slices.SortedFunc(maps.Keys(r.del), func(a, b *syntax.Stmt) int {
			return int(a.Pos().Offset()) - int(b.Pos().Offset())
		}) {
			if !isLeaf[st] || st.Background || st.Negated {
				s.refuse(r.line(st), codePkgManager, "a command to remove sits inside a compound command (if, ||, a pipe, a subshell, &); convert by hand")
				return
			}
		}
		for _, l := range leaves {
			if r.del[l] == "" {
				if w, _ := r.span(l); s.doc.Src[w] == '-' {
					s.refuse(r.line(l), codePkgManager, "the RUN would start with %q, which Docker reads as a flag", s.doc.Line(r.line(l)))
					return
				}
				break
			}
		}
		all := true
		for _, l := range leaves {
			all = all && r.del[l] != ""
		}
		if all {
			dels = append(dels, deleteLines(s.doc, r.in.StartLine, r.in.EndLine))
			r.gone = true
		} else {
			var line int
			var why string
			if dels, line, why = shellx.DeleteStmts(s.doc, r.sh, leaves, func(l *syntax.Stmt) bool { return r.del[l] != "" }); why != "" {
				s.refuse(line, codePkgManager, "%s; convert by hand", why)
				return
			}
		}
		for _, l := range leaves {
			if why := r.del[l]; why != "" {
				s.changed(r.line(l), codePkgManager, "%s", why)
			}
		}
	}
	var mine []transform.Edit
	for _, e := range r.edits {
		inside := false
		for _, d := range dels {
			inside = inside || e.Start >= d.Start && e.End <= d.End
		}
		if !inside {
			mine = append(mine, e)
		}
	}
	mine = append(mine, dels...)
	if len(dels) > 0 && (strings.Contains(r.sh.Text, string(s.doc.Escape)+" ") || strings.Contains(r.sh.Text, string(s.doc.Escape)+"\t")) {
		// An escaped blank next to a removed command can become a line
		// continuation or not depending on how the RUN is laid out (one
		// line, or merged by run-merge), so the outcome would not be stable.
		s.refuse(r.in.StartLine, codePkgManager, "the RUN has an escaped blank (%c followed by a space), which removing the apt commands around it could turn into a line continuation; convert by hand", s.doc.Escape)
		return
	}
	mine, why := tidyDeletions(s.doc, r.in, mine)
	if why != "" {
		s.refuse(r.in.StartLine, codePkgManager, "%s once the apt commands are changed; convert by hand", why)
		return
	}
	s.edits = append(s.edits, mine...)
}

// opaqueRun checks an exec-form RUN, or a heredoc RUN that is not a shell
// script (see parser.Instruction.Shell), which docklean does not rewrite.
func (s *alpineStage) opaqueRun(in *parser.Instruction) {
	text := s.doc.Text(in)
	if code, m := s.marker(text); m != "" {
		s.refuse(in.StartLine, code, "%s", m)
		return
	}
	if pmWord.MatchString(text) {
		s.refuse(in.StartLine, codePkgManager, "a package manager runs in an exec-form or heredoc RUN, which docklean does not rewrite; use a shell-form RUN")
		return
	}
	s.runsBash(in, text)
}

// runsBash records bash as needed before in, an exec-form or heredoc RUN,
// when bash is its program: named in its command line, in the #! line
// buildkit runs a heredoc script with, or in a #! line of text (an opaque
// RUN's text; <<- may indent it with tabs).
func (s *alpineStage) runsBash(in *parser.Instruction, text string) {
	if len(in.Args) == 0 {
		return
	}
	cmd := in.JSON && commands.IsBash(in.Args[0]) || !in.JSON && bashWord.MatchString(in.Args[0])
	if sh := in.Shell; sh != nil && len(sh.Shebang) > 0 {
		cmd = cmd || commands.IsBash(sh.Shebang[0]) || len(sh.Shebang) > 1 && path.Base(sh.Shebang[0]) == "env" && sh.Shebang[1] == "bash"
	}
	if cmd || bashShebang.MatchString(text) {
		s.need("bash", in.Start, codeShell, "the RUN on %v runs bash", transform.Line(in.StartLine))
	}
}

var (
	pmWord      = regexp.MustCompile(`(^|[\s"'/;&|])(apt-get|apt|aptitude|dpkg|yum|dnf|microdnf)\s`)
	bashWord    = regexp.MustCompile(`(^|[\s"'/])bash([\s"']|$)`)
	bashShebang = regexp.MustCompile(`(?m)^\t*#!\s*(/usr)?/bin/(env\s+)?bash`)
)

// usesPackageManager returns the line of the first RUN of st that runs a
// package manager, or 0.
func usesPackageManager(doc *parser.Document, st *parser.Stage) int {
	for _, in := range st.Instructions {
		if in.Keyword != "run" {
			continue
		}
		if sh := in.Shell; sh != nil && sh.File != nil && sh.Err == nil && len(in.Heredocs) == 0 {
			if runsPackageManager(sh) {
				return in.StartLine
			}
			continue
		}
		if pmWord.MatchString(doc.Text(in)) {
			return in.StartLine
		}
	}
	return 0
}

// runsPackageManager reports whether a parsed RUN runs a package manager:
// as a command, or in text that may be run (sh -c '…'); not in the text
// an echo or printf prints to the build log.
func runsPackageManager(sh *parser.Shell) bool {
	piped := map[*syntax.Stmt]bool{}
	text := map[*syntax.Word]bool{}
	found := false
	parser.Walk(sh.File, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.BinaryCmd:
			markPiped(n, piped)
		case *syntax.Stmt:
			if printsText(n, piped) {
				for _, w := range n.Cmd.(*syntax.CallExpr).Args {
					text[w] = true
				}
			}
		case *syntax.Word:
			if text[n] {
				break
			}
			if v, ok := shellx.WordLit(n); ok && isPackageManager(v) || pmWord.MatchString(sh.Text[n.Pos().Offset():n.End().Offset()]) {
				found = true
			}
		}
		return !found
	})
	return found
}

// isPackageManager reports whether a word names apt-get, yum... (bare or
// by its path).
func isPackageManager(word string) bool {
	name := path.Base(word)
	if word != name && !strings.HasSuffix(path.Dir(word), "bin") {
		return false
	}
	switch name {
	case "apt-get", "apt", "aptitude", "yum", "dnf", "microdnf":
		return true
	}
	return false
}

func usesBash(in *parser.Instruction) bool {
	if len(in.Args) == 0 {
		return false
	}
	if in.JSON {
		return commands.IsBash(in.Args[0]) || in.Args[0] == "/usr/bin/env" && len(in.Args) > 1 && in.Args[1] == "bash"
	}
	return bashWord.MatchString(in.Args[0])
}

func upper(s string) string { return strings.ToUpper(s) }

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}
