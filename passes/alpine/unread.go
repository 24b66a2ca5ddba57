package alpine

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// Nothing unread (issue 18 §4): a stage moves to Alpine only when docklean
// has read everything it runs. These checks refuse a stage that runs what
// docklean cannot read:
//
//   - a COPY or ADD source missing from the build context (the files it
//     copies cannot be accounted for), or named through a variable;
//   - a script copied from the context and run (RUN, CMD, ENTRYPOINT): it
//     is read and parsed like a RUN (a package manager or Debian-only tool
//     in it, or text that does not parse, refuses); with no context
//     (standard input) it cannot be read, and refuses;
//   - a script or source fetched or cloned at build time and run (wget
//     x.sh && sh x.sh, git clone … && ./install.sh, python3 get-pip.py);
//   - a build of source whose needs are unknown (make, ./configure, cmake,
//     meson, ninja, node-gyp; sbt, mvn, gradle, ant, lein and their
//     wrappers, whose plugins may fetch glibc tools such as protoc);
//   - a CMD or ENTRYPOINT that runs a file a RUN downloaded into a folder
//     (curl … | tar xz -C /app, then ENTRYPOINT ["/app/tool"]);
//   - a node stage moving from the full image (compilers, python3) to
//     -alpine that installs npm packages, unless package-lock.json in the
//     context shows that none runs an install script (a native build).
//
// Without a context, copying files is fine: only running them needs them
// read.

// buildTools run a build whose needs (compilers, headers, libraries,
// glibc-only APIs) docklean cannot read.
var buildTools = map[string]bool{"make": true, "gmake": true, "cmake": true, "meson": true, "ninja": true, "node-gyp": true, "autoreconf": true, "scons": true, "bazel": true}

// interpreters run the file named by their first argument that is not an
// option.
var interpreters = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true, "source": true, ".": true, "python": true, "python3": true, "python2": true, "perl": true, "ruby": true, "node": true, "php": true}

// copiedFile is a file a COPY or ADD put in the image.
type copiedFile struct {
	src  string // its path in the context ("" when fetched from a URL)
	url  string // the URL ADD fetched it from
	line int
}

// account runs the checks over the stage's instructions.
func (s *alpineStage) account() {
	copied := map[string]copiedFile{} // by base name in the image
	var fetched []rebase.FetchedPath  // what the stage's RUNs downloaded
	wd := "/"
	for _, in := range s.st.Instructions {
		switch in.Keyword {
		case "workdir":
			if len(in.Args) > 0 && wd != "" && !strings.Contains(in.Args[0], "$") {
				wd = stages.AbsPath(wd, in.Args[0])
			} else {
				wd = ""
			}
		case "copy", "add":
			s.accountCopy(in, copied)
		case "run":
			// a download piped into a shell: see pipedScript; a fetched
			// file run in the same RUN: see accountRun
			s.accountRun(in, copied)
			fetched = append(fetched, rebase.RunFetches(in, wd).Paths...)
		case "cmd", "entrypoint":
			s.accountFetched(in, fetched, wd)
			s.accountExec(in, copied)
		}
	}
	if s.nodeImage {
		s.accountNpm()
	}
}

func isURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "git@") || strings.HasSuffix(src, ".git")
}

