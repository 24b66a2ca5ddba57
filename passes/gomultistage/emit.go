package gomultistage

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// edits turns a plan into the stage's edits and reports the change.
func (g *goStage) edits(p *goPlan) ([]transform.Edit, error) {
	doc, from := g.doc, g.st.From
	var edits []transform.Edit
	name := g.st.Name
	if name == "" {
		name = "build"
		for _, n := range []string{"build", "builder", "gobuild"} {
			if name = n; doc.StageByName(n) == nil {
				break
			}
		}
		end := from.End - (len(doc.Text(from)) - len(strings.TrimRight(doc.Text(from), " \t")))
		edits = append(edits, transform.Edit{Start: end, End: end, Text: " AS " + name})
	}
	bin := p.bin
	if !p.cgo && bin.cgo == "" && g.cgoEnv != "0" {
		at, _ := bin.in.Shell.Span(bin.call)
		edits = append(edits, transform.Edit{Start: at, End: at, Text: "CGO_ENABLED=0 "})
		g.tx.Changed(bin.in.StartLine, codeCgoDisabled, "CGO_ENABLED=0 on the go %s so that the binary is static", map[bool]string{true: "install", false: "build"}[bin.install])
	}
	edits = append(edits, p.restruct...)
	if len(p.restruct) > 0 {
		g.tx.Changed(g.whole.StartLine, codeModuleCache, "copies %s and runs go mod download before COPY of the sources, so that the module download stays cached", strings.ReplaceAll(p.modFiles, " ", " and "))
	}
	moved := map[*parser.Instruction]bool{}
	for _, in := range p.moved {
		moved[in] = true
	}
	// Lines of moved instructions, with the comments right above them.
	del := map[int]bool{}
	blocks := map[*parser.Instruction]int{} // first line of the moved block
	prevEnd := 0
	for _, in := range g.st.Instructions {
		if moved[in] {
			first := in.StartLine
			for first-1 > prevEnd && strings.HasPrefix(strings.TrimSpace(doc.Line(first-1)), "#") {
				first--
			}
			blocks[in] = first
			for l := first; l <= in.EndLine; l++ {
				del[l] = true
			}
		}
		prevEnd = in.EndLine
	}
	lines := doc.LineOf(len(doc.Src))
	if strings.HasSuffix(string(doc.Src), "\n") && doc.LineStart(lines) == len(doc.Src) {
		lines--
	}
	blank := func(l int) bool { return strings.TrimSpace(doc.Line(l)) == "" }
	for changed := true; changed; {
		changed = false
		for l := 1; l <= lines; l++ {
			if !del[l] || del[l-1] {
				continue
			}
			prev := l - 1
			next := l
			for next <= lines && del[next] {
				next++
			}
			if prev >= 1 && blank(prev) && (next > lines || blank(next)) {
				del[prev], changed = true, true
			}
		}
	}
	lastKept := 0
	for l := 1; l <= lines; l++ {
		if !del[l] {
			lastKept = l
		}
		if del[l] && !del[l-1] {
			e := l
			for e+1 <= lines && del[e+1] {
				e++
			}
			edits = append(edits, transform.Edit{Start: doc.LineStart(l), End: doc.LineEnd(e), Text: ""})
		}
	}
	rt, err := g.runtimeStage(p, name, blocks)
	if err != nil {
		return nil, err
	}
	eol := doc.EOL
	text := strings.Join(rt, eol)
	switch {
	case lastKept == 0:
		return nil, fmt.Errorf("go-multistage: internal: nothing left of the builder at line %d", from.StartLine)
	case doc.LineEnd(lastKept) == len(doc.Src) && !strings.HasSuffix(string(doc.Src), "\n"):
		text = eol + eol + text // the kept text ends without a line ending
	case !blank(lastKept):
		text = eol + text + eol
	default:
		text += eol
	}
	if !strings.HasSuffix(string(doc.Src), "\n") && strings.HasSuffix(text, eol) {
		text = strings.TrimSuffix(text, eol)
	}
	edits = append(edits, transform.Edit{Start: len(doc.Src), End: len(doc.Src), Text: text})
	what := p.binDest
	if len(p.files) > 0 {
		what += fmt.Sprintf(" and %d runtime file(s)", len(p.files))
	}
	user := ""
	if p.user {
		user = ", running as USER " + nonRootUser
	}
	g.tx.Changed(from.StartLine, codeSplit, "split into builder stage %q and runtime stage FROM %s, which ships %s instead of the Go toolchain%s", name, g.runtimeRef(p), what, user)
	for _, n := range p.notes {
		g.tx.Note(from.StartLine, n.code, "%v", n.msg)
	}
	return edits, nil
}

