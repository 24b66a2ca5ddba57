package rebase

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

var (
	shShebang        = regexp.MustCompile(`\b(sh|bash|dash)\b`)
	npmInstallScript = regexp.MustCompile(`"hasInstallScript":\s*true`)
	npmLockPackage   = regexp.MustCompile(`"node_modules/((?:@[^/"]+/)?[^/"]+)"`)
	npmGitDep        = regexp.MustCompile(`"(resolved|version)":\s*"(git\+|git:|github:)`)
	pathDirs         = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}
)

// SlimScan finds what the stages of a tree use from the full image.
type SlimScan struct {
	Doc     *parser.Document
	Tree    []*parser.Stage
	base    SlimBase
	removed map[string]string // packages the -slim variant lacks → layer
	Has     map[string]int    // packages the tree installs with apt-get → offset of the first install
	Needs   []slimNeed
	fetched []FetchedPath // what the tree downloaded, in order
	// Blockers are every reason the tree stays on its full image, in the
	// order the scan found them.
	Blockers []SlimBlocker
	Host     *aptHost
	ManDir   transform.Msg // why the tree needs /usr/share/man/man1, zero when it does not
	ctx      fs.FS         // the build context, nil when unknown
	// pathCopy is set once a COPY from the context writes into a PATH
	// folder (or above one): only then are programs run by name looked up.
	pathCopy bool

	st      *parser.Stage
	in      *parser.Instruction
	wd      string
	copies  []ctxCopy
	scripts map[string]bool
	state   map[*parser.Stage]slimState
}

// slimState is what a stage built on another inherits.
type slimState struct {
	wd     string
	copies []ctxCopy
}

// aptHost is the root stage's first unconditional apt-get install.
type aptHost struct{ Off, End, Line int }

// ctxCopy is a COPY or ADD from the build context.
type ctxCopy struct {
	srcs []string
	dest string // absolute
	dir  bool   // dest is a folder (ends in / or several sources)
	line int
}

// NewSlimScan prepares the scan of tree, a root stage and the stages built
// on it, against base, the verdict on the root's base image.
func NewSlimScan(u *transform.Unit, tree []*parser.Stage, base SlimBase) *SlimScan {
	return &SlimScan{Doc: u.Doc, ctx: u.Opts.Context, Tree: tree, base: base, removed: removedPackages(base.layers),
		Has: map[string]int{}, scripts: map[string]bool{}, state: map[*parser.Stage]slimState{}}
}

// refuse records a blocker of the stage being scanned at line.
func (s *SlimScan) refuse(line int, code transform.Code, format string, args ...any) {
	s.Blockers = append(s.Blockers, SlimBlocker{St: s.st, Line: line, Code: code, Msg: transform.Msgf(format, args...)})
}

// slimName is the new base, for messages.
func (s *SlimScan) slimName() string { return s.base.newRef }

// Scan finds what the tree needs of the packages base lacks, and every
// reason it stays (Blockers).
func (s *SlimScan) Scan() {
	for _, st := range s.Tree {
		s.st = st
		s.wd, s.copies = "/", nil
		if p := stages.ParentStage(s.Doc, st); p != nil {
			ps := s.state[p]
			s.wd, s.copies = ps.wd, slices.Clone(ps.copies)
		}
		for _, in := range st.Instructions[1:] {
			s.in = in
			s.instruction(in)
		}
		s.state[st] = slimState{s.wd, s.copies}
	}
	if st := s.baseImage(); st != nil {
		s.st = st
		s.refuse(st.From.StartLine, SlimBaseImage, "%s is the image the file builds and has no CMD or ENTRYPOINT of its own: it is a base or tool image whose users run commands docklean cannot read, and they may need what %s has; keep the base", stages.StageName(st), s.base.Ref)
	}
}

// baseImage returns the file's last stage, the image docker build makes,
// when it is in the tree and neither it nor a stage of the tree it is built
// on sets CMD or ENTRYPOINT; nil otherwise.
func (s *SlimScan) baseImage() *parser.Stage {
	if last, in := stages.FinalCommand(s.Doc, s.Tree); in == nil {
		return last
	}
	return nil
}

