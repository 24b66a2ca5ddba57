// Package runmerge is the run-merge pass: it merges consecutive RUN
// instructions when that keeps what each did (see its Pass.Doc).
package runmerge

import (
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/edit"
	"github.com/docklean/docklean/internal/passname"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// Pass merges consecutive RUN instructions (see its Doc).
var Pass = &transform.Pass{
	Name: passname.RunMerge,
	// alpine and slim decide RUN by RUN (and slim adds an install RUN):
	// merged after them, their output is merged too.
	After: []string{passname.Alpine, passname.Slim},
	Doc: `merge consecutive RUN instructions of a stage into one, keeping meaning
Consecutive shell-form RUNs of a stage (only blank lines between them) become
one RUN joined with "&&" continuation lines in the file's own indent and
style. A RUN that would leak shell state into the next command (cd, export,
set, source, umask, exec, exit, variables, functions) or whose text is a
";"/"||" list is isolated in a subshell "( … )". It refuses to merge across
a comment line, different flags (--mount, --network, --security), exec form,
heredocs, a shell comment inside the RUN, a background process or daemon,
and anything that would need a subshell while errexit (set -e, SHELL -e) is
on, since the shell ignores -e inside an && list. Stages with a non-POSIX
SHELL are left alone.`,
	URL: "docs/run-merge.md",
	Rules: []transform.Rule{
		{Code: codeMerged, Summary: "consecutive RUN instructions were merged into one"},
		{Code: codeLayers, Summary: "how many RUN instructions and layers a stage has before and after merging"},
		{Code: codeNonPosix, Summary: "the stage's SHELL is not a POSIX shell, so its RUNs are not merged"},
		{Code: codeExecForm, Summary: "a RUN in exec form is not merged"},
		{Code: codeHeredoc, Summary: "a RUN with a heredoc is not merged"},
		{Code: codeUnparsed, Summary: "a RUN whose shell text does not parse is not merged"},
		{Code: codeDashCommand, Summary: "a RUN with a command whose name starts with \"-\" is not merged"},
		{Code: codeComment, Summary: "a comment (between the RUNs, inside or after one) would be misplaced by merging"},
		{Code: codeFlags, Summary: "RUNs with different flags (--mount, --network, --security) are not merged"},
		{Code: codeShellChange, Summary: "a RUN changes the shell later RUNs run under"},
		{Code: codeBackground, Summary: "a RUN starts a process that keeps running while the next command runs"},
		{Code: codeErrexit, Summary: "merging would put set -e where the shell ignores it"},
		{Code: codeMergeUnparsed, Summary: "the merged shell text would not parse (a bug)"},
	},
	Run: func(u *transform.Unit) error { runMerge(u); return nil },
}

// The codes run-merge reports (docs/run-merge.md, section Codes).
const (
	codeMerged        transform.Code = "run-merge/merged"
	codeLayers        transform.Code = "run-merge/layers"
	codeNonPosix      transform.Code = "run-merge/non-posix-shell"
	codeExecForm      transform.Code = "run-merge/exec-form"
	codeHeredoc       transform.Code = "run-merge/heredoc"
	codeUnparsed      transform.Code = "run-merge/unparsed"
	codeDashCommand   transform.Code = "run-merge/dash-command"
	codeComment       transform.Code = "run-merge/comment"
	codeFlags         transform.Code = "run-merge/flags"
	codeShellChange   transform.Code = "run-merge/shell-change"
	codeBackground    transform.Code = "run-merge/background"
	codeErrexit       transform.Code = "run-merge/errexit"
	codeMergeUnparsed transform.Code = "run-merge/merge-unparsed"
)

// reason says why two RUNs are not merged; the zero reason says nothing
// stops them.
type reason struct {
	code transform.Code
	msg  transform.Msg
}

// because returns the reason with code and the message of format and args.
func because(code transform.Code, format string, args ...any) reason {
	return reason{code, transform.Msgf(format, args...)}
}

// none reports whether r is the zero reason.
func (r reason) none() bool { return r.code == "" }

// mergeRun is one RUN of a merge group with what run-merge knows about it.
type mergeRun struct {
	in       *parser.Instruction
	list     bool   // not a single "&&" chain: a ";" list, "||", "!" or "&"
	state    string // a command that changes shell state, "" if none
	errexit  bool   // sets -e, maybe inside a subshell or compound command
	compound bool   // a leaf of its && chain is not a simple command
	daemon   string // starts something that outlives its command, "" if none
	shell    string // how it changes the shell later RUNs run under, "" if it does not
}

func runMerge(u *transform.Unit) {
	style := shellx.StyleOf(u.Doc)
	for _, st := range u.Doc.Stages {
		mergeStage(u, st, style)
	}
}

func mergeStage(u *transform.Unit, st *parser.Stage, style shellx.JoinStyle) {
	doc := u.Doc
	var groups [][]*mergeRun
	var cur []*mergeRun
	flush := func() {
		if len(cur) > 1 {
			groups = append(groups, cur)
		}
		cur = nil
	}
	var prevIn *parser.Instruction
	var prevWhy reason // why the previous RUN cannot take part in a merge
	for _, in := range st.Instructions {
		prev := prevIn
		prevIn = in
		if in.Keyword != "run" {
			flush()
			prevWhy = reason{}
			continue
		}
		afterRun := prev != nil && prev.Keyword == "run"
		if !shellx.PosixShellAt(doc, in) {
			if afterRun {
				u.Begin().Note(in.StartLine, codeNonPosix, "RUN not merged: the stage's SHELL (%s) is not a POSIX shell", shellName(doc, in))
			}
			flush()
			prevWhy = because(codeNonPosix, "the stage's SHELL is not a POSIX shell")
			continue
		}
		r, why := inspectRun(doc, in)
		if afterRun {
			r := why
			if r.none() {
				r = prevWhy
			}
			if r.none() {
				r = joinRefusal(doc, cur[len(cur)-1], in)
			}
			if !r.none() {
				u.Begin().Refuse(in.StartLine, r.code, "not merged with the RUN at %v: %v", transform.Line(prev.StartLine), r.msg)
				flush()
			}
		} else {
			flush()
		}
		prevWhy = why
		if r != nil {
			cur = append(cur, r)
		}
	}
	flush()
	if len(groups) == 0 {
		return
	}
	runsBefore, layersBefore := layerCount(st)
	merged := 0
	var last *transform.Tx // the last merge that lands, which reports the stage's counts
	for _, g := range groups {
		tx := u.Begin()
		edits := mergeEdits(doc, g, style)
		if wrapsAny(g) && !mergedParses(doc, g, edits) {
			tx.Refuse(g[0].in.StartLine, codeMergeUnparsed, "RUNs not merged: the merged shell text would not parse (please report this file)")
			continue
		}
		tx.Apply(edits)
		var lines, isolated transform.Lines
		for i, r := range g {
			lines = append(lines, r.in.StartLine)
			if wraps(r, i == len(g)-1) {
				isolated = append(isolated, r.in.StartLine)
			}
		}
		format, args := "merged %d RUNs (%v) into one", []any{len(g), lines}
		if len(isolated) > 0 {
			format += "; %v kept apart in a subshell ( … ) so shell state and failure handling stay as they were"
			args = append(args, isolated)
		}
		tx.Changed(g[0].in.StartLine, codeMerged, format, args...)
		merged += len(g) - 1
		last = tx
	}
	if last != nil {
		// An ignore comment blocks every merge of the stage, and the
		// counts with them.
		last.Note(st.From.StartLine, codeLayers, "stage %s: RUN instructions %d → %d, layers %d → %d",
			stages.StageLabel(st), runsBefore, runsBefore-merged, layersBefore, layersBefore-merged)
	}
}

// dashCommand reports whether a command of f has a name that starts with
// "-" (no real program does).
func dashCommand(f *syntax.File) bool {
	found := false
	parser.Walk(f, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 {
			if p, ok := c.Args[0].Parts[0].(*syntax.Lit); ok && strings.HasPrefix(p.Value, "-") {
				found = true
			}
		}
		return !found
	})
	return found
}