// accountCopy checks that each source of a COPY or ADD from the context
// exists there, and records the files it puts in the image.
func (s *alpineStage) accountCopy(in *parser.Instruction, copied map[string]copiedFile) {
	if len(in.Args) < 2 || len(in.Heredocs) > 0 {
		return
	}
	for _, f := range in.Flags {
		if strings.HasPrefix(f, "--from=") {
			return // another stage's files, or an image's
		}
	}
	ctx := s.u.Opts.Context
	srcs, dst := in.Args[:len(in.Args)-1], in.Args[len(in.Args)-1]
	for _, src := range srcs {
		name := path.Base(src)
		target := dst
		if strings.HasSuffix(dst, "/") || len(srcs) > 1 || dst == "." {
			target = path.Join(dst, name)
		}
		if isURL(src) {
			copied[path.Base(target)] = copiedFile{url: src, line: in.StartLine}
			continue
		}
		if strings.Contains(src, "$") {
			if ctx != nil {
				s.refuse(in.StartLine, codeUnread, "%s names its source %s through a variable, so docklean cannot read the files it copies; write the path out", upper(in.Keyword), src)
				return
			}
			continue
		}
		if ctx == nil {
			// a file or a folder: both are recorded
			copied[path.Base(target)] = copiedFile{line: in.StartLine}
			if path.IsAbs(target) {
				copied[strings.TrimSuffix(target, "/")+"/"] = copiedFile{line: in.StartLine}
			}
			continue
		}
		p := path.Clean(strings.TrimPrefix(src, "/"))
		if p == "." {
			// the whole context: a file run by a relative path (./build.sh)
			// is read from it, when the copy went to the working folder,
			// and a file run by a path in the folder it went to
			// (ADD . /container, RUN /container/install.sh)
			if path.IsAbs(dst) {
				copied[strings.TrimSuffix(dst, "/")+"/"] = copiedFile{src: ".", line: in.StartLine}
			} else {
				copied["./"] = copiedFile{src: ".", line: in.StartLine}
			}
			continue
		}
		matches, err := fs.Glob(ctx, p)
		if len(matches) == 0 || err != nil {
			if _, serr := fs.Stat(ctx, p); serr != nil {
				s.refuse(in.StartLine, codeUnread, "%s copies %s, which is not in the build context (the Dockerfile's folder, or --context), so docklean cannot account for what it copies; give the right --context", upper(in.Keyword), src)
				return
			}
			matches = []string{p}
		}
		for _, m := range matches {
			if st, err := fs.Stat(ctx, m); err == nil && st.IsDir() && path.IsAbs(dst) && len(matches) == 1 {
				// a folder's contents go into the destination itself
				// (COPY scripts/ /opt/scripts/ puts run.sh at /opt/scripts/run.sh)
				copied[strings.TrimSuffix(dst, "/")+"/"] = copiedFile{src: m, line: in.StartLine}
			}
			if st, err := fs.Stat(ctx, m); err == nil && !st.IsDir() {
				t := target
				if len(matches) > 1 || strings.ContainsAny(src, "*?[") {
					t = path.Join(dst, path.Base(m))
				}
				copied[path.Base(t)] = copiedFile{src: m, line: in.StartLine}
			}
		}
	}
}

// shellProgs run the file named by their first argument as shell.
var shellProgs = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true, "source": true, ".": true}

// ranFile returns the file a command runs: its program, or the first
// argument that is not an option of an interpreter (sh x.sh, python3
// get-pip.py); "" if there is none or it is not plain text. shell is set
// when the file runs as a program or a shell script (not as python, node…
// code, which docklean does not read).
func ranFile(args []string) (file string, shell bool) {
	if len(args) == 0 {
		return "", false
	}
	prog := args[0]
	if !interpreters[path.Base(prog)] {
		return prog, true
	}
	for _, a := range args[1:] {
		if a == "-c" || a == "-m" || a == "-e" {
			return "", false // runs text or a module, not a file
		}
		if !strings.HasPrefix(a, "-") {
			return a, shellProgs[path.Base(prog)]
		}
	}
	return "", false
}