func (s *SlimScan) instruction(in *parser.Instruction) {
	switch in.Keyword {
	case "workdir":
		if len(in.Args) > 0 && !strings.Contains(in.Args[0], "$") {
			s.wd = stages.AbsPath(s.wd, in.Args[0])
		}
	case "copy", "add":
		from := ""
		for _, f := range in.Flags {
			if v, ok := strings.CutPrefix(f, "--from="); ok {
				from = v
			}
		}
		if len(in.Args) < 2 {
			return
		}
		if from != "" {
			if len(s.base.layers) > 0 && !Portable(in.Args) {
				s.refuse(in.StartLine, SlimCopyFrom, "%v copies files out of %s that may be programs or native libraries linked against libraries the full image has and %s lacks (libpq, libxml2, libssl …); docklean cannot tell which", transform.Line(in.StartLine), from, s.slimName())
			}
			return
		}
		dest := in.Args[len(in.Args)-1]
		if strings.Contains(dest, "$") {
			return
		}
		abs := stages.AbsPath(s.wd, dest)
		s.recordADD(in, abs)
		for _, d := range pathDirs {
			s.pathCopy = s.pathCopy || abs == d || strings.HasPrefix(abs, d+"/") || strings.HasPrefix(d, abs+"/") || abs == "/"
		}
		s.copies = append(s.copies, ctxCopy{srcs: in.Args[:len(in.Args)-1], dest: abs,
			dir: strings.HasSuffix(dest, "/") || len(in.Args) > 2 || abs == s.wd || dest == "." || dest == "..", line: in.StartLine})
	case "run":
		n := len(s.copies)
		defer func() { s.copies = s.copies[:n] }() // bind mounts last for this RUN only
		for _, f := range in.Flags {
			if m, ok := strings.CutPrefix(f, "--mount="); ok {
				s.bindMount(m, in.StartLine)
			}
		}
		switch {
		case s.recordFetches(in):
		case in.Shell != nil && len(in.Shell.Shebang) > 0 && !isShellName(path.Base(in.Shell.Shebang[len(in.Shell.Shebang)-1])) && !isShellName(path.Base(in.Shell.Shebang[0])):
			s.refuse(in.StartLine, SlimUnreadableShell, "the RUN on %v runs a %s program, whose commands docklean cannot read", transform.Line(in.StartLine), strings.Join(in.Shell.Shebang, " "))
		case in.Shell != nil && in.Shell.File != nil:
			sh := in.Shell
			s.walk(sh.File, func(n syntax.Node) int {
				if sh.Mapped() {
					start, _ := sh.Span(n)
					return start
				}
				return in.Start
			}, sh, 0)
		case in.Shell != nil:
			s.refuse(in.StartLine, SlimUnreadableShell, "docklean cannot parse the shell text of the RUN on %v", transform.Line(in.StartLine))
		case len(in.Heredocs) > 0:
			s.refuse(in.StartLine, SlimUnreadableShell, "the RUN on %v runs a here-document that is not a shell script, whose commands docklean cannot read", transform.Line(in.StartLine))
		case in.JSON && len(in.Args) > 0:
			s.exec(in.Args, in.Start)
		}
	case "cmd", "entrypoint":
		s.program(in.Args, in.JSON, len(s.Doc.Src))
	case "healthcheck":
		if len(in.Args) > 1 && strings.EqualFold(in.Args[0], "cmd") {
			s.program(in.Args[1:], in.JSON, len(s.Doc.Src))
		}
	}
}

// bindMount records a RUN --mount=type=bind of the build context as a COPY
// for the RUN, so that scripts run from it are read.
func (s *SlimScan) bindMount(spec string, line int) {
	kv := map[string]string{}
	for f := range strings.SplitSeq(spec, ",") {
		k, v, _ := strings.Cut(f, "=")
		kv[k] = v
	}
	if kv["type"] != "bind" || kv["from"] != "" {
		return
	}
	target := kv["target"]
	if target == "" {
		target = kv["dst"] + kv["destination"]
	}
	src := kv["source"] + kv["src"]
	if src == "" {
		src = "."
	}
	if target != "" && !strings.Contains(target+src, "$") {
		s.copies = append(s.copies, ctxCopy{srcs: []string{src}, dest: stages.AbsPath(s.wd, target), dir: true, line: line})
	}
}

// program looks at the programs of a CMD, ENTRYPOINT or HEALTHCHECK.
func (s *SlimScan) program(args []string, isJSON bool, off int) {
	if isJSON {
		s.exec(args, off)
		return
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(strings.Join(args, " ")), "")
	if err != nil {
		s.refuse(s.in.StartLine, SlimUnreadableShell, "docklean cannot parse the shell text of %v", transform.Line(s.in.StartLine))
		return
	}
	s.walk(f, func(syntax.Node) int { return off }, nil, 1)
}

