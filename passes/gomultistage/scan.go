package gomultistage

import (
	"io/fs"
	"maps"
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

// goBinary is one program a go build or go install writes.
type goBinary struct {
	paths []string // absolute paths in the builder (mv/cp add more)
	built string   // the path the go command writes
	texts []string // the same paths as the runtime stage writes them
	in    *parser.Instruction
	call  *syntax.CallExpr
	dir   string // where the go command runs
	// guess is set when the default name depends on a go.mod docklean
	// cannot read: the binary lands in dir under a name it does not know.
	guess   bool
	install bool
	remote  bool   // go install module@version: built from a download, not the context
	cgo     string // CGO_ENABLED as set on the command line, "" when unset
	tags    []string
	flags   []string // -race, -linkmode=external ...: flags that need cgo
	// ranInBuild is set when a later RUN runs the binary: a build tool.
	ranInBuild bool
}

// goDirs are folders that exist in the official golang images; go build -o
// with one of them writes into it.
var goDirs = []string{"/", "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin",
	"/go", "/go/bin", "/go/src", "/usr/local/go/bin", "/tmp", "/root", "/opt", "/srv", "/home", "/etc"}

// goPath is the PATH of the official golang images.
var goPath = []string{"/go/bin", "/usr/local/go/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// runtimePath is the default PATH of a container whose image sets none
// (scratch), and the PATH of alpine and distroless.
var runtimePath = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// harmless are commands that neither build the program nor leave files the
// program could need at run time.
var harmless = map[string]bool{
	"mkdir": true, "rm": true, "chmod": true, "chown": true, "ls": true, "echo": true, "true": true,
	"test": true, "[": true, "set": true, "pwd": true, "git": true, "adduser": true, "useradd": true,
	"addgroup": true, "groupadd": true, "upx": true, "strip": true, "file": true, "ldd": true,
	"which": true, "id": true, "whoami": true, "printf": true, "sleep": true, "update-ca-certificates": true,
	"apt-cache": true, "export": true, "go": true, "cd": true, "apk": true, "apt-get": true, "apt": true,
	"exit": true, "env": true, "uname": true,
}

// builders are build drivers that hide which binaries they produce.
var builders = map[string]bool{"make": true, "mage": true, "task": true, "just": true, "goreleaser": true, "bazel": true, "bazelisk": true, "ko": true, "gox": true, "scons": true}

var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true}

// scanRun reads one shell-form RUN.
func (g *goStage) scanRun(in *parser.Instruction) error {
	if in.Shell == nil || len(in.Heredocs) > 0 {
		return g.refuse(in.StartLine, codeUnreadable, "RUN in exec or heredoc form: docklean reads shell-form RUNs only, so it cannot tell what this one builds")
	}
	if in.Shell.Err != nil || !in.Shell.Mapped() {
		return g.refuse(in.StartLine, codeUnreadable, "the RUN at %v is not valid shell", transform.Line(in.StartLine))
	}
	env := map[string]string{}
	_, err := g.stmts(in, in.Shell.File.Stmts, g.dir, env)
	return err
}

func (g *goStage) stmts(in *parser.Instruction, list []*syntax.Stmt, dir string, env map[string]string) (string, error) {
	for _, s := range list {
		var err error
		if dir, err = g.stmt(in, s, dir, env); err != nil {
			return dir, err
		}
	}
	return dir, nil
}

func (g *goStage) stmt(in *parser.Instruction, s *syntax.Stmt, dir string, env map[string]string) (string, error) {
	for _, r := range s.Redirs {
		if r.Op == syntax.RdrOut || r.Op == syntax.AppOut || r.Op == syntax.RdrAll || r.Op == syntax.AppAll || r.Op == syntax.RdrClob {
			if t, ok := shellx.WordLit(r.Word); !ok || !strings.HasPrefix(t, "/dev/") {
				g.block(in.StartLine, codeRuntimeFiles, "runtime files cannot be determined: the RUN at %v writes a file with a redirection", transform.Line(in.StartLine))
			}
		}
	}
	switch c := s.Cmd.(type) {
	case *syntax.CallExpr:
		return g.call(in, c, dir, env)
	case *syntax.BinaryCmd:
		d, err := g.stmt(in, c.X, dir, env)
		if err != nil {
			return dir, err
		}
		if c.Op != syntax.AndStmt {
			d = dir
		}
		return g.stmt(in, c.Y, d, env)
	case *syntax.Block:
		return g.stmts(in, c.Stmts, dir, env)
	case *syntax.Subshell:
		_, err := g.stmts(in, c.Stmts, dir, maps.Clone(env))
		return dir, err
	}
	var err error
	parser.Walk(s, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && err == nil && len(call.Args) > 0 {
			if name, _ := shellx.WordLit(call.Args[0]); name == "go" || builders[path.Base(name)] {
				err = g.refuse(in.StartLine, codeUnreadable, "the RUN at %v builds inside a shell loop or condition; docklean cannot tell which binaries it produces", transform.Line(in.StartLine))
			}
		}
		return err == nil
	})
	if err == nil {
		g.block(in.StartLine, codeRuntimeFiles, "runtime files cannot be determined: the RUN at %v uses shell control flow", transform.Line(in.StartLine))
	}
	return dir, err
}