// accountRun checks what a RUN runs.
func (s *alpineStage) accountRun(in *parser.Instruction, copied map[string]copiedFile) {
	sh := in.Shell
	if sh == nil || sh.File == nil {
		return
	}
	fetched := map[string]string{} // base name → URL, fetched in this RUN
	cloned := ""                   // a git clone in this RUN
	parser.Walk(sh.File, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if !ok || len(c.Args) == 0 {
			return true
		}
		var args []string
		for _, w := range c.Args {
			v, _ := shellx.WordLit(w)
			args = append(args, v)
		}
		for len(args) > 1 && (args[0] == "sudo" || args[0] == "env" || args[0] == "exec" || args[0] == "command") {
			args = args[1:]
		}
		base := path.Base(args[0])
		switch {
		case base == "curl" || base == "wget":
			for name, url := range downloads(base, args) {
				fetched[name] = url
			}
		case base == "git" && len(args) > 2 && args[1] == "clone":
			cloned = args[len(args)-1]
			if isURL(cloned) || strings.Contains(cloned, "://") {
				cloned = strings.TrimSuffix(path.Base(cloned), ".git")
			}
		case rebase.JVMBuilds[base]:
			s.refuse(s.doc.LineOf(sh.Offset(int(c.Pos().Offset()))), codeUnread, "the RUN runs %s, a build whose plugins and tasks docklean does not read: they may fetch native tools built for glibc (protoc, node) or run programs Alpine lacks; convert by hand", base)
			return false
		case buildTools[base] || base == "configure" || strings.HasSuffix(args[0], "/configure"):
			s.refuse(s.doc.LineOf(sh.Offset(int(c.Pos().Offset()))), codeUnread, "the RUN runs %s, a build whose needs (compilers, headers, libraries, glibc-only code) docklean cannot read; convert by hand, adding what the build needs (build-base, …-dev packages)", base)
			return false
		}
		line := s.doc.LineOf(sh.Offset(int(c.Pos().Offset())))
		f, shell := ranFile(args)
		if f == "" {
			return true
		}
		switch name := path.Base(f); {
		case fetched[name] != "":
			s.refuse(line, codeUnread, "the RUN runs %s, fetched from %s while building, which docklean cannot read; download it to the context and COPY it, or convert by hand", f, fetched[name])
		case cloned != "" && (strings.HasPrefix(f, strings.TrimSuffix(cloned, "/")+"/") || strings.HasPrefix(f, "./") || !strings.HasPrefix(f, "/") && strings.Contains(f, "/")):
			s.refuse(line, codeUnread, "the RUN runs %s from a repository cloned while building (%s), which docklean cannot read; convert by hand", f, cloned)
		case copied[name].url != "":
			s.accountScript(line, f, copied, 0)
		case shell && (strings.Contains(f, "/") || strings.HasSuffix(f, ".sh") || shellProgs[path.Base(args[0])]):
			s.accountScript(line, f, copied, 0)
		}
		return true
	})
}

// accountFetched refuses a CMD or ENTRYPOINT whose program, or the file
// its interpreter runs, a RUN of the stage downloaded (curl … | tar xz in
// /app, then ENTRYPOINT ["/app/refine"]): docklean cannot read it, and a
// downloaded program may be built for glibc or run tools Alpine lacks. A
// single file fetched by URL is left to the glibc download check, which
// judges its URL (tini-static-amd64, a -musl build).
func (s *alpineStage) accountFetched(in *parser.Instruction, fetched []rebase.FetchedPath, wd string) {
	args := in.Args
	if !in.JSON && len(args) > 0 {
		args = strings.Fields(args[0])
	}
	if len(args) == 0 || wd == "" {
		return
	}
	p := args[0]
	if fa := rebase.FileArgs(args); (interpreters[path.Base(p)] || rebase.ScriptRunners[path.Base(p)]) && len(fa) > 0 {
		p = fa[0]
	}
	if f := rebase.FetchedProgram(fetched, wd, p); f != nil && f.URL == "" {
		s.refuse(in.StartLine, codeUnread, "%s runs %s, which the download on %v put in place: docklean cannot read it (it may be a glibc program, or a script that runs bash, GNU options or Debian tools); convert by hand", upper(in.Keyword), p, transform.Line(f.Line))
	}
}

// accountExec checks the program of a CMD or ENTRYPOINT.
func (s *alpineStage) accountExec(in *parser.Instruction, copied map[string]copiedFile) {
	args := in.Args
	if !in.JSON && len(args) > 0 {
		args = strings.Fields(args[0])
	}
	f, shell := ranFile(args)
	if f != "" && (copied[path.Base(f)].url != "" || shell && (strings.Contains(f, "/") || strings.HasSuffix(f, ".sh") || shellProgs[path.Base(args[0])])) {
		s.accountScript(in.StartLine, f, copied, 0)
	}
}

// maxScriptDepth bounds how deep scripts that run scripts are followed.
const maxScriptDepth = 4