// exec looks at an exec-form command.
func (s *SlimScan) exec(args []string, off int) {
	if len(args) == 0 {
		return
	}
	if isShellName(path.Base(args[0])) && len(args) >= 3 && args[1] == "-c" {
		s.shellText(args[2], off, 1)
		return
	}
	s.command(args, off, 1)
}

func isShellName(n string) bool { return n == "sh" || n == "bash" || n == "dash" }

// shellText parses shell text (sh -c "…") and walks it.
func (s *SlimScan) shellText(text string, off, depth int) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), "")
	if err != nil {
		s.refuse(s.in.StartLine, SlimUnreadableShell, "docklean cannot parse the shell text %q on %v", text, transform.Line(s.in.StartLine))
		return
	}
	s.walk(f, func(syntax.Node) int { return off }, nil, depth+1)
}

// walk looks at every simple command of a shell file; sh is the RUN's
// shell when f is its tree (for the apt-get install host), nil otherwise.
func (s *SlimScan) walk(f *syntax.File, offOf func(syntax.Node) int, sh *parser.Shell, depth int) {
	if depth > 4 {
		return
	}
	var top map[*syntax.Stmt]bool // the RUN's top-level && list
	if sh != nil && s.st == s.Tree[0] && s.Host == nil {
		top = map[*syntax.Stmt]bool{}
		for _, st := range shellx.FlattenAnd(f) {
			top[st] = true
		}
	}
	parser.Walk(f, func(n syntax.Node) bool {
		st, ok := n.(*syntax.Stmt)
		if !ok {
			return true
		}
		call, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		words := unwrap(call.Args)
		if len(words) == 0 {
			return true
		}
		args := make([]string, len(words))
		for i, w := range words {
			args[i], _ = shellx.WordLit(w)
		}
		if _, lit := shellx.WordLit(words[0]); !lit && isArgsWord(slimWordText(words[0])) {
			return true // runs the script's arguments: the CMD, looked at on its own
		}
		if args[0] == "" && len(s.base.layers) > 0 {
			last, _ := words[0].Parts[len(words[0].Parts)-1].(*syntax.Lit)
			if last == nil || !strings.Contains(last.Value, "/") {
				s.refuse(s.in.StartLine, SlimVariableCommand, "%v runs a command named by a variable (%s), so docklean cannot tell whether %s has it", transform.Line(s.in.StartLine), slimWordText(words[0]), s.slimName())
				return false
			}
			args[0] = last.Value[strings.LastIndexByte(last.Value, '/'):]
		}
		off := offOf(call)
		if top[st] && (args[0] == "apt-get" || args[0] == "apt") && slices.Contains(args, "install") && s.Host == nil {
			_, end := sh.Span(words[len(words)-1])
			s.Host = &aptHost{Off: off, End: end, Line: s.in.StartLine}
		}
		s.command(args, off, depth)
		return true
	})
}

// isArgsWord reports whether w runs the script's arguments ("$@", $*).
func isArgsWord(w string) bool {
	return w == `"$@"` || w == "$@" || w == `"$*"` || w == "$*"
}

// slimWordText is a word as the shell would print it, for messages.
func slimWordText(w *syntax.Word) string {
	var b strings.Builder
	syntax.NewPrinter().Print(&b, w)
	return b.String()
}

// unwrap drops the commands that run another command: sudo, env, exec,
// command, time, nohup, nice, xargs and timeout with their options.
func unwrap(words []*syntax.Word) []*syntax.Word {
	for len(words) > 0 {
		w, _ := shellx.WordLit(words[0])
		switch w {
		case "sudo", "env", "exec", "command", "time", "nohup", "nice", "xargs", "timeout", "stdbuf":
			words = words[1:]
			for len(words) > 0 {
				a, _ := shellx.WordLit(words[0])
				if strings.HasPrefix(a, "-") || w == "env" && strings.Contains(a, "=") {
					words = words[1:]
					continue
				}
				break
			}
			if w == "timeout" && len(words) > 0 {
				words = words[1:]
			}
			if w == "xargs" {
				// options with a value: -n 1, -I {}, -P 4 …
				for len(words) > 1 {
					a, _ := shellx.WordLit(words[0])
					if a != "" && strings.Trim(a, "0123456789") == "" || a == "{}" || a == "%" {
						words = words[1:]
						continue
					}
					break
				}
			}
			continue
		}
		return words
	}
	return words
}

