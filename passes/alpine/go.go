package alpine

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/gosrc"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// A golang:X builder moved to golang:X-alpine loses what buildpack-deps
// gave it: gcc and the C library headers (without them Go turns cgo off
// silently: go-sqlite3 then builds a stub that fails at run time), g++,
// pkg-config, git and ssh. goBuild collects what the stage's go commands
// need, and goFinish adds it to the Alpine builder with a finding, or
// refuses the stage when it cannot account for it.

// goBuild is what the RUNs of a golang stage do with the Go toolchain.
type goBuild struct {
	compiles []goCompile
	fetchOff int // offset of the first command that may fetch modules or run git, -1 when none
	fetchLn  int
	vcs      []transform.Msg // why the build fetches from version control
	ssh      []transform.Msg // why it uses ssh
	goenv    map[string]string
	opaque   transform.Msg // the first RUN command that builds in a way docklean cannot see ("make on line 7")
	opaqueLn int
}

// goCompile is one go build, install, run or test.
type goCompile struct {
	line, off int
	cgo       string // CGO_ENABLED in effect: "0", "1", or "" (unset: on when gcc is found)
	cgoLine   int    // where CGO_ENABLED=1 was set
	remote    string // the module path@version of go install/run path@version
	tags      string // -tags value
	buildvcs  bool   // VCS stamping not switched off
}

func (g *goBuild) fetch(off, line int) {
	if g.fetchOff < 0 {
		g.fetchOff, g.fetchLn = off, line
	}
}

// goVCSVars are variables that make the go command fetch modules straight
// from their version control systems (with git) instead of the proxy.
var goVCSVars = []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE"}

var (
	goCmdText  = regexp.MustCompile(`(?:^|[\s;&|(])(?:\S*/)?go\s+(build|install|run|test)\b`)
	gitCmdText = regexp.MustCompile(`(?:^|[\s;&|(])(?:\S*/)?git\s`)
	sshURL     = regexp.MustCompile(`\bgit@[A-Za-z0-9.-]+:|\bssh://`)
)

// goRun reads one RUN of a golang stage.
func (s *alpineStage) goRun(in *parser.Instruction) {
	g := s.gob
	for _, f := range in.Flags {
		if strings.HasPrefix(f, "--mount=") && strings.Contains(f, "type=ssh") {
			g.ssh = appendMsg(g.ssh, transform.Msgf("the RUN on %v mounts an ssh agent", transform.Line(in.StartLine)))
			g.fetch(in.Start, in.StartLine)
		}
	}
	text := s.doc.Text(in)
	if m := sshURL.FindString(text); m != "" {
		g.ssh = appendMsg(g.ssh, transform.Msgf("the RUN on %v uses the ssh URL %s", transform.Line(in.StartLine), strings.TrimSuffix(m, ":")))
	}
	if in.Shell == nil || in.Shell.Err != nil || in.Shell.File == nil || !in.Shell.Mapped() {
		exec := in.JSON && len(in.Args) >= 2 && path.Base(in.Args[0]) == "go" && slices.Contains([]string{"build", "install", "run", "test"}, in.Args[1])
		if goCmdText.MatchString(text) || exec {
			c := goCompile{line: in.StartLine, off: in.Start, cgo: s.goVar(nil, "CGO_ENABLED"), buildvcs: !strings.Contains(text, "-buildvcs=false")}
			if strings.Contains(text, "CGO_ENABLED=0") {
				c.cgo = "0"
			}
			g.compiles = append(g.compiles, c)
			g.fetch(in.Start, in.StartLine)
		}
		if gitCmdText.MatchString(text) {
			g.vcs = appendMsg(g.vcs, transform.Msgf("the RUN on %v runs git", transform.Line(in.StartLine)))
			g.fetch(in.Start, in.StartLine)
		}
		return
	}
	exported := map[string]string{}
	parser.Walk(in.Shell.File, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.DeclClause:
			if n.Variant.Value == "export" {
				for _, a := range n.Args {
					if a.Name != nil && a.Value != nil {
						v, _ := shellx.WordLit(a.Value)
						exported[a.Name.Value] = v
					}
				}
			}
		case *syntax.CallExpr:
			s.goCall(in, n, exported)
		}
		return true
	})
}

// goVar is the value of a variable for a go command: set on its command
// line (local), exported earlier in the RUN, written by go env -w, or an
// ENV or ARG of the stage.
func (s *alpineStage) goVar(local map[string]string, name string) string {
	if v, ok := local[name]; ok {
		return v
	}
	if v, ok := s.gob.goenv[name]; ok {
		return v
	}
	if v := s.vars[name]; v != nil {
		return v.value
	}
	return ""
}