// runtimeRef is the runtime image: a cgo binary runs on the Alpine release
// of its builder when the builder's tag names one (golang:1.22-alpine3.19),
// so that it finds the musl and libraries it was linked against.
func (g *goStage) runtimeRef(p *goPlan) string {
	if p.runtime == runtimeAlpine && p.cgo {
		if m := alpineRelease.FindStringSubmatch(strings.ToLower(g.st.Base)); m != nil {
			return "alpine:" + m[1]
		}
	}
	return runtimeImage(p.runtime, g.u.Opts)
}

var alpineRelease = regexp.MustCompile(`-alpine(3\.\d+)$`)

func runtimeImage(rt runtime, o *transform.Options) string {
	switch rt {
	case runtimeDistroless:
		return distrolessImage
	case runtimeAlpine:
		return "alpine:" + o.Alpine()
	}
	return "scratch"
}

// runtimeStage returns the lines of the runtime stage.
func (g *goStage) runtimeStage(p *goPlan, build string, blocks map[*parser.Instruction]int) ([]string, error) {
	doc := g.doc
	fromFlags := ""
	if pl := g.st.Platform; pl != "" && !strings.Contains(pl, "BUILDPLATFORM") {
		fromFlags = "--platform=" + pl + " "
	}
	var body []string
	cp := func(flags []string, src, dst string) {
		body = append(body, strings.Join(append(append([]string{"COPY", "--from=" + build}, flags...), src, dst), " "))
	}
	if p.runtime == runtimeAlpine && len(p.apk) > 0 {
		body = append(body, "RUN apk add --no-cache "+strings.Join(p.apk, " "))
	}
	if p.runtime == runtimeScratch {
		cp(nil, "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/")
		if p.tz && slices.Contains(g.pkgs, "tzdata") {
			cp(nil, "/usr/share/zoneinfo", "/usr/share/zoneinfo")
		} else if p.tz {
			cp(nil, "/usr/local/go/lib/time/zoneinfo.zip", "/zoneinfo.zip")
			body = append(body, "ENV ZONEINFO=/zoneinfo.zip")
		}
	}
	if p.passwd {
		cp(nil, "/etc/passwd", "/etc/passwd")
		cp(nil, "/etc/group", "/etc/group")
	}
	rootfs, rootfsName := g.rootfsStage(p, build)
	if rootfs != nil {
		body = append(body, "COPY --from="+rootfsName+" "+rootfsDir+"/ /")
	}
	if p.runtime == runtimeAlpine && p.user {
		body = append(body, alpineUser())
	}
	if wd := g.runtimeWorkdir(p); wd != "" {
		body = append(body, "WORKDIR "+wd)
	}
	for _, f := range p.files {
		cp(f.flags, f.text, f.text)
	}
	cp(nil, p.bin.texts[p.binIdx], p.binDest)
	if p.user {
		body = append(body, "USER "+nonRootUser)
	}
	for _, in := range g.st.Instructions {
		if first, ok := blocks[in]; ok {
			body = append(body, string(doc.Src[doc.LineStart(first):in.End]))
		} else if p.copied[in] {
			body = append(body, runtimeCopy(doc, in))
		}
	}
	for _, l := range body {
		if strings.HasPrefix(l, "COPY") && strings.Count(l, " ") != len(strings.Fields(l))-1 {
			return nil, g.refuse(g.st.From.StartLine, codeRuntimeFiles, "runtime files cannot be determined: a path to copy has white space (%s)", l)
		}
	}
	var args []string
	used := map[*parser.Instruction]bool{}
	for _, name := range g.argNames(strings.Join(body, "\n")) {
		used[g.vars[name].arg] = true
	}
	for _, in := range g.st.Instructions {
		if used[in] {
			args = append(args, doc.Text(in))
		}
	}
	head := append(rootfs, "FROM "+fromFlags+g.runtimeRef(p))
	return append(append(head, args...), body...), nil
}

// runtimeCopy is the text of an instruction the runtime stage repeats; an ENV
// keeps only its variables that are not the toolchain's: PATH=$PATH:… would
// leave scratch, which has no PATH of its own, with a PATH that finds nothing.
func runtimeCopy(doc *parser.Document, in *parser.Instruction) string {
	if in.Keyword != "env" {
		return doc.Text(in)
	}
	var pairs []string
	for j := 0; j+2 < len(in.Args); j += 3 {
		if in.Args[j+2] != "=" {
			return doc.Text(in) // legacy ENV NAME value: one variable
		}
		if !toolchainVar(in.Args[j]) {
			pairs = append(pairs, in.Args[j]+"="+in.Args[j+1])
		}
	}
	if len(pairs)*3 == len(in.Args) {
		return doc.Text(in)
	}
	return "ENV " + strings.Join(pairs, " ")
}

