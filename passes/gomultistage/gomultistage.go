// Package gomultistage is the go-multistage pass: it turns a Dockerfile
// whose final image is the golang toolchain into a build stage and a small
// runtime stage (see its Pass.Doc).
package gomultistage

import (
	"errors"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/gosrc"
	"github.com/docklean/docklean/internal/passname"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// Pass splits a Go build into a build stage and a small runtime stage (see its Doc).
var Pass = &transform.Pass{
	Name: passname.GoMultistage,
	// cache-cleanup changes only stages that end up in an image: it
	// cleans the single stage while it is still the final image, not
	// the builder the split makes of it.
	After: []string{passname.CacheCleanup},
	Doc: `Splits a single-stage Go build into a golang builder and a minimal runtime stage.
A final stage FROM golang that builds one program with go build or go install
and runs it with CMD/ENTRYPOINT becomes a builder stage (AS build, CGO_ENABLED=0
on the build command) plus a runtime stage: scratch (CA certificates, zoneinfo
when needed, /etc/passwd and /etc/group, a home and a 1777 /tmp made in a
rootfs stage, a non-root user unless the program needs root: ports below
1024, user lookups, root-only files), gcr.io/distroless/static-debian12 with
--go-runtime=distroless, or alpine when a shell, tools or cgo libraries are
needed. EXPOSE, VOLUME, LABEL, USER, WORKDIR, HEALTHCHECK, STOPSIGNAL,
ENTRYPOINT, CMD and non-toolchain ENV move to the runtime stage with their
comments; the files the program reads at run time (found in the build context's
Go sources, explicit COPYs and conventional folders) are copied across.
Refuses, leaving the stage as it is, when the binary cannot be identified,
several binaries are built, the stage uses go run, make or scripts, cgo needs
libraries the runtime lacks, the Go sources are not in the build context,
runtime files cannot be determined, CMD/ENTRYPOINT
does not run the built binary, or the program needs the Go toolchain at run
time (air, golangci-lint, dlv …).`,
	URL:     "docs/go-multistage.md",
	Rules:   rules,
	Options: []*transform.Option{goRuntime},
	Run:     runGoMultistage,
}

// runtime is the image the runtime stage starts from.
type runtime string

// The runtimes; runtimeAuto lets chooseRuntime pick per program.
const (
	runtimeAuto       runtime = ""
	runtimeScratch    runtime = "scratch"
	runtimeDistroless runtime = "distroless"
	runtimeAlpine     runtime = "alpine"
)

// goRuntime is the option that chooses the runtime (--go-runtime).
var goRuntime = &transform.Option{
	Name:   "go-runtime",
	Doc:    "runtime base for go-multistage: scratch, distroless or alpine (default: chosen per program)",
	Values: []string{string(runtimeScratch), string(runtimeDistroless), string(runtimeAlpine)},
}

// goStage is the analysis of the one stage go-multistage converts.
type goStage struct {
	u      *transform.Unit
	tx     *transform.Tx
	doc    *parser.Document
	st     *parser.Stage
	ctx    fs.FS
	src    *gosrc.Sources
	ignore gosrc.Dockerignore
	alpine bool // golang:*-alpine builder

	vars     map[string]goVar
	dir      string // WORKDIR while scanning; the final one after
	dirText  string
	dirs     map[string]bool // folders known to exist in the builder
	bins     []*goBinary
	pkgs     []string
	pkgLine  map[string]int // where each package is installed
	sources  []goSourceCopy // COPYs of Go sources
	whole    *parser.Instruction
	explicit []runtimeFile // files COPY puts in the builder for run time
	cgoEnv   string        // CGO_ENABLED set by ENV
}

type goSourceCopy struct {
	ctx, dest string
	in        *parser.Instruction
}

type runtimeFile struct {
	path, text string
	flags      []string
	in         *parser.Instruction
}

// Runtime images go-multistage emits.
const (
	distrolessImage = "gcr.io/distroless/static-debian12"
	nonRootUser     = "65532:65532"
)

// cgoRuntimeLibs maps an Alpine -dev package to the package holding its
// run-time library.
var cgoRuntimeLibs = map[string]string{
	"sqlite-dev":     "sqlite-libs",
	"libpcap-dev":    "libpcap",
	"librdkafka-dev": "librdkafka",
	"zeromq-dev":     "libzmq",
	"vips-dev":       "vips",
	"libwebp-dev":    "libwebp",
	"libgit2-dev":    "libgit2",
}

// runtimeTools maps a program that HEALTHCHECK, CMD or the Go code starts to
// the Alpine package providing it ("" when busybox, in every alpine image,
// has it).
var runtimeTools = map[string]string{
	"curl": "curl", "wget": "", "nc": "", "sh": "", "grep": "", "pgrep": "", "ps": "",
	"cat": "", "test": "", "[": "", "true": "", "false": "", "exit": "", "echo": "", "printf": "", "kill": "",
	"git": "git", "bash": "bash",
}

func runGoMultistage(u *transform.Unit) error {
	doc := u.Doc
	st := doc.Stages[len(doc.Stages)-1]
	tx := u.Begin()
	if !isGolang(st.Base) {
		if b := st.Parent; b != nil && isGolang(b.Base) {
			tx.Refuse(st.From.StartLine, codeNotFinal, "not the final stage: the image is built FROM stage %s, which is golang; docklean splits a final stage that starts FROM golang", st.Base)
		}
		return nil
	}
	g := &goStage{u: u, tx: tx, doc: doc, st: st, ctx: u.Opts.Context, vars: map[string]goVar{},
		dir: "/go", dirText: "/go", dirs: map[string]bool{}, pkgLine: map[string]int{}}
	edits, err := g.convert()
	if errors.Is(err, errRefused) || tx.Refused() {
		return nil // the Tx reports its blockers
	}
	if err != nil {
		return err
	}
	tx.Apply(edits)
	return nil
}

// isGolang reports whether an image reference names the official golang image.
func isGolang(ref string) bool {
	name, _, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name = name[:i]
	}
	for _, p := range []string{"docker.io/", "index.docker.io/", "library/"} {
		name = strings.TrimPrefix(name, p)
	}
	return name == "golang"
}