// inspectRun returns what run-merge needs to know about in, or a reason it
// cannot take part in a merge at all.
func inspectRun(doc *parser.Document, in *parser.Instruction) (*mergeRun, reason) {
	at := transform.Line(in.StartLine)
	switch {
	case in.JSON:
		return nil, because(codeExecForm, "the RUN at %v is in exec form", at)
	case len(in.Heredocs) > 0:
		return nil, because(codeHeredoc, "the RUN at %v uses a heredoc", at)
	case in.Shell == nil || in.Shell.Err != nil || !in.Shell.Mapped():
		return nil, because(codeUnparsed, "the shell text of the RUN at %v does not parse", at)
	case dashCommand(in.Shell.File):
		// Passes that delete commands refuse where a RUN would be left
		// starting with "-"; merged behind another RUN, it would not, and
		// a second run of docklean would do what the first refused.
		return nil, because(codeDashCommand, "the RUN at %v runs a command whose name starts with \"-\", which could be left first and read as a flag of RUN", at)
	}
	sh := in.Shell
	_, e := sh.Range(0, len(sh.Text))
	if strings.TrimSpace(string(doc.Src[e:in.End])) != "" {
		return nil, because(codeComment, "the RUN at %v ends with comment lines", at)
	}
	f := sh.File
	r := &mergeRun{in: in}
	parser.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			if n.Background || n.Coprocess || n.Disown {
				r.daemon = "&"
			}
		case *syntax.CallExpr:
			args, _ := shellx.CallArgs(n)
			if len(args) > 0 && isDaemon(args) && r.daemon == "" {
				r.daemon = args[0]
			}
		}
		return true
	})
	if sh.Comment {
		return nil, because(codeComment, "the RUN at %v has a shell comment (#) that merging would misplace", at)
	}
	r.list = len(f.Stmts) != 1 || f.Stmts[0].Semicolon.IsValid() || f.Stmts[0].Negated
	if !r.list {
		for _, l := range shellx.AndLeaves(f.Stmts[0]) {
			if b, ok := l.Cmd.(*syntax.BinaryCmd); ok && b.Op == syntax.OrStmt {
				r.list = true
			}
			if !shellx.SimpleCmd(l) || l.Negated {
				r.compound = true
			}
		}
	}
	r.state, r.errexit = shellState(f), shellx.SetsErrexit(f)
	r.shell = shellChange(f)
	return r, reason{}
}