// accountScript reads the script f that a command on line runs, when a
// COPY or ADD of the stage put it in the image, and the scripts it runs in
// turn (depth counts the scripts between; a script run by a script is read
// only when the context has it: else the image or the build made it).
func (s *alpineStage) accountScript(line int, f string, copied map[string]copiedFile, depth int) {
	c, ok := copied[path.Base(f)]
	if !ok {
		// a file inside a folder the stage copied
		for dir, d := range copied {
			if dir != "./" && strings.HasSuffix(dir, "/") && strings.HasPrefix(f, dir) {
				c, ok = d, true
				if d.src != "" {
					c.src = path.Join(d.src, strings.TrimPrefix(f, dir))
				}
				if d.src != "" && !inContext(s.u.Opts.Context, c.src) {
					// not among the files copied there: the image or the
					// build made it (go build -o /app/main, ADD rootfs/ /
					// and a package's /usr/sbin/named)
					ok = false
				}
				break
			}
		}
	}
	if d, whole := copied["./"]; !ok && whole && !path.IsAbs(f) && d.src != "" {
		// a relative path into the working folder the context was copied
		// to: read when the context has it (else the build made it, as
		// go build -o main does; without a context docklean cannot tell,
		// and lets it be)
		if inContext(s.u.Opts.Context, path.Clean(f)) {
			c, ok = d, true
			c.src = path.Clean(f)
		}
	}
	if !ok || depth > 0 && (c.src == "" || !inContext(s.u.Opts.Context, c.src)) {
		return
	}
	switch {
	case c.url != "":
		s.refuse(line, codeUnread, "it runs %s, which ADD fetched from %s (%v) while building; docklean cannot read it; download it to the context, or convert by hand", f, c.url, transform.Line(c.line))
		return
	case c.src == "":
		s.refuse(line, codeUnread, "it runs %s, copied from the build context on %v, which docklean cannot read here (standard input has no context: give --context); a script may run apt-get, bash or GNU options", f, transform.Line(c.line))
		return
	}
	b, err := fs.ReadFile(s.u.Opts.Context, c.src)
	if err != nil {
		s.refuse(line, codeUnread, "it runs %s, copied on %v, which docklean cannot read: %v", f, transform.Line(c.line), err)
		return
	}
	why, runs := s.scriptBlocker(b)
	if why != "" {
		s.refuse(line, codeUnread, "it runs %s (copied from %s on %v), which %s; convert the script by hand", f, c.src, transform.Line(c.line), why)
		return
	}
	for _, r := range runs {
		if depth+1 >= maxScriptDepth {
			return
		}
		s.accountScript(line, r, copied, depth+1)
	}
}

// inContext reports whether the build context has the file p.
func inContext(ctx fs.FS, p string) bool {
	_, err := fs.Stat(ctx, p)
	return err == nil
}

// elfMagic starts an ELF executable.
var elfMagic = []byte("\x7fELF")

// scriptBlocker says why a script the stage runs ties it to Debian, or "",
// and which scripts it runs in turn (written out: /opt/x.sh, sh y.sh).
func (s *alpineStage) scriptBlocker(b []byte) (why string, runs []string) {
	if bytes.HasPrefix(b, elfMagic) {
		return "", nil // a program, not a script: the ELF checks decide
	}
	first := string(firstLine(b))
	if strings.HasPrefix(first, "#!") && !shellShebang.MatchString(first) {
		return "", nil // python, node… code: the application's own, not read
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(b), "")
	if err != nil {
		return "is not shell docklean can parse (" + err.Error() + ")", nil
	}
	if _, m := s.marker(string(b)); m != "" {
		return strings.TrimSuffix(strings.TrimPrefix(m, "it "), ","), nil
	}
	parser.Walk(f, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if !ok || len(c.Args) == 0 || why != "" {
			return why == ""
		}
		name, ok := shellx.WordLit(c.Args[0])
		if !ok {
			return true
		}
		var args []string
		for _, w := range c.Args {
			v, _ := shellx.WordLit(w)
			args = append(args, v)
		}
		if r, shell := ranFile(args); shell && r != "" && (strings.Contains(r, "/") || strings.HasSuffix(r, ".sh")) {
			runs = append(runs, r)
		}
		base := path.Base(name)
		switch {
		case isPackageManager(name) || base == "apt" || base == "apt-get" || base == "rpm":
			why = "runs " + base + ", which Alpine does not have"
		case debianOnly(base, s.family) != "":
			why = "runs " + debianOnly(base, s.family)
		case buildTools[base] || base == "configure" || strings.HasSuffix(name, "/configure"):
			why = "runs " + base + ", a build whose needs docklean cannot read"
		}
		return why == ""
	})
	return why, runs
}