func (g *goStage) convert() ([]transform.Edit, error) {
	from := g.st.From
	tag := strings.ToLower(g.st.Base)
	if strings.Contains(tag, "windowsservercore") || strings.Contains(tag, "nanoserver") {
		return nil, g.refuse(from.StartLine, codeUnsupported, "a Windows golang image: scratch, distroless and alpine runtimes are Linux images")
	}
	g.alpine = strings.Contains(tag, "alpine")
	if g.ctx != nil {
		g.src = gosrc.Read(g.ctx)
		g.ignore = gosrc.ReadDockerignore(g.ctx)
	}
	meta := map[string]goVar{}
	for _, in := range g.doc.MetaArgs {
		for _, a := range in.Args {
			k, v, ok := strings.Cut(a, "=")
			meta[k] = goVar{value: unquoteDF(v), known: ok}
		}
	}
	// The scan goes on after a blocker that leaves its state whole (block)
	// and stops at one that does not (refuse); the plan reads the whole
	// scan, so it waits for a stage without blockers.
	for _, in := range g.st.Instructions[1:] {
		if err := g.scan(in, meta); err != nil {
			return nil, err
		}
	}
	if g.tx.Refused() {
		return nil, errRefused
	}
	plan, err := g.plan()
	if err != nil || g.tx.Refused() {
		return nil, errors.Join(err, errRefused)
	}
	return g.edits(plan)
}

func (g *goStage) scan(in *parser.Instruction, meta map[string]goVar) error {
	switch in.Keyword {
	case "arg":
		for _, a := range in.Args {
			k, v, ok := strings.Cut(a, "=")
			gv := goVar{value: unquoteDF(v), known: ok, arg: in}
			if m, found := meta[k]; !ok && found {
				gv.value, gv.known = m.value, m.known
			}
			g.vars[k] = gv
		}
	case "env":
		for i := 0; i+1 < len(in.Args); i += 3 {
			e, ok := g.dfWord(unquoteDF(in.Args[i+1]))
			g.vars[in.Args[i]] = goVar{value: e.value, known: ok}
			if in.Args[i] == "CGO_ENABLED" {
				g.cgoEnv = e.value
			}
		}
	case "workdir":
		e, ok := g.dfWord(in.Args[0])
		if !ok {
			return g.refuse(in.StartLine, codeVariable, "WORKDIR %s uses a variable docklean cannot resolve", in.Args[0])
		}
		g.dir, g.dirText = stages.AbsPath(g.dir, e.value), joinText(g.dirText, e)
		g.dirs[g.dir] = true
	case "run":
		return g.scanRun(in)
	case "copy", "add":
		return g.copyInstr(in)
	case "shell":
		return g.refuse(in.StartLine, codeUnsupported, "SHELL changes how the image runs commands; docklean does not split such stages")
	case "onbuild":
		return g.refuse(in.StartLine, codeUnsupported, "ONBUILD: the image is meant as a base for other builds, which need the Go toolchain")
	}
	return nil
}