// goCall reads one command of a golang stage's RUN.
func (s *alpineStage) goCall(in *parser.Instruction, c *syntax.CallExpr, exported map[string]string) {
	g := s.gob
	args, _ := shellx.CallArgs(c)
	local := map[string]string{}
	for k, v := range exported {
		local[k] = v
	}
	for _, a := range c.Assigns {
		if a.Value != nil {
			v, _ := shellx.WordLit(a.Value)
			local[a.Name.Value] = v
		}
	}
	// env NAME=VALUE ... go build
	for len(args) > 0 && path.Base(args[0]) == "env" {
		args = args[1:]
		for len(args) > 0 && strings.Contains(args[0], "=") && !strings.HasPrefix(args[0], "-") {
			k, v, _ := strings.Cut(args[0], "=")
			local[k] = v
			args = args[1:]
		}
	}
	if len(args) == 0 {
		return
	}
	start, _ := in.Shell.Span(c)
	line := s.doc.LineOf(start)
	switch path.Base(args[0]) {
	case "git":
		g.vcs = appendMsg(g.vcs, transform.Msgf("the RUN on %v runs git", transform.Line(line)))
		g.fetch(in.Start, in.StartLine)
		return
	case "ssh", "ssh-keyscan", "ssh-add", "ssh-agent", "scp":
		g.ssh = appendMsg(g.ssh, transform.Msgf("the RUN on %v runs %s", transform.Line(line), path.Base(args[0])))
		g.fetch(in.Start, in.StartLine)
		return
	case "go":
	case "make", "gmake", "task", "mage", "goreleaser", "just", "bazel", "bazelisk":
		if g.opaque.IsZero() {
			g.opaque, g.opaqueLn = transform.Msgf("%s on %v", path.Base(args[0]), transform.Line(line)), line
		}
		return
	default:
		script := strings.HasSuffix(args[0], ".sh")
		if b := path.Base(args[0]); (b == "sh" || b == "bash") && len(args) > 1 && !strings.HasPrefix(args[1], "-") {
			script = true
		}
		if script && g.opaque.IsZero() {
			g.opaque, g.opaqueLn = transform.Msgf("the script %s on %v", strings.Join(args[:min(len(args), 2)], " "), transform.Line(line)), line
		}
		return
	}
	if len(args) < 2 {
		return
	}
	sub := args[1]
	if sub == "env" && slices.Contains(args, "-w") {
		for _, a := range args[2:] {
			if k, v, ok := strings.Cut(a, "="); ok {
				g.goenv[k] = v
			}
		}
		return
	}
	for _, v := range goVCSVars {
		if x := s.goVar(local, v); x != "" {
			g.vcs = appendMsg(g.vcs, transform.Msgf("%s=%s makes go fetch those modules with git", v, x))
		}
	}
	if p := s.goVar(local, "GOPROXY"); p == "direct" || strings.HasPrefix(p, "direct,") || strings.HasPrefix(p, "direct|") {
		g.vcs = appendMsg(g.vcs, transform.Msgf("%s", "GOPROXY="+p+" makes go fetch modules with git"))
	}
	if s.goVar(local, "GOSUMDB") == "off" {
		g.vcs = appendMsg(g.vcs, transform.Msgf("%s", "GOSUMDB=off lets go fetch modules the proxy lacks with git"))
	}
	if f := s.goVar(local, "GOFLAGS"); strings.Contains(f, "-insecure") {
		g.vcs = appendMsg(g.vcs, transform.Msgf("%s", "GOFLAGS="+f+" lets go fetch modules with git"))
	}
	switch sub {
	case "build", "install", "run", "test":
	case "get", "mod", "list", "vet", "generate", "work":
		g.fetch(in.Start, in.StartLine)
		return
	default:
		return
	}
	g.fetch(in.Start, in.StartLine)
	gc := goCompile{line: line, off: in.Start, cgo: s.goVar(local, "CGO_ENABLED"), buildvcs: true}
	if gc.cgo == "1" {
		gc.cgoLine = line
	}
	if f := s.goVar(local, "GOFLAGS"); strings.Contains(f, "-buildvcs=false") {
		gc.buildvcs = false
	}
	if f := s.goVar(local, "GOFLAGS"); strings.Contains(f, "-tags=") {
		gc.tags = f[strings.Index(f, "-tags=")+len("-tags="):]
	}
	for i := 2; i < len(args); i++ {
		a := strings.TrimPrefix(args[i], "-")
		switch {
		case a == "-tags" || a == "tags":
			if i+1 < len(args) {
				gc.tags += "," + args[i+1]
			}
		case strings.HasPrefix(a, "tags="), strings.HasPrefix(a, "-tags="):
			_, v, _ := strings.Cut(a, "=")
			gc.tags += "," + v
		case strings.HasPrefix(a, "buildvcs="), strings.HasPrefix(a, "-buildvcs="):
			gc.buildvcs = !strings.HasSuffix(a, "=false")
		case !strings.HasPrefix(args[i], "-") && strings.Contains(args[i], "@") && (sub == "install" || sub == "run"):
			gc.remote = args[i]
			if strings.Contains(args[i], ".git/") || strings.Contains(args[i], ".git@") {
				g.vcs = appendMsg(g.vcs, transform.Msgf("go %s %s names a git repository", sub, args[i]))
			}
		}
	}
	g.compiles = append(g.compiles, gc)
}