// compilers are the commands that build code with the full image's
// compilers and headers.
var compilers = map[string]bool{"gcc": true, "cc": true, "g++": true, "c++": true, "make": true, "configure": true,
	"cmake": true, "autoreconf": true, "autoconf": true, "automake": true, "ninja": true, "meson": true, "ld": true, "cpp": true}

// command looks at one simple command (args[0] is the program as written).
func (s *SlimScan) command(args []string, off, depth int) {
	prog := args[0]
	name := path.Base(prog)
	line := s.in.StartLine
	sub := ""
	for _, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			sub = a
			break
		}
	}
	if s.base.manless() && s.ManDir.IsZero() && installsDebs(name, sub, args) {
		s.ManDir = transform.Msgf("%v installs Debian packages, and %s, last published %s, lacks the /usr/share/man/man* folders where update-alternatives links man pages (postgresql-client, openjdk …)", transform.Line(line), s.slimName(), s.base.lastSeen)
	}
	if len(s.base.layers) == 0 && name != "apt-get" && name != "apt" {
		return // debian:X and X-slim have the same packages: only apt-get installs matter
	}
	if fa := FileArgs(args); (ScriptRunners[name] || commands.PythonName.MatchString(name)) && len(fa) > 0 && s.refuseFetched(fa[0]) {
		return
	}
	switch {
	case compilers[name]:
		s.refuse(line, SlimCompiler, "%v runs %s: a build of unknown sources may use any of the compilers and libraries of %s (the %d packages of buildpack-deps' full layer: gcc, make, -dev headers …), and docklean cannot tell which", transform.Line(line), name, s.base.Ref, len(slimLayers()["full"]))
		return
	case name == "bzr" && s.removed["git"] != "":
		s.refuse(line, SlimBzr, "%v runs bzr, which buildpack-deps' scm layer installed on Debian jessie and stretch (until 2022) and no longer does: docklean cannot tell whether %s has it", transform.Line(line), s.base.Ref)
		return
	case JVMBuilds[name]:
		s.refuse(line, SlimBuildTool, "%v runs %s: its plugins and tasks may run any program of %s (git, ps, ssh, unzip, bzip2, xz …, which %s lacks), and docklean does not read the build files to tell which", transform.Line(line), name, s.base.Ref, s.slimName())
		return
	case isShellName(name):
		for i := 1; i < len(args); i++ {
			switch a := args[i]; {
			case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.HasSuffix(a, "c") && i+1 < len(args):
				s.shellText(args[i+1], off, depth)
				return
			case strings.HasPrefix(a, "-"):
			case a != "":
				s.script(a, off, depth)
				return
			}
		}
		return
	case name == "." || name == "source":
		if len(args) > 1 {
			s.script(args[1], off, depth)
		}
		return
	case name == "apt-get" || name == "apt":
		if sub == "install" {
			i := slices.Index(args, "install")
			for _, a := range args[i+1:] {
				p, _, _ := strings.Cut(a, "=")
				if p == "" || strings.HasPrefix(p, "-") {
					continue
				}
				if _, ok := s.Has[p]; !ok {
					s.Has[p] = off
				}
				if (strings.HasPrefix(p, "openjdk-") || strings.HasPrefix(p, "default-j")) && s.ManDir.IsZero() {
					s.ManDir = transform.Msgf("%v installs %s, whose setup links its man pages into /usr/share/man/man1, a folder -slim images do not have", transform.Line(line), p)
				}
			}
		}
		return
	case commands.PipName.MatchString(name):
		if sub == "install" {
			s.pip(args[slices.Index(args, "install")+1:], off)
		}
		return
	case commands.PythonName.MatchString(name) && len(args) > 3 && args[1] == "-m" && commands.PipName.MatchString(args[2]):
		if args[3] == "install" {
			s.pip(args[4:], off)
		}
		return
	case commands.PythonName.MatchString(name) && len(args) > 1 && strings.HasSuffix(args[1], "setup.py"):
		s.refuse(line, SlimCompiler, "%v runs setup.py, which may compile C code with the full image's compilers and headers", transform.Line(line))
		return
	case name == "uv":
		if len(args) > 2 && args[1] == "pip" && args[2] == "install" {
			s.pip(args[3:], off)
		} else if sub == "sync" {
			s.refuse(line, SlimLockFile, "%v runs uv sync; docklean does not read uv.lock to tell whether a package compiles", transform.Line(line))
		}
		return
	case name == "poetry" || name == "pipenv" || name == "pdm" || name == "conda":
		if sub == "install" || sub == "sync" {
			s.refuse(line, SlimLockFile, "%v runs %s %s; docklean does not read its lock file to tell whether a package compiles", transform.Line(line), name, sub)
		}
		return
	case name == "npm" || name == "yarn" || name == "pnpm":
		s.node(name, args, sub, off)
		return
	case name == "bundle":
		if sub == "install" || sub == "" {
			s.bundle(off)
		}
		return
	case name == "gem":
		if sub == "install" {
			s.gemInstall(args[slices.Index(args, "install")+1:], off)
		}
		return
	case name == "cargo":
		if sub == "build" || sub == "install" || sub == "run" || sub == "test" {
			s.cargo(args, sub, off)
		}
		return
	case name == "cpanm" || name == "cpan":
		s.refuse(line, SlimCompiler, "%v runs %s; Perl modules may compile XS code with the full image's compilers and headers, and docklean cannot tell which", transform.Line(line), name)
		return
	case name == "node-gyp":
		s.nodeTools(off, transform.Msgf("%v runs node-gyp", transform.Line(line)))
		return
	}
	if c, ok := slimCommands()[name]; ok && s.removed[c.pkg] != "" && !(c.pkg == "python3" && s.base.python()) {
		s.need(c.pkg, off, transform.Msgf("%v runs %s, which %s has and %s lacks", transform.Line(line), name, s.base.Ref, s.slimName()))
		if (name == "curl" || name == "wget" || name == "git" || name == "hg" || name == "svn" || name == "gpg") && !s.base.python() {
			// (python's -slim keeps ca-certificates)
			s.need("ca-certificates", off, transform.Msgf("%v runs %s, which needs the CA certificates for https", transform.Line(line), name))
		}
		return
	}
	if strings.Contains(prog, "/") {
		s.script(prog, off, depth)
		return
	}
	if s.refuseFetched(prog) {
		return
	}
	if !s.pathCopy {
		return // no COPY puts anything into a PATH folder: skip the lookups
	}
	for _, dir := range pathDirs {
		if _, _, mapped, _ := s.readCtx(path.Join(dir, prog), true); mapped {
			s.script(path.Join(dir, prog), off, depth) // a program copied into a PATH folder, run by name
			return
		}
	}
}