// goPlan is what the runtime stage gets.
type goPlan struct {
	bin      *goBinary
	binIdx   int
	binDest  string  // path in the runtime stage
	runtime  runtime // never runtimeAuto
	apk      []string
	cgo      bool
	tz       bool
	passwd   bool
	user     bool // generate USER 65532:65532
	moved    []*parser.Instruction
	copied   map[*parser.Instruction]bool // kept in the builder and repeated
	files    []runtimeFile
	notes    []note
	entryLn  int
	restruct []transform.Edit
	modFiles string // what restruct copies first
}

var shellBuiltins = map[string]bool{"exit": true, "true": true, "false": true, "test": true, "[": true, "echo": true, "printf": true, "kill": true, "exec": true}

func (g *goStage) plan() (*goPlan, error) {
	p := &goPlan{copied: map[*parser.Instruction]bool{}}
	if len(g.bins) == 0 {
		if p := g.entryProgram(); p == "go" {
			return nil, g.refuse(g.st.From.StartLine, codeGoRun, "the image runs `go run` (or another go command) at start: there is no binary to ship; build one with go build -o and run it")
		}
		return nil, g.refuse(g.st.From.StartLine, codeBinary, "binary unknown: the stage runs no go build or go install")
	}
	g.classify(p)
	needs := map[string]string{} // why the runtime needs alpine
	var entry, cmd, health *parser.Instruction
	for _, in := range g.st.Instructions {
		switch in.Keyword {
		case "entrypoint":
			entry = in
		case "cmd":
			cmd = in
		case "healthcheck":
			health = in
		}
	}
	run := entry
	if run == nil {
		run = cmd
	}
	if run == nil {
		return nil, g.refuse(g.st.From.StartLine, codeEntrypoint, "CMD/ENTRYPOINT does not run the built binary: there is none, so the image runs the golang image's bash")
	}
	p.entryLn = run.StartLine
	progs, shell, err := commandPrograms(run.Args, run.JSON)
	if err != nil || len(progs) == 0 || progs[0] == "" {
		return nil, g.refuse(run.StartLine, codeEntrypoint, "CMD/ENTRYPOINT does not run the built binary: docklean cannot read which program it starts")
	}
	if shell {
		needs["shell"] = "the shell-form " + strings.ToUpper(run.Keyword)
	}
	bin, idx, viaPath := g.locate(progs[0])
	if bin == nil {
		return nil, g.refuse(run.StartLine, codeEntrypoint, "CMD/ENTRYPOINT does not run the built binary: it runs %s, while the build writes %s", progs[0], g.binList())
	}
	p.bin, p.binIdx = bin, idx
	// From here on every check records its blockers and the plan goes
	// on, so that a refused stage lists them all.
	g.needsToolchain(run, bin, idx)
	for _, b := range g.bins {
		if b != bin && !b.ranInBuild {
			g.block(b.in.StartLine, codeSeveral, "several binaries: the RUN at %v builds %s besides %s; docklean ships one program", transform.Line(b.in.StartLine), strings.Join(b.paths, ", "), bin.paths[idx])
		}
	}
	p.binDest = bin.texts[idx]
	if viaPath && !slices.Contains(runtimePath, path.Dir(bin.paths[idx])) {
		p.binDest = path.Join("/usr/local/bin", path.Base(bin.paths[idx]))
	}
	for _, prog := range progs[1:] {
		g.tool(prog, run, needs, p)
	}
	if health != nil && len(health.Args) > 1 && strings.EqualFold(health.Args[0], "cmd") {
		progs, shell, err := commandPrograms(health.Args[1:], health.JSON)
		if err != nil {
			g.block(health.StartLine, codeTool, "HEALTHCHECK: docklean cannot read which programs it runs")
		}
		if shell {
			needs["shell healthcheck"] = "the shell-form HEALTHCHECK"
		}
		for _, prog := range progs {
			g.tool(prog, health, needs, p)
		}
	}
	g.cgo(p, needs)
	if g.src != nil {
		for _, prog := range g.src.Execs {
			g.tool(prog, nil, needs, p)
		}
	}
	g.chooseRuntime(p, needs)
	g.unread(p)
	g.users(p)
	g.runtimeFiles(p)
	if g.tx.Refused() {
		return nil, errRefused
	}
	p.restruct, p.modFiles = g.restructure()
	return p, nil
}