func (g *goStage) call(in *parser.Instruction, c *syntax.CallExpr, dir string, env map[string]string) (string, error) {
	cmdEnv := maps.Clone(env)
	for _, a := range c.Assigns {
		if a.Value == nil || a.Name == nil {
			continue
		}
		if v, ok := g.shWord(a.Value, env); ok {
			cmdEnv[a.Name.Value] = v.value
			if len(c.Args) == 0 {
				env[a.Name.Value] = v.value
			}
		}
	}
	if len(c.Args) == 0 {
		return dir, nil
	}
	// args are the words' values; known[i] is false for a word with an
	// expansion docklean cannot resolve (its value is then its source
	// text, so that nothing reads it as a literal).
	var args []string
	var words []expansion
	var known []bool
	for _, w := range c.Args {
		e, ok := g.shWord(w, env)
		if !ok {
			e.value = shellx.WordText(in.Shell, w)
		}
		args = append(args, e.value)
		words = append(words, e)
		known = append(known, ok)
	}
	name := args[0]
	base := path.Base(name)
	switch {
	case !known[0]:
		return dir, g.refuse(in.StartLine, codeVariable, "the RUN at %v runs a command named by a variable", transform.Line(in.StartLine))
	case name == "cd":
		if len(args) < 2 {
			return "/root", nil
		}
		if !known[1] {
			return dir, g.refuse(in.StartLine, codeVariable, "binary unknown: the RUN at %v changes to a folder named by an unknown variable", transform.Line(in.StartLine))
		}
		return stages.AbsPath(dir, args[1]), nil
	case name == "export":
		for i, a := range args[1:] {
			if k, v, ok := strings.Cut(a, "="); ok && known[i+1] {
				env[k] = v
			}
		}
		return dir, nil
	case name == "go":
		return dir, g.goCmd(in, c, args, known, words, dir, cmdEnv)
	case name == "mkdir":
		for i, a := range args[1:] {
			if !strings.HasPrefix(a, "-") && known[i+1] {
				g.dirs[stages.AbsPath(dir, a)] = true
			}
		}
	case name == "apk" || name == "apt-get" || name == "apt":
		g.packages(in.StartLine, args, known)
	case name == "mv" || name == "cp":
		g.move(in, c, args, known, words, dir, name == "mv")
	case builders[base]:
		return dir, g.refuse(in.StartLine, codeBuildDriver, "builds with %s: docklean cannot see which binary it produces; write the go build in the Dockerfile or keep the stage as it is", base)
	case shells[base] || strings.HasSuffix(name, ".sh") || strings.HasPrefix(name, "./") || strings.HasPrefix(name, "/"):
		return dir, g.refuse(in.StartLine, codeBuildDriver, "the RUN at %v runs a script (%s): docklean cannot see which binary it produces or which files it leaves", transform.Line(in.StartLine), name)
	case harmless[name]:
	default:
		if !g.isTool(name) {
			g.block(in.StartLine, codeRuntimeFiles, "runtime files cannot be determined: the RUN at %v runs %s, which may create files the program needs", transform.Line(in.StartLine), name)
		}
	}
	return dir, nil
}