// runtimeWorkdir is the WORKDIR the runtime stage starts with: the builder's
// when the user set one or the program runs by a relative path.
func (g *goStage) runtimeWorkdir(p *goPlan) string {
	dir, text, set := "/go", "/go", false
	relMoved := false
	for _, in := range g.st.Instructions {
		if in.Keyword != "workdir" {
			continue
		}
		if slices.Contains(p.moved, in) {
			relMoved = relMoved || !strings.HasPrefix(in.Args[0], "/")
			continue
		}
		e, _ := g.dfWord(in.Args[0])
		dir, text, set = stages.AbsPath(dir, e.value), joinText(text, e), true
	}
	relProg := !strings.HasPrefix(p.binDest, "/") || strings.HasPrefix(g.entryProgram(), ".")
	if dir == "/" || !(set || relMoved || relProg) {
		return ""
	}
	return text
}

func (g *goStage) entryProgram() string {
	var run *parser.Instruction
	for _, in := range g.st.Instructions {
		if in.Keyword == "entrypoint" || in.Keyword == "cmd" && (run == nil || run.Keyword == "cmd") {
			run = in
		}
	}
	if run == nil {
		return ""
	}
	progs, _, _ := commandPrograms(run.Args, run.JSON)
	if len(progs) == 0 {
		return ""
	}
	return progs[0]
}

// restructure moves go mod download above COPY . so that the download layer
// survives source changes: COPY go.mod go.sum ./ + RUN go mod download +
// COPY . . — only when the context has go.mod.
func (g *goStage) restructure() ([]transform.Edit, string) {
	w, doc := g.whole, g.doc
	if w == nil || g.ctx == nil || len(w.Args) != 2 || path.Clean(w.Args[0]) != "." || w.JSON {
		return nil, ""
	}
	for _, s := range g.sources {
		if s.in == w {
			break
		}
		if names(path.Base(s.ctx), "go.mod") {
			return nil, ""
		}
	}
	files := "go.mod"
	for _, f := range []string{"go.mod", "go.sum"} {
		if _, err := fs.Stat(g.ctx, f); err != nil || g.ignore.Ignored(f) {
			if f == "go.mod" {
				return nil, ""
			}
		} else if f == "go.sum" {
			files += " go.sum"
		}
	}
	i := slices.Index(g.st.Instructions, w)
	if i+1 >= len(g.st.Instructions) {
		return nil, ""
	}
	run := g.st.Instructions[i+1]
	if run.Keyword != "run" || run.Shell == nil || run.Shell.File == nil || len(run.Shell.File.Stmts) == 0 || len(run.Heredocs) > 0 {
		return nil, ""
	}
	sh := run.Shell
	s := shellx.FirstStmt(sh.File.Stmts[0])
	call, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || len(s.Redirs) > 0 {
		return nil, ""
	}
	if a, ok := shellx.CallArgs(call); !ok || len(a) < 3 || a[0] != "go" || a[1] != "mod" || a[2] != "download" {
		return nil, ""
	}
	a, b := sh.Span(s)
	stmtText := string(doc.Src[a:b])
	if strings.ContainsAny(stmtText, "\r\n") {
		return nil, ""
	}
	del := []transform.Edit{{Start: doc.LineStart(run.StartLine), End: doc.LineEnd(run.EndLine), Text: ""}}
	if len(sh.File.Stmts) != 1 || sh.File.Stmts[0] != s {
		if del, ok = shellx.DeleteCmds(doc, sh, s); !ok {
			return nil, ""
		}
	}
	dest := w.Args[1]
	if !strings.HasSuffix(dest, "/") {
		dest += "/"
	}
	ind := doc.Indent(w.StartLine)
	copyLine := strings.Join(append(append([]string{"COPY"}, w.Flags...), files, dest), " ")
	runLine := strings.Join(append(append([]string{"RUN"}, run.Flags...), stmtText), " ")
	at := doc.LineStart(w.StartLine)
	return append([]transform.Edit{{Start: at, End: at, Text: ind + copyLine + doc.EOL + ind + runLine + doc.EOL}}, del...), files
}