// joinRefusal says why in cannot be appended to a group ending with prev,
// which would stop being the group's last RUN, or returns the zero reason
// when it can.
func joinRefusal(doc *parser.Document, prev *mergeRun, in *parser.Instruction) reason {
	at := transform.Line(prev.in.StartLine)
	between := string(doc.Src[prev.in.End:in.Start])
	for _, l := range strings.Split(between, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			return because(codeComment, "a comment sits between them (move it above the first RUN to merge them)")
		}
	}
	if !slices.Equal(prev.in.Flags, in.Flags) {
		return because(codeFlags, "their flags differ (%s / %s)", flagText(prev.in.Flags), flagText(in.Flags))
	}
	if prev.shell != "" {
		return because(codeShellChange, "%v changes the shell later RUNs run under (%s); merged, the next commands would still run in the shell that was already running", at, prev.shell)
	}
	if prev.daemon != "" {
		return because(codeBackground, "%v starts a process in the background (%s) that would keep running while the next command runs", at, prev.daemon)
	}
	if wraps(prev, false) {
		if prev.errexit {
			return because(codeErrexit, "%v sets -e, which the shell ignores inside a subshell that is part of an && list", at)
		}
		if shellx.Errexit(shellx.ShellAt(doc, in)) {
			return because(codeErrexit, "the SHELL sets -e, which the shell ignores inside a subshell that is part of an && list")
		}
	}
	if prev.compound && prev.errexit {
		return because(codeErrexit, "%v sets -e inside a compound command or subshell, which the shell ignores there once it is part of an && list", at)
	}
	if prev.compound && shellx.Errexit(shellx.ShellAt(doc, in)) {
		return because(codeErrexit, "the SHELL sets -e, which the shell ignores in the compound commands of %v once they are part of an && list", at)
	}
	return reason{}
}

// wraps reports whether r must be isolated in a subshell: its text is not a
// plain && chain, or it changes shell state and another command follows.
func wraps(r *mergeRun, last bool) bool {
	return r.list || !last && r.state != ""
}

// mergeEdits joins the RUNs of g into the first one.
func mergeEdits(doc *parser.Document, g []*mergeRun, style shellx.JoinStyle) []transform.Edit {
	var edits []transform.Edit
	prevEnd, prevClose := 0, ""
	for i, r := range g {
		s, e := r.in.Shell.Range(0, len(r.in.Shell.Text))
		open, closing := "", ""
		if wraps(r, i == len(g)-1) {
			open, closing = "( ", " )"
		}
		if i == 0 {
			if open != "" {
				edits = append(edits, transform.Edit{Start: s, End: s, Text: open})
			}
		} else {
			edits = append(edits, transform.Edit{Start: prevEnd, End: s, Text: prevClose + style.Join(doc, r.in, open)})
		}
		prevEnd, prevClose = e, closing
	}
	if prevClose != "" {
		edits = append(edits, transform.Edit{Start: prevEnd, End: prevEnd, Text: prevClose})
	}
	return edits
}

// wrapsAny reports whether mergeEdits puts a RUN of g in a subshell: RUNs
// that each parse, joined by &&, parse too (a RUN ending in a comment never
// joins), so only groups with a ( … ) need mergedParses.
func wrapsAny(g []*mergeRun) bool {
	for i, r := range g {
		if wraps(r, i == len(g)-1) {
			return true
		}
	}
	return false
}