// goFinish decides what the Alpine builder needs for the stage's go
// commands, or refuses the stage.
func (s *alpineStage) goFinish() {
	g := s.gob
	if g == nil || s.refused() {
		return
	}
	if !g.opaque.IsZero() {
		s.refuse(g.opaqueLn, codeGo, "%v builds with commands docklean cannot see (the go builds, C compilers and git it may run), and golang:*-alpine lacks what golang:* has for them (make, gcc, g++, git, ssh); keep the builder on Debian, or write the go build in the Dockerfile", g.opaque)
		return
	}
	var on []goCompile
	for _, c := range g.compiles {
		if c.cgo != "0" {
			on = append(on, c)
		}
	}
	for _, c := range g.compiles {
		if c.remote != "" || c.cgo == "0" && !c.buildvcs {
			continue
		}
		// What a build of the context's sources needs (cgo, a .git folder
		// go stamps with git) can only be read from those sources.
		what := "whether it uses cgo, which golang:*-alpine turns off silently (it has no gcc), or stamps a .git folder with git, which golang:*-alpine lacks"
		if c.cgo == "0" {
			what = "whether it stamps a .git folder of the context with git (golang:* has git, golang:*-alpine does not)"
		}
		if s.u.Opts.Context == nil {
			s.refuse(c.line, codeGo, "the go command on %v builds sources of the build context, which docklean does not have (--context), so it cannot tell %s; run with --context", transform.Line(c.line), what)
			return
		}
		if s.file.goSources(s.u.Opts.Context).Files == 0 {
			s.refuse(c.line, codeGo, "the go command on %v builds sources of the build context, and the context has no Go files docklean can read, so it cannot tell %s; give the real build context with --context", transform.Line(c.line), what)
			return
		}
		break
	}
	if len(on) > 0 {
		s.goCgo(on)
	}
	if s.refused() {
		return
	}
	if len(g.vcs) == 0 && len(g.ssh) == 0 {
		s.goBuildVCS()
	}
	if len(g.vcs) > 0 || len(g.ssh) > 0 {
		why := append(slices.Clone(g.vcs), g.ssh...)
		pkgs, what := "git", "git"
		if len(g.ssh) > 0 {
			pkgs, what = "git openssh-client", "git or ssh"
		}
		s.need(pkgs, g.fetchOff, codeGo, "%v; golang:*-alpine has no %s (golang:* has)", joinMsgs(why, "; "), what)
	}
}