// unread blocks a stage whose program docklean cannot read: without its
// sources it cannot tell whether the program needs cgo (CGO_ENABLED=0 would
// turn go-sqlite3 into a stub) or files of the context at run time.
func (g *goStage) unread(p *goPlan) {
	b := p.bin
	cgoOff := b.cgo == "0" || b.cgo == "" && g.cgoEnv == "0"
	switch {
	case b.remote && !cgoOff:
		g.block(b.in.StartLine, codeUnread, "nothing unread: go install downloads the program's sources at build time, so docklean cannot read whether it needs cgo; set CGO_ENABLED=0 on the go install if it does not")
	case b.remote:
	case g.ctx == nil:
		g.block(b.in.StartLine, codeUnread, "nothing unread: the build context is not available, so docklean cannot read the Go sources to tell whether the program needs cgo or files at run time (templates, static files, configuration); run docklean with --context DIR")
	case g.src.Files == 0:
		g.block(b.in.StartLine, codeUnread, "nothing unread: the build context holds no Go sources, so docklean cannot tell whether the program needs cgo or files at run time; run docklean with --context set to the folder the image is built from")
	}
}

// tool checks a program a command of the runtime image starts.
func (g *goStage) tool(prog string, in *parser.Instruction, needs map[string]string, p *goPlan) {
	if b, _, _ := g.locate(prog); b == p.bin {
		return
	}
	base := path.Base(prog)
	if shellBuiltins[base] {
		return
	}
	pkg, ok := runtimeTools[base]
	if !ok {
		where := "the program starts " + prog + " (exec.Command)"
		line := g.st.From.StartLine
		if in != nil {
			where, line = strings.ToUpper(in.Keyword)+" runs "+prog, in.StartLine
		}
		g.block(line, codeTool, "%s, which a minimal runtime image would lack and docklean cannot name an Alpine package for", where)
	}
	needs["tool "+base] = base
	if pkg != "" {
		p.apk = gosrc.AppendNew(p.apk, pkg)
	}
}

// locate finds the binary a command runs: prog is a path (relative to the
// final WORKDIR) or a name looked up in PATH.
func (g *goStage) locate(prog string) (*goBinary, int, bool) {
	if strings.Contains(prog, "/") {
		abs := stages.AbsPath(g.dir, prog)
		for _, b := range g.bins {
			if i := slices.Index(b.paths, abs); i >= 0 {
				return b, i, false
			}
		}
		for _, b := range g.bins {
			if b.guess && path.Dir(abs) == b.dir && path.Ext(abs) == "" {
				b.paths, b.texts = []string{abs}, []string{abs}
				g.tx.Note(b.in.StartLine, codeNameFromCmd, "the program's name comes from go.mod, which docklean could not read; it takes %s from CMD/ENTRYPOINT", abs)
				return b, 0, false
			}
		}
		return nil, 0, false
	}
	for _, b := range g.bins {
		for i, bp := range b.paths {
			if path.Base(bp) == prog && slices.Contains(goPath, path.Dir(bp)) {
				return b, i, true
			}
		}
	}
	return nil, 0, false
}

func (g *goStage) binList() string {
	var all []string
	for _, b := range g.bins {
		if b.guess {
			all = append(all, "a program named after the module in go.mod (unreadable without the build context) in "+b.dir)
		}
		all = append(all, b.paths...)
	}
	return strings.Join(all, ", ")
}

// commandPrograms returns the programs a CMD, ENTRYPOINT or HEALTHCHECK CMD
// starts (the first is the main one) and whether it needs a shell.
func commandPrograms(args []string, json bool) ([]string, bool, error) {
	if json {
		if len(args) == 0 {
			return nil, false, nil
		}
		if shells[path.Base(args[0])] && len(args) >= 3 && args[1] == "-c" {
			progs, _, err := commandPrograms([]string{args[2]}, false)
			return progs, true, err
		}
		return args[:1], false, nil
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(strings.Join(args, " ")), "")
	if err != nil {
		return nil, true, err
	}
	var progs []string
	parser.Walk(f, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if !ok || len(c.Args) == 0 {
			return true
		}
		a, _ := shellx.CallArgs(c)
		if len(a) > 1 && a[0] == "exec" {
			a = a[1:]
		}
		if len(a) == 0 {
			progs = append(progs, "")
			return true
		}
		progs = append(progs, a[0])
		return true
	})
	return progs, true, nil
}