// mergedParses reports whether the RUN that edits make of g parses as
// shell, by parsing that RUN alone the way the pipeline will parse the file:
// mvdan.cc/sh, like some shells, reads a few odd words differently inside
// ( … ) than at top level.
func mergedParses(doc *parser.Document, g []*mergeRun, edits []transform.Edit) bool {
	start, end := g[0].in.Start, g[len(g)-1].in.End
	local := make([]transform.Edit, len(edits))
	for i, e := range edits {
		local[i] = transform.Edit{Start: e.Start - start, End: e.End - start, Text: e.Text}
	}
	run, err := edit.Apply(doc.Src[start:end], local)
	if err != nil {
		return false
	}
	head := "FROM scratch\n"
	if doc.Escape != '\\' {
		head = "# escape=" + string(doc.Escape) + "\n" + head
	}
	d, err := parser.Parse(append([]byte(head), run...))
	if err != nil {
		return false
	}
	sh := d.Instructions[len(d.Instructions)-1].Shell
	return sh != nil && sh.Err == nil
}

// statefulCmds are the commands whose effect on the shell (not the file
// system) would carry into the next command of a merged RUN.
var statefulCmds = map[string]bool{
	"cd": true, "pushd": true, "popd": true, "export": true, "unset": true,
	"set": true, "source": true, ".": true, "umask": true, "ulimit": true,
	"exec": true, "exit": true, "return": true, "eval": true, "alias": true,
	"unalias": true, "shopt": true, "trap": true, "shift": true, "hash": true,
	"enable": true, "read": true,
	"readarray": true, "mapfile": true, "getopts": true, "let": true,
	"declare": true, "typeset": true, "local": true, "readonly": true,
}

// shellFuncs are environment managers that are shell functions: these
// subcommands (any, when none are listed) change the shell's PATH and
// variables for the commands after them.
var shellFuncs = map[string][]string{
	"conda": {"activate", "deactivate"}, "mamba": {"activate", "deactivate"}, "micromamba": {"activate", "deactivate"},
	"nvm": {"use", "deactivate", "unload"}, "rvm": {"use"}, "pyenv": {"shell", "activate", "deactivate"},
	"rbenv": {"shell"}, "sdk": {"use"}, "deactivate": nil, "workon": nil,
}

// shellState returns the first command in f (outside subshells) that changes
// shell state.
func shellState(f *syntax.File) (state string) {
	note := func(s string) {
		if state == "" {
			state = s
		}
	}
	parser.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Subshell, *syntax.CmdSubst, *syntax.ProcSubst:
			return false
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				note("a variable assignment")
				return true
			}
			name, ok := shellx.WordLit(n.Args[0])
			if (name == "command" || name == "builtin") && len(n.Args) > 1 {
				name, ok = shellx.WordLit(n.Args[1]) // command cd, builtin export
			}
			if !ok {
				note("a command named by a variable")
			} else if statefulCmds[name] {
				note(name)
			} else if subs, fn := shellFuncs[name]; fn {
				if args, _ := shellx.CallArgs(n); len(subs) == 0 || len(args) > 1 && slices.Contains(subs, args[1]) {
					note(strings.Join(args[:min(2, len(args))], " "))
				}
			}
		case *syntax.DeclClause:
			note(n.Variant.Value)
		case *syntax.FuncDecl:
			note("a function definition")
		case *syntax.ForClause:
			note("a for loop variable")
		case *syntax.ArithmCmd, *syntax.LetClause:
			note("an arithmetic assignment")
		}
		return true
	})
	return state
}

// isDaemon reports whether a command starts a process that outlives it.
func isDaemon(args []string) bool {
	switch args[0] {
	case "nohup", "setsid", "start-stop-daemon", "daemonize", "disown":
		return true
	case "service", "rc-service":
		return len(args) > 2 && (args[2] == "start" || args[2] == "restart")
	}
	return strings.HasPrefix(args[0], "/etc/init.d/") && len(args) > 1 && (args[1] == "start" || args[1] == "restart")
}

func layerCount(st *parser.Stage) (runs, layers int) {
	for _, in := range st.Instructions {
		switch in.Keyword {
		case "run":
			runs++
			layers++
		case "copy", "add":
			layers++
		}
	}
	return runs, layers
}

func shellName(doc *parser.Document, in *parser.Instruction) string {
	if sh := shellx.ShellAt(doc, in); sh != nil {
		return sh[0]
	}
	return "cmd, Windows image"
}

func flagText(flags []string) string {
	if len(flags) == 0 {
		return "none"
	}
	return strings.Join(flags, " ")
}