// downloads returns the files a curl or wget command saves, by base name,
// with their URLs.
func downloads(tool string, args []string) map[string]string {
	out := map[string]string{}
	var url, file string
	remote := false
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case (a == "-o" || a == "--output" || tool == "wget" && a == "-O" || a == "--output-document") && i+1 < len(args):
			file = args[i+1]
			i++
		case strings.HasPrefix(a, "--output-document="), strings.HasPrefix(a, "--output="):
			file = a[strings.Index(a, "=")+1:]
		case tool == "curl" && (a == "-O" || a == "--remote-name"):
			remote = true
		case strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://") || strings.HasPrefix(a, "ftp://"):
			url = a
		}
	}
	if url == "" {
		return out
	}
	switch {
	case file != "" && file != "-":
		out[path.Base(file)] = url
	case tool == "wget" && file == "" || remote:
		out[path.Base(strings.SplitN(url, "?", 2)[0])] = url
	}
	return out
}

// lockScripts finds, in package-lock.json, packages that run an install
// script (node-gyp builds, prebuilt downloads) or come from git.
type lockFile struct {
	Packages map[string]struct {
		HasInstallScript bool   `json:"hasInstallScript"`
		Resolved         string `json:"resolved"`
	} `json:"packages"`
}

// accountNpm refuses a node stage moving from the full image (which has
// make, g++ and python3 for node-gyp, and git) to -alpine that installs
// npm packages, unless package-lock.json shows that none of them builds
// native code at install or comes from git.
func (s *alpineStage) accountNpm() {
	var at *parser.Instruction
	for _, in := range s.st.Instructions {
		if in.Keyword == "run" && npmInstall.MatchString(s.doc.Text(in)) {
			at = in
			break
		}
	}
	if at == nil {
		return
	}
	ctx := s.u.Opts.Context
	if ctx == nil {
		s.refuse(at.StartLine, codeUnread, "the RUN installs npm packages, whose install scripts may build native code (node-gyp needs compilers and python3) or fetch prebuilt glibc binaries; docklean cannot read package-lock.json without the build context (give --context) to see whether any package has one")
		return
	}
	b, err := fs.ReadFile(ctx, "package-lock.json")
	if err != nil {
		s.refuse(at.StartLine, codeUnread, "the RUN installs npm packages, whose install scripts may build native code (node-gyp needs compilers and python3) or fetch prebuilt glibc binaries; there is no package-lock.json in the build context to show that no package has one")
		return
	}
	var lock lockFile
	if err := json.Unmarshal(b, &lock); err != nil {
		s.refuse(at.StartLine, codeUnread, "the RUN installs npm packages, and package-lock.json does not parse (%v), so docklean cannot tell whether a package runs an install script (a native build or a prebuilt glibc download)", err)
		return
	}
	for name, p := range lock.Packages {
		switch {
		case p.HasInstallScript:
			s.refuse(at.StartLine, codeUnread, "the RUN installs npm packages, and %s (package-lock.json) runs an install script (a node-gyp build that needs compilers and python3, or a prebuilt download that may be a glibc binary); convert by hand (add build-base python3 if it builds)", strings.TrimPrefix(name, "node_modules/"))
			return
		case strings.HasPrefix(p.Resolved, "git"):
			s.refuse(at.StartLine, codeUnread, "the RUN installs npm packages, and %s comes from git (%s), which the Alpine image does not have; add git to an apk add and convert by hand", strings.TrimPrefix(name, "node_modules/"), p.Resolved)
			return
		}
	}
	s.note(at.StartLine, codeUnread, "package-lock.json was read: no package runs an install script or comes from git, so no compiler and no prebuilt glibc binary is needed")
}

// shellShebang is the #! line of a shell script.
var shellShebang = regexp.MustCompile(`\b(sh|bash|ash|dash|zsh)\b`)

// npmInstall finds a command that installs npm packages.
var npmInstall = regexp.MustCompile(`\b(npm\s+(ci|install|i)\b|yarn(\s+install)?\b|pnpm\s+(install|i)\b)`)