// classify decides which instructions move to the runtime stage and which
// are repeated there.
func (g *goStage) classify(p *goPlan) {
	ins := g.st.Instructions
	lastBuild := 0
	for i, in := range ins {
		if in.Keyword == "run" || in.Keyword == "copy" || in.Keyword == "add" {
			lastBuild = i
		}
	}
	usedLater := func(i int, names []string) bool {
		for _, in := range ins[i+1 : lastBuild+1] {
			if in.Keyword == "run" || in.Keyword == "copy" || in.Keyword == "add" || in.Keyword == "workdir" || in.Keyword == "env" {
				for _, n := range names {
					if regexp.MustCompile(`\$\{?` + regexp.QuoteMeta(n) + `\b`).MatchString(g.doc.Text(in)) {
						return true
					}
				}
			}
		}
		return false
	}
	for i, in := range ins[1:] {
		i++
		switch in.Keyword {
		case "expose", "volume", "label", "stopsignal", "healthcheck", "entrypoint", "cmd", "maintainer":
			p.moved = append(p.moved, in)
		case "workdir":
			if i > lastBuild {
				p.moved = append(p.moved, in)
			}
		case "user":
			if i > lastBuild {
				p.moved = append(p.moved, in)
			} else {
				p.copied[in] = true
			}
		case "env":
			var names []string
			tool, other := false, false
			for j := 0; j+1 < len(in.Args); j += 3 {
				names = append(names, in.Args[j])
				if toolchainVar(in.Args[j]) {
					tool = true
				} else {
					other = true
				}
			}
			switch {
			case !other:
			case tool || (i < lastBuild && usedLater(i, names)):
				p.copied[in] = true
			default:
				p.moved = append(p.moved, in)
			}
			if other && (names[0] == "TZ" || slices.Contains(names, "TZ")) {
				p.tz = true
			}
		}
	}
}

// cgo decides whether the build needs cgo and, if so, whether an alpine
// runtime can run the result.
func (g *goStage) cgo(p *goPlan, needs map[string]string) {
	b := p.bin
	off := b.cgo == "0" || b.cgo == "" && g.cgoEnv == "0"
	var why, libs, cc []string
	if b.cgo == "1" || b.cgo == "" && g.cgoEnv == "1" {
		why = append(why, "CGO_ENABLED=1")
	}
	why = append(why, b.flags...)
	for _, t := range b.tags {
		if cgoTags[t] {
			why = append(why, "-tags "+t)
		}
	}
	if g.src != nil {
		why = append(why, g.src.Cgo...)
	}
	for _, pkg := range g.pkgs {
		switch packageKind(pkg) {
		case "lib":
			libs = append(libs, pkg)
		case "cc":
			cc = append(cc, pkg)
		case "tz":
			p.tz = true
		case "":
			g.block(g.pkgLine[pkg], codePackage, "the stage installs %s; docklean cannot tell whether the program needs it at run time", pkg)
		}
	}
	if len(libs) > 0 {
		why = append(why, "installs "+strings.Join(libs, " "))
	}
	if g.src == nil && len(cc) > 0 {
		why = append(why, "installs "+strings.Join(cc, " ")+" (without the build context docklean cannot rule cgo out)")
	}
	if off || len(why) == 0 {
		return
	}
	reason := strings.Join(why, ", ")
	if !g.alpine {
		g.block(b.in.StartLine, codeCgoGlibc, "cgo needs libraries the runtime lacks (%s): the binary links against the builder's glibc, which no runtime docklean emits has (scratch and distroless/static have no C library, alpine has musl); build FROM golang:*-alpine, or set CGO_ENABLED=0 if the program does not need cgo", reason)
		return
	}
	for _, l := range libs {
		rt, ok := cgoRuntimeLibs[l]
		if !ok {
			g.block(b.in.StartLine, codeCgoLibrary, "cgo needs libraries the runtime lacks: docklean does not know which Alpine package holds the run-time library of %s", l)
			continue
		}
		p.apk = gosrc.AppendNew(p.apk, rt)
	}
	p.cgo = true
	needs["cgo"] = "cgo (" + reason + ")"
}