// installsDebs reports whether a command installs Debian packages: apt-get,
// apt or aptitude install, or dpkg -i.
func installsDebs(name, sub string, args []string) bool {
	switch name {
	case "apt-get", "apt", "aptitude":
		return sub == "install"
	case "dpkg":
		return slices.Contains(args, "-i") || slices.Contains(args, "--install")
	}
	return false
}

// need records a package the tree needs from off on.
func (s *SlimScan) need(pkg string, off int, why transform.Msg) {
	s.Needs = append(s.Needs, slimNeed{pkg, why, off})
}

// nodeTools records python3, make and g++, what node-gyp builds with.
func (s *SlimScan) nodeTools(off int, why transform.Msg) {
	for _, p := range []string{"g++", "make", "python3"} {
		s.need(p, off, transform.Msgf("%v; node-gyp builds native modules with python3, make and g++", why))
	}
}

// script reads a script the stage runs when it was copied from the build
// context, and looks at its commands. A script not copied from the
// context (from the image, or made by a RUN) is left alone.
func (s *SlimScan) script(p string, off, depth int) {
	if strings.Contains(p, "$") {
		return
	}
	data, line, mapped, err := s.readCtx(p, true)
	if !mapped {
		s.refuseFetched(p)
		return
	}
	if err != nil {
		s.refuse(s.in.StartLine, SlimContextFile, "%v runs %s, copied from the build context on %v, which docklean cannot read (%v); pass the context with --context", transform.Line(s.in.StartLine), p, transform.Line(line), err)
		return
	}
	abs := stages.AbsPath(s.wd, p)
	if s.scripts[abs] {
		return
	}
	s.scripts[abs] = true
	text := string(data)
	if first, _, _ := strings.Cut(text, "\n"); strings.HasPrefix(first, "#!") && !shShebang.MatchString(first) {
		s.refuse(s.in.StartLine, SlimUnreadableShell, "%v runs %s, a %s script, whose commands docklean cannot read", transform.Line(s.in.StartLine), p, strings.TrimPrefix(first, "#!"))
		return
	}
	f, perr := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(text), p)
	if perr != nil {
		s.refuse(s.in.StartLine, SlimUnreadableShell, "%v runs %s, which docklean cannot parse as a shell script: %v", transform.Line(s.in.StartLine), p, perr)
		return
	}
	s.walk(f, func(syntax.Node) int { return off }, nil, depth+1)
}