// isTool reports whether name is a program an earlier go install put on PATH
// (a build tool such as swag or templ).
func (g *goStage) isTool(name string) bool {
	for _, b := range g.bins {
		for _, p := range b.paths {
			if p == name || path.Base(p) == name && slices.Contains(goPath, path.Dir(p)) {
				b.ranInBuild = true
				return true
			}
		}
	}
	return false
}

// move follows "mv BIN DEST" / "cp BIN DEST" of a built binary.
func (g *goStage) move(in *parser.Instruction, c *syntax.CallExpr, args []string, known []bool, words []expansion, dir string, mv bool) {
	var ops []int
	for i, a := range args[1:] {
		if !strings.HasPrefix(a, "-") {
			ops = append(ops, i+1)
		}
	}
	if len(ops) == 2 && known[ops[0]] && known[ops[1]] {
		src := stages.AbsPath(dir, args[ops[0]])
		for _, b := range g.bins {
			i := slices.Index(b.paths, src)
			if i < 0 {
				continue
			}
			dst, w := stages.AbsPath(dir, args[ops[1]]), words[ops[1]]
			dstText := joinText(dir, w)
			if strings.HasSuffix(args[ops[1]], "/") || g.dirs[dst] || slices.Contains(goDirs, dst) {
				dst, dstText = path.Join(dst, path.Base(src)), path.Join(dstText, path.Base(src))
			}
			if mv {
				b.paths, b.texts = slices.Delete(b.paths, i, i+1), slices.Delete(b.texts, i, i+1)
			}
			b.paths, b.texts = append(b.paths, dst), append(b.texts, dstText)
			return
		}
	}
	var text []string
	for _, w := range c.Args {
		text = append(text, shellx.WordText(in.Shell, w))
	}
	g.block(in.StartLine, codeRuntimeFiles, "runtime files cannot be determined: the RUN at %v copies or moves files (%s)", transform.Line(in.StartLine), strings.Join(text, " "))
}

// goBuildValueFlags are the go build flags that take a value.
var goBuildValueFlags = map[string]bool{
	"o": true, "p": true, "C": true, "asmflags": true, "buildmode": true, "compiler": true, "gccgoflags": true,
	"gcflags": true, "installsuffix": true, "ldflags": true, "mod": true, "modfile": true, "overlay": true,
	"pgo": true, "pkgdir": true, "tags": true, "toolexec": true, "coverpkg": true, "covermode": true,
}

// cgoTags are build tags that select cgo code.
var cgoTags = map[string]bool{"cgo": true, "netcgo": true, "libsqlite3": true, "dynamic": true, "musl": true}

var externalLink = regexp.MustCompile(`-linkmode[= ]+external`)