// chooseRuntime picks the runtime image: alpine when the image needs a
// shell, tools or cgo, else --go-runtime or scratch.
func (g *goStage) chooseRuntime(p *goPlan, needs map[string]string) {
	mode := runtime(g.u.Opts.String(goRuntime))
	if len(needs) > 0 {
		var why []string
		for _, v := range needs {
			why = append(why, v)
		}
		slices.Sort(why)
		if mode == runtimeScratch || mode == runtimeDistroless {
			g.block(p.entryLn, codeRuntimeFlag, "the %s runtime has no shell or tools, but the image needs %s; use --go-runtime=alpine", mode, strings.Join(why, ", "))
		} else {
			mode = runtimeAlpine
			p.notes = append(p.notes, note{codeAlpine, transform.Msgf("alpine runtime because of %s", strings.Join(why, ", "))})
		}
	}
	if mode == runtimeAuto {
		mode = runtimeScratch
	}
	p.runtime = mode
	if g.src != nil && g.src.TZ {
		p.tz = true
	}
	if g.src != nil && g.src.TZEmbed {
		p.tz = false
	}
	if p.tz && mode == runtimeAlpine {
		p.apk = gosrc.AppendNew(p.apk, "tzdata")
	}
}

// users decides who the runtime stage runs as.
func (g *goStage) users(p *goPlan) {
	var last, volume *parser.Instruction
	for _, in := range g.st.Instructions {
		switch in.Keyword {
		case "user":
			last = in
		case "volume":
			volume = in
		}
	}
	if last == nil && volume != nil {
		p.notes = append(p.notes, note{codeRunsAsRoot, transform.Msgf("runs as root like before, not as a non-root user: the image declares VOLUME %s, whose root-owned mount point such a user could not write to; add a USER and the folder's ownership by hand", strings.Join(volume.Args, " "))})
		return
	}
	if last == nil && g.src != nil {
		for _, w := range g.src.Writes {
			if !strings.HasPrefix(w, "/tmp/") && !strings.HasPrefix(w, "/dev/") {
				p.notes = append(p.notes, note{codeRunsAsRoot, transform.Msgf("runs as root like before, not as a non-root user: the program writes %s, which such a user could not; add a USER and the folder's ownership by hand", w)})
				return
			}
		}
	}
	if last == nil {
		why := g.rootReasons()
		if in := g.explicitRootOnly(); in != nil {
			why = append(why, transform.Msgf("the COPY at %v leaves a file only root may read", transform.Line(in.StartLine)))
		}
		if len(why) > 0 {
			p.notes = append(p.notes, note{codeRunsAsRoot, transform.Msgf("runs as root like before, not as a non-root user: %v; add a USER by hand once the program does without root", joinMsgs(why, "; "))})
			return
		}
		p.user = true
		return
	}
	name, _, _ := strings.Cut(last.Args[0], ":")
	if strings.Contains(name, "$") {
		return
	}
	if strings.Trim(name, "0123456789") == "" {
		// A numeric user sees the builder's user database, as it did in
		// the original image (an entry useradd made, or none).
		if name != "0" && p.runtime != runtimeAlpine {
			p.passwd = true
		}
		return
	}
	switch {
	case name == "root", p.runtime == runtimeDistroless && (name == "nonroot" || name == "nobody"), p.runtime == runtimeAlpine && (name == "nobody" || name == "guest"):
	case p.runtime == runtimeAlpine:
		g.block(last.StartLine, codeAlpineUser, "USER %s exists only in the golang builder; give a numeric id (USER 10001) so the alpine runtime can use it", name)
	default:
		p.passwd = true
	}
}

// conventional are names of folders and files Go services read at run time.
var conventional = []string{"templates", "static", "public", "assets", "migrations", "views", "locales", "i18n",
	"config", "configs", "config.yaml", "config.yml", "config.json", "config.toml", ".env"}