// readCtx finds the file at p (relative to the working folder) among the
// COPYs from the build context and reads it. mapped is false when no COPY
// put it there; scriptOnly limits folder COPYs to .sh and .bash files when
// the context cannot be read (other files there may come from a RUN).
func (s *SlimScan) readCtx(p string, scriptOnly bool) (data []byte, line int, mapped bool, err error) {
	abs := stages.AbsPath(s.wd, p)
	ctx := s.ctx
	for i := len(s.copies) - 1; i >= 0; i-- {
		c := s.copies[i]
		for _, src := range c.srcs {
			if strings.Contains(src, "://") || strings.Contains(src, "$") {
				continue
			}
			src = path.Clean(strings.TrimPrefix(src, "/"))
			var cp string
			isDir := src == "."
			if ctx != nil && !isDir {
				if st, e := fs.Stat(ctx, src); e == nil && st.IsDir() {
					isDir = true
				}
			}
			switch {
			case strings.ContainsAny(src, "*?["):
				dest := c.dest
				if ok, _ := path.Match(path.Base(src), path.Base(abs)); ok && path.Dir(abs) == dest {
					cp = path.Join(path.Dir(src), path.Base(abs))
				}
			case isDir || ctx == nil && c.dir && path.Ext(src) == "":
				if abs == c.dest || strings.HasPrefix(abs, strings.TrimSuffix(c.dest, "/")+"/") {
					rel := strings.TrimPrefix(strings.TrimPrefix(abs, c.dest), "/")
					if ctx == nil && scriptOnly && !strings.HasSuffix(rel, ".sh") && !strings.HasSuffix(rel, ".bash") {
						continue
					}
					cp = path.Join(src, rel)
				}
			default:
				target := c.dest
				if c.dir {
					target = path.Join(c.dest, path.Base(src))
				}
				if target == abs {
					cp = src
				}
			}
			if cp == "" {
				continue
			}
			if ctx == nil {
				return nil, c.line, true, fmt.Errorf("no build context")
			}
			data, err := fs.ReadFile(ctx, cp)
			if err != nil && (isDir || strings.ContainsAny(src, "*?[")) {
				continue // not in the context: made by a RUN, or not there at all
			}
			return data, c.line, true, err
		}
	}
	return nil, 0, false, nil
}

// ctxFile reads a file of the working folder that came from the context;
// ok is false when it cannot.
func (s *SlimScan) ctxFile(name string) ([]byte, bool) {
	data, _, mapped, err := s.readCtx(name, false)
	return data, mapped && err == nil
}