// goCgo handles the go commands that build with cgo unless a C compiler is
// missing: it needs evidence from the sources whether the program uses cgo.
func (s *alpineStage) goCgo(on []goCompile) {
	var why []transform.Msg
	var mods []*gosrc.CgoModule
	cxx, pkgConfig := false, false
	var local *goCompile
	for i, c := range on {
		if c.cgo == "1" {
			why = appendMsg(why, transform.Msgf("CGO_ENABLED=1 (%v)", transform.Line(c.line)))
		}
		if c.remote == "" {
			if local == nil {
				local = &on[i]
			}
			continue
		}
		m := gosrc.CgoModuleOf(c.remote)
		if m == nil {
			s.refuse(c.line, codeGo, "go on %v compiles %s, whose sources docklean cannot read, with cgo on (CGO_ENABLED is not 0); golang:*-alpine has no C compiler, so a module that uses cgo would build differently or fail; set CGO_ENABLED=0 on the command if it builds without cgo", transform.Line(c.line), c.remote)
			return
		}
		mods = append(mods, m)
		why = appendMsg(why, transform.Msgf("go %s uses %s", c.remote, m.Path))
	}
	if local != nil {
		src := s.file.goSources(s.u.Opts.Context)
		for _, w := range src.Cgo {
			if !slices.ContainsFunc(src.CgoInfo.ModWhy, func(m string) bool { return strings.HasPrefix(m, w+" (") }) {
				why = appendMsg(why, transform.Msgf("%s", w))
			}
		}
		for i, m := range src.CgoInfo.Mods {
			mods = append(mods, m)
			why = appendMsg(why, transform.Msgf("%s", src.CgoInfo.ModWhy[i]))
		}
		for _, t := range src.CgoInfo.Tags {
			why = appendMsg(why, transform.Msgf("%s", "a cgo build constraint in "+t))
		}
		cxx = len(src.CgoInfo.Cxx) > 0
		pkgConfig = len(src.CgoInfo.PkgConfig) > 0
		if cxx {
			why = appendMsg(why, transform.Msgf("%s", "C++ sources ("+src.CgoInfo.Cxx[0]+")"))
		}
	}
	if len(why) == 0 {
		return // no cgo: the Alpine builder makes the same (static) program
	}
	line := on[0].line
	for _, m := range mods {
		switch m.Kind {
		case gosrc.CgoGlibc:
			s.refuse(line, codeGo, "the program uses %s, which %s; golang:*-alpine cannot build it: keep this builder on Debian", m.Path, m.Note)
			return
		case gosrc.CgoMuslTag:
			ok := true
			for _, c := range on {
				ok = ok && slices.ContainsFunc(strings.FieldsFunc(c.tags, func(r rune) bool { return r == ',' || r == ' ' }), func(t string) bool { return t == "musl" || t == "dynamic" })
			}
			if !ok {
				s.refuse(line, codeGo, "the program uses %s, which %s; the go build on %v has no -tags musl: add it and convert by hand, or keep the builder on Debian", m.Path, m.Note, transform.Line(line))
				return
			}
		case gosrc.CgoCxx:
			cxx = true
		}
		pkgConfig = pkgConfig || m.PkgConfig
	}
	pkgs := "gcc musl-dev"
	if cxx {
		pkgs += " g++"
	}
	if pkgConfig {
		pkgs += " pkgconf"
	}
	s.need(pkgs, on[0].off, codeGo, "the go build on %v uses cgo (%v); golang:*-alpine has no C compiler, and without one Go turns cgo off silently", transform.Line(line), joinMsgs(why, ", "))
}

// goBuildVCS adds git when go build stamps version control information
// (debug.ReadBuildInfo's vcs.revision) from a .git folder the stage copies
// from the context: golang:* has git; without it, golang:*-alpine's go
// leaves the stamp out silently.
func (s *alpineStage) goBuildVCS() {
	ctx := s.u.Opts.Context
	if ctx == nil {
		return
	}
	if _, err := fs.Stat(ctx, ".git"); err != nil || gosrc.ReadDockerignore(ctx).Ignored(".git") {
		return
	}
	copied := 0
	for _, in := range s.st.Instructions {
		if (in.Keyword != "copy" && in.Keyword != "add") || len(in.Args) < 2 || slices.ContainsFunc(in.Flags, func(f string) bool { return strings.HasPrefix(f, "--from=") }) {
			continue
		}
		for _, a := range in.Args[:len(in.Args)-1] {
			if p := path.Clean(a); p == "." || p == "/" {
				copied = in.StartLine
			}
		}
	}
	if copied == 0 {
		return
	}
	for _, c := range s.gob.compiles {
		if c.remote == "" && c.buildvcs && c.off > s.st.Instructions[0].Start {
			s.need("git", c.off, codeGo, "the go build on %v stamps the commit of the .git folder copied on %v into the binary with git (vcs.revision); golang:*-alpine has no git, and go would leave the stamp out silently (or pass -buildvcs=false)", transform.Line(c.line), transform.Line(copied))
			return
		}
	}
}

// goSources reads the Go sources of the build context ctx once per run of
// the pass.
func (f *alpineFile) goSources(ctx fs.FS) *gosrc.Sources {
	if f.goSrc == nil {
		f.goSrc = gosrc.Read(ctx)
	}
	return f.goSrc
}

// appendMsg appends m to list unless a message that reads the same is in
// it.
func appendMsg(list []transform.Msg, m transform.Msg) []transform.Msg {
	if slices.ContainsFunc(list, func(x transform.Msg) bool { return x.String() == m.String() }) {
		return list
	}
	return append(list, m)
}

// joinMsgs joins messages into one, sep between them.
func joinMsgs(ms []transform.Msg, sep string) transform.Msg {
	args := make([]any, len(ms))
	for i, m := range ms {
		args[i] = m
	}
	return transform.Msgf(strings.TrimSuffix(strings.Repeat("%v"+sep, len(ms)), sep), args...)
}