// runtimeFiles lists what is copied from the builder besides the binary.
func (g *goStage) runtimeFiles(p *goPlan) {
	add := func(f runtimeFile) {
		for _, x := range p.files {
			if x.path == f.path || strings.HasPrefix(f.path, x.path+"/") {
				return
			}
		}
		// A folder takes in the files already listed inside it that it
		// would copy the same way.
		p.files = slices.DeleteFunc(p.files, func(x runtimeFile) bool {
			return strings.HasPrefix(x.path, f.path+"/") && slices.Equal(x.flags, f.flags)
		})
		p.files = append(p.files, f)
	}
	for _, f := range g.explicit {
		if !g.embedded(f.path) && f.path != p.bin.paths[p.binIdx] {
			add(f)
		}
	}
	if g.whole == nil {
		return
	}
	if g.ctx == nil {
		p.notes = append(p.notes, note{codeUnchecked, transform.Msgf("the build context is not available, so files the program reads at run time (templates, static files, configuration) may be missing from the runtime stage: check it, or run with --context")})
		return
	}
	if g.src.Capped {
		p.notes = append(p.notes, note{codeUnchecked, transform.Msgf("the build context has more than 2000 Go files; docklean read the first ones only, so runtime files may be missing")})
	}
	var found []string
	for _, r := range g.src.Reads {
		first, _, _ := strings.Cut(gosrc.GlobPrefix(r), "/")
		if strings.HasPrefix(r, "/") {
			first = gosrc.GlobPrefix(r)
		}
		if first == "." || first == ".." {
			if g.covered(g.dir) {
				g.block(g.whole.StartLine, codeRuntimeFiles, "runtime files cannot be determined: the program reads %q, which is the whole working folder", r)
			}
			continue
		}
		f := stages.AbsPath(g.dir, first)
		g.missingRead(r, f)
		found = append(found, f)
	}
	for _, c := range conventional {
		found = append(found, stages.AbsPath(g.dir, c))
	}
	for _, f := range found {
		ctxPath, ok := g.toContext(f)
		if !ok || g.ignore.Ignored(ctxPath) || g.embedded(f) || !g.hasData(ctxPath) {
			continue
		}
		add(runtimeFile{path: f, text: f, flags: g.ownerFlags(f)})
	}
}

// missingRead blocks the stage when the program opens the literal path r (builder
// path f, its first element) in a folder the build filled from the context
// and the context docklean reads does not have it: the original image got
// it from COPY only if it was there at build time (a gitignored .env
// written before the build), and the runtime stage would not ship it. A
// path the program also writes, or one .dockerignore leaves out (the
// original did not have it either), is not a finding.
func (g *goStage) missingRead(r, f string) {
	if strings.HasPrefix(r, "/") && (g.dir == "/" || !strings.HasPrefix(f, g.dir+"/")) {
		return // outside the working folder: a mounted or system path
	}
	ctxPath, ok := g.toContext(f)
	if !ok || slices.Contains(g.src.Writes, r) || g.ignore.Ignored(ctxPath) || g.embedded(f) {
		return
	}
	if _, err := fs.Stat(g.ctx, ctxPath); err == nil {
		return
	}
	at := g.src.ReadAt[r]
	if at == "" {
		at = "the Go sources"
	}
	g.block(g.whole.StartLine, codeMissingFile, "runtime files cannot be determined: %s opens %q, which the build context docklean reads does not have (it may be created before the build, e.g. a gitignored .env, and %v copies it); put it in the context, or copy it into the runtime stage by hand", at, r, transform.Line(g.whole.StartLine))
}

// covered reports whether builder path p holds files of the build context.
func (g *goStage) covered(p string) bool {
	_, ok := g.toContext(p)
	return ok
}

// hasData reports whether context path p exists and holds something other
// than Go source.
func (g *goStage) hasData(p string) bool {
	st, err := fs.Stat(g.ctx, p)
	if err != nil {
		return false
	}
	if !st.IsDir() {
		return !strings.HasSuffix(p, ".go")
	}
	data := false
	_ = fs.WalkDir(g.ctx, p, func(q string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(q, ".go") && !g.ignore.Ignored(q) {
			data = true
			return fs.SkipAll
		}
		return nil
	})
	return data
}

// embedded reports whether builder path p is compiled into the binary with
// //go:embed.
func (g *goStage) embedded(p string) bool {
	if g.src == nil {
		return false
	}
	ctxPath, ok := g.toContext(p)
	if !ok {
		return false
	}
	for _, e := range g.src.Embeds {
		if ctxPath == e || strings.HasPrefix(ctxPath, e+"/") || e == "." {
			return true
		}
	}
	return false
}