// node decides what npm, yarn or pnpm installing packages needs.
func (s *SlimScan) node(tool string, args []string, sub string, off int) {
	line := s.in.StartLine
	switch {
	case tool == "yarn" && (sub == "" || sub == "install"),
		tool == "npm" && (sub == "ci" || sub == "install" || sub == "i"),
		tool == "pnpm" && (sub == "install" || sub == "i"):
	case sub == "add" && tool != "npm":
	default:
		return
	}
	named := false
	i := slices.Index(args, sub)
	for _, a := range args[i+1:] {
		if a != "" && !strings.HasPrefix(a, "-") || a == "" {
			named = true
		}
	}
	cmd := tool + " " + sub
	if sub == "" {
		cmd = tool
	}
	if named || sub == "add" {
		for _, a := range args[i+1:] {
			if n := npmLibPackage(a); n != "" {
				s.refuse(line, SlimNativeLibrary, "%v runs %s %s, whose native build links libraries of the full image (-dev packages docklean cannot list)", transform.Line(line), cmd, n)
				return
			}
		}
		s.nodeTools(off, transform.Msgf("%v runs %s with packages docklean does not know", transform.Line(line), cmd))
		return
	}
	for _, lock := range []string{"package-lock.json", "npm-shrinkwrap.json"} {
		if data, ok := s.ctxFile(lock); ok {
			text := string(data)
			for _, m := range npmLockPackage.FindAllStringSubmatch(text, -1) {
				if n := npmLibPackage(m[1]); n != "" {
					s.refuse(line, SlimNativeLibrary, "%v runs %s and %s has %s, whose native build links libraries of the full image (-dev packages docklean cannot list)", transform.Line(line), cmd, lock, n)
					return
				}
			}
			if npmInstallScript.MatchString(text) {
				s.nodeTools(off, transform.Msgf("%v runs %s and %s lists packages with install scripts", transform.Line(line), cmd, lock))
			}
			if npmGitDep.MatchString(text) {
				s.need("git", off, transform.Msgf("%v runs %s and %s has packages from git", transform.Line(line), cmd, lock))
				s.need("ca-certificates", off, transform.Msgf("%v runs %s, which fetches git packages over https", transform.Line(line), cmd))
			}
			return
		}
	}
	data, ok := s.ctxFile("package.json")
	if !ok {
		s.refuse(line, SlimContextFile, "%v runs %s and docklean cannot read package.json from the build context, so it cannot tell whether a dependency needs git or libraries of the full image; give --context", transform.Line(line), cmd)
		return
	}
	var pj map[string]json.RawMessage
	if json.Unmarshal(data, &pj) != nil {
		s.refuse(line, SlimContextFile, "%v runs %s and package.json does not parse, so docklean cannot tell what its dependencies need", transform.Line(line), cmd)
		return
	}
	deps := 0
	git := false
	for _, k := range []string{"dependencies", "devDependencies", "optionalDependencies"} {
		var m map[string]string
		_ = json.Unmarshal(pj[k], &m)
		deps += len(m)
		for k := range m {
			if n := npmLibPackage(k); n != "" {
				s.refuse(line, SlimNativeLibrary, "%v runs %s and package.json depends on %s, whose native build links libraries of the full image (-dev packages docklean cannot list)", transform.Line(line), cmd, n)
				return
			}
		}
		for _, v := range m {
			git = git || strings.HasPrefix(v, "git") || strings.Contains(v, "github:")
		}
	}
	if git {
		s.need("git", off, transform.Msgf("%v runs %s and package.json has dependencies from git", transform.Line(line), cmd))
		s.need("ca-certificates", off, transform.Msgf("%v runs %s, which fetches git packages over https", transform.Line(line), cmd))
	}
	if deps > 0 {
		s.nodeTools(off, transform.Msgf("%v runs %s and no package-lock.json says whether its %d dependencies build native modules", transform.Line(line), cmd, deps))
	}
}

// npmLibs are npm packages whose install builds native code against system
// libraries that the full node image has (its buildpack-deps layers: cairo,
// pango, libpq, librdkafka's ssl/sasl, krb5, unixODBC, libudev, X11/GL
// headers) and node:*-slim has not; their READMEs list those -dev packages.
var npmLibs = []string{"canvas", "pg-native", "libpq", "node-rdkafka", "kerberos", "odbc", "usb", "gl", "node-libcurl", "sqlite3-offline"}

// npmLibPackage returns the package name of an npm package argument
// (name, name@version, @scope/name@version) when it is one of npmLibs.
func npmLibPackage(arg string) string {
	name := arg
	if at := strings.LastIndex(arg, "@"); at > 0 {
		name = arg[:at]
	}
	if slices.Contains(npmLibs, name) {
		return name
	}
	return ""
}

// slimNeed is a package a stage of the tree needs from offset off on.
type slimNeed struct {
	Pkg string
	Why transform.Msg
	Off int
}

// SlimBlocker is a reason a tree stays on its full image: the stage and
// line it is about, its code, and its message (lines as data, so that the
// alpine pass, which runs the scan too, can report it as its own).
type SlimBlocker struct {
	St   *parser.Stage
	Line int
	Code transform.Code
	Msg  transform.Msg
}

// removedPackages returns the packages of the layers, with their layer.
func removedPackages(layers []string) map[string]string {
	m := map[string]string{}
	for _, l := range layers {
		for _, p := range slimLayers()[l] {
			m[p] = l
		}
	}
	for _, sc := range slimCommands() {
		if l, ok := strings.CutPrefix(sc.layer, "dep-"); ok && slices.Contains(layers, l) {
			m[sc.pkg] = l
		}
	}
	return m
}