func (g *goStage) goCmd(in *parser.Instruction, c *syntax.CallExpr, args []string, known []bool, words []expansion, dir string, env map[string]string) error {
	if len(args) < 2 {
		return nil
	}
	switch args[1] {
	case "run":
		g.block(in.StartLine, codeGoRun, "the stage runs `go run`: there is no binary to ship; build one with go build -o and run it")
		return nil
	case "build", "install":
	default:
		return nil
	}
	b := &goBinary{in: in, call: c, dir: dir, install: args[1] == "install", cgo: env["CGO_ENABLED"]}
	var out *expansion
	var pkgs, pkgText []string
	var pkgsKnown []bool
	for i := 2; i < len(args); i++ {
		// A word with an expansion docklean cannot resolve is read from
		// its source text: -ldflags="-X main.version=$(git describe)" is
		// still a flag.
		a, isKnown := args[i], known[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			pkgs, pkgsKnown = args[i:], known[i:]
			for _, w := range c.Args[i:] {
				pkgText = append(pkgText, shellx.WordText(in.Shell, w))
			}
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if goBuildValueFlags[name] && !hasVal {
			if i++; i >= len(args) {
				break
			}
			val, isKnown = args[i], known[i]
		}
		switch name {
		case "o":
			w := words[i]
			out = &w
			if !isKnown {
				return g.refuse(in.StartLine, codeVariable, "binary unknown: go build -o uses a variable docklean cannot resolve")
			}
		case "C":
			if !isKnown {
				return g.refuse(in.StartLine, codeVariable, "binary unknown: go build -C uses a variable docklean cannot resolve")
			}
			dir = stages.AbsPath(dir, val)
			b.dir = dir
		case "race", "msan", "asan":
			b.flags = append(b.flags, "-"+name)
		case "ldflags":
			if externalLink.MatchString(val) {
				b.flags = append(b.flags, "-ldflags -linkmode=external")
			}
		case "tags":
			b.tags = strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' })
		case "buildmode":
			if val != "exe" && val != "default" {
				return g.refuse(in.StartLine, codeBinary, "go build -buildmode=%s does not produce a program docklean can ship", val)
			}
		}
	}
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	for i, p := range pkgs {
		if strings.Contains(p, "...") || i < len(pkgsKnown) && !pkgsKnown[i] {
			return g.refuse(in.StartLine, codeSeveral, "several binaries: go %s %s builds packages docklean cannot list; build one package with -o", args[1], strings.Join(pkgText, " "))
		}
	}
	files := strings.HasSuffix(pkgs[0], ".go")
	if len(pkgs) > 1 && !files {
		return g.refuse(in.StartLine, codeSeveral, "several binaries: go %s builds %d packages", args[1], len(pkgs))
	}
	var name string
	switch {
	case files:
		name = strings.TrimSuffix(path.Base(pkgs[0]), ".go")
	case strings.Contains(pkgs[0], "@"):
		name = execName(strings.SplitN(pkgs[0], "@", 2)[0])
		b.remote = true
	case strings.HasPrefix(pkgs[0], ".") || strings.HasPrefix(pkgs[0], "/"):
		name = g.dirExecName(stages.AbsPath(dir, pkgs[0]), pkgs[0])
	default:
		name = execName(pkgs[0])
	}
	var bin, text string
	needName := true
	switch {
	case b.install:
		if out != nil {
			return g.refuse(in.StartLine, codeBinary, "go install does not take -o")
		}
		if env["GOOS"] != "" || env["GOARCH"] != "" || g.known("GOOS") || g.known("GOARCH") {
			return g.refuse(in.StartLine, codeBinary, "binary unknown: go install with GOOS/GOARCH set writes to a platform folder; use go build -o")
		}
		binDir := "/go/bin"
		if v, ok := env["GOBIN"]; ok {
			binDir = v
		} else if v := g.vars["GOBIN"]; v.known {
			binDir = v.value
		} else if v := g.vars["GOPATH"]; v.known {
			binDir = path.Join(strings.Split(v.value, ":")[0], "bin")
		}
		bin, text = path.Join(binDir, name), path.Join(binDir, name)
	case out != nil:
		bin, text = stages.AbsPath(dir, out.value), joinText(dir, *out)
		if strings.HasSuffix(out.value, "/") || g.dirs[bin] || slices.Contains(goDirs, bin) {
			bin, text = path.Join(bin, name), path.Join(text, name)
		} else {
			needName = false
		}
	default:
		bin, text = path.Join(dir, name), path.Join(dir, name)
	}
	if needName && name == "" {
		b.guess = true
		bin, text = "", ""
	}
	if bin != "" {
		b.paths, b.texts, b.built = []string{bin}, []string{text}, bin
	}
	g.bins = append(g.bins, b)
	return nil
}

// known reports whether the stage sets variable name to a non-empty value.
func (g *goStage) known(name string) bool {
	v, ok := g.vars[name]
	return ok && v.value != ""
}

// execName is the go command's default program name for an import path:
// its last element, or the one before a major version suffix (/v2).
func execName(importPath string) string {
	elem := path.Base(importPath)
	if elem != importPath && isVersionElem(elem) {
		elem = path.Base(path.Dir(importPath))
	}
	return elem
}

func isVersionElem(s string) bool {
	if len(s) < 2 || s[0] != 'v' || s[1] == '0' || s[1] == '1' && len(s) == 2 {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// dirExecName is the default program name of the package in builder folder
// dir: from the module path in the context's go.mod when docklean can map dir
// to the context, from the folder's name when it is below the module root or
// in GOPATH; "" when it depends on a go.mod docklean cannot read.
func (g *goStage) dirExecName(dir, arg string) string {
	if ctxDir, ok := g.toContext(dir); ok && g.src != nil {
		for d := ctxDir; ; d = path.Dir(d) {
			if mod, ok := g.src.Modules[d]; ok {
				rel := strings.TrimPrefix(strings.TrimPrefix(ctxDir, d), "/")
				return execName(path.Join(mod, rel))
			}
			if d == "." || d == "/" {
				break
			}
		}
	}
	if path.Clean(arg) != "." && !isVersionElem(path.Base(dir)) {
		return path.Base(dir)
	}
	if strings.HasPrefix(dir, "/go/src/") && !isVersionElem(path.Base(dir)) {
		return path.Base(dir)
	}
	return ""
}

// toContext maps a builder path to a context path through the stage's COPY
// instructions of the context (the last one that covers it wins).
func (g *goStage) toContext(p string) (string, bool) {
	s := g.sourceOf(p)
	if s == nil {
		return "", false
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(p, s.dest), "/")
	return path.Join(s.ctx, rel), true
}

// sourceOf returns the COPY of the context that put builder path p in place,
// or nil.
func (g *goStage) sourceOf(p string) *goSourceCopy {
	for i := len(g.sources) - 1; i >= 0; i-- {
		if s := &g.sources[i]; p == s.dest || strings.HasPrefix(p, s.dest+"/") || s.dest == "/" {
			return s
		}
	}
	return nil
}

// ownerFlags returns the --chown/--chmod flags of the COPY of the context
// that put builder path p in place, so that the runtime stage copies it with
// the same owner.
func (g *goStage) ownerFlags(p string) []string {
	s := g.sourceOf(p)
	if s == nil {
		return nil
	}
	var flags []string
	for _, f := range s.in.Flags {
		if strings.HasPrefix(f, "--chown=") || strings.HasPrefix(f, "--chmod=") {
			flags = append(flags, f)
		}
	}
	return flags
}

// packageKind says what an installed package means for the runtime.
func packageKind(name string) string {
	switch name {
	case "ca-certificates", "ca-certificates-bundle":
		return "certs"
	case "tzdata":
		return "tz"
	case "gcc", "g++", "clang", "build-base", "musl-dev", "libc-dev", "libc6-dev", "alpine-sdk", "build-essential":
		return "cc"
	case "git", "git-lfs", "make", "upx", "binutils", "bash", "openssh", "openssh-client", "openssh-client-default",
		"ssh", "mercurial", "bzr", "subversion", "protobuf", "protobuf-dev", "protoc", "protobuf-compiler",
		"unzip", "zip", "tar", "xz", "wget", "curl", "gnupg", "pkgconf", "pkgconfig", "pkg-config", "autoconf",
		"automake", "libtool", "cmake", "file", "coreutils", "findutils", "grep", "sed", "gawk", "patch",
		"linux-headers", "ccache":
		return "build"
	}
	if strings.HasSuffix(name, "-dev") {
		return "lib"
	}
	return ""
}

// packages records the packages an apk add / apt-get install names.
func (g *goStage) packages(line int, args []string, known []bool) {
	install := false
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case !install:
			install = a == "add" || a == "install"
		case !known[i]:
			g.block(line, codePackage, "the stage installs %s, named by a variable docklean cannot resolve; docklean cannot tell whether the program needs it at run time", a)
		case a == "--virtual" || a == "-t" || a == "-o" || a == "--repository" || a == "-X" || a == "--target-release":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			name := strings.ToLower(a)
			if j := strings.IndexAny(name, "=<>~"); j >= 0 {
				name = name[:j]
			}
			g.pkgs = append(g.pkgs, name)
			g.pkgLine[name] = line
		}
	}
}

// copyInstr reads one COPY or ADD.
func (g *goStage) copyInstr(in *parser.Instruction) error {
	var from, keep []string
	for _, f := range in.Flags {
		switch {
		case strings.HasPrefix(f, "--from="):
			from = append(from, f)
		case strings.HasPrefix(f, "--chown="), strings.HasPrefix(f, "--chmod="):
			keep = append(keep, f)
		case f == "--link" || strings.HasPrefix(f, "--link="):
		default:
			g.block(in.StartLine, codeRuntimeFiles, "%s %s: docklean cannot tell which files it adds", strings.ToUpper(in.Keyword), f)
			return nil
		}
	}
	if len(in.Args) < 2 {
		return nil
	}
	srcs, destArg := in.Args[:len(in.Args)-1], in.Args[len(in.Args)-1]
	de, ok := g.dfWord(destArg)
	if !ok {
		g.block(in.StartLine, codeVariable, "runtime files cannot be determined: the destination of %v uses a variable docklean cannot resolve", transform.Line(in.StartLine))
		return nil
	}
	dest := stages.AbsPath(g.dir, de.value)
	destText := joinText(g.dirText, de)
	destIsDir := strings.HasSuffix(de.value, "/") || len(srcs) > 1 || g.dirs[dest] || slices.Contains(goDirs, dest) || dest == g.dir
	for _, src := range srcs {
		se, ok := g.dfWord(src)
		if !ok {
			g.block(in.StartLine, codeVariable, "runtime files cannot be determined: %v copies %s", transform.Line(in.StartLine), src)
			continue
		}
		s := se.value
		if in.Keyword == "add" && (strings.Contains(s, "://") || isArchive(s)) && len(from) == 0 {
			g.block(in.StartLine, codeRuntimeFiles, "runtime files cannot be determined: ADD %s fetches or unpacks files docklean cannot list", s)
			continue
		}
		clean := path.Clean(strings.TrimPrefix(s, "/"))
		if len(from) == 0 && g.isSource(clean) {
			d := dest
			if clean != "." && destIsDir && !g.isDir(clean) {
				d = path.Join(dest, path.Base(clean))
			}
			g.sources = append(g.sources, goSourceCopy{ctx: clean, dest: d, in: in})
			if clean == "." {
				g.whole = in
			}
			continue
		}
		// A runtime file: where does it land?
		p, t := dest, destText
		existing := g.dirs[dest] || slices.Contains(goDirs, dest) || dest == g.dir || g.covered(dest)
		srcDir := strings.HasSuffix(s, "/") || g.isDir(clean) || g.ctx == nil && path.Ext(clean) == ""
		switch {
		case strings.ContainsAny(s, "*?[") || srcDir:
			if existing {
				g.block(in.StartLine, codeRuntimeFiles, "runtime files cannot be determined: %v spreads %s into the folder %s, which holds other files", transform.Line(in.StartLine), s, dest)
				continue
			}
		case destIsDir:
			p, t = path.Join(dest, path.Base(clean)), path.Join(destText, path.Base(clean))
		}
		if destIsDir || srcDir {
			g.dirs[dest] = true
		}
		g.explicit = append(g.explicit, runtimeFile{p, t, keep, in})
	}
	return nil
}

func isArchive(s string) bool {
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"} {
		if strings.HasSuffix(s, ext) {
			return true
		}
	}
	return false
}

// isSource reports whether context path p is Go source: the whole context,
// Go files and module files, and folders that hold Go files.
func (g *goStage) isSource(p string) bool {
	base := path.Base(p)
	switch {
	case p == ".", strings.HasSuffix(p, ".go"), base == "vendor", names(base, "go.mod", "go.sum", "go.work", "go.work.sum"):
		return true
	case g.ctx == nil:
		return base == "cmd" || base == "internal" || base == "pkg"
	}
	found := false
	_ = fs.WalkDir(g.ctx, p, func(q string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(q, ".go") {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found
}

// names reports whether a COPY source's last element is one of the names or
// a pattern that matches one (COPY go.* ./).
func names(base string, names ...string) bool {
	for _, n := range names {
		if m, _ := path.Match(base, n); m {
			return true
		}
	}
	return false
}

func (g *goStage) isDir(p string) bool {
	if g.ctx == nil {
		return false
	}
	st, err := fs.Stat(g.ctx, p)
	return err == nil && st.IsDir()
}
