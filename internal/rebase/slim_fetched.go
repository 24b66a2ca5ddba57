package rebase

import (
	"path"
	"regexp"
	"strings"

	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// JVMBuilds are the JVM build tools and their wrappers (./mvnw, ./gradlew).
// Their builds run plugins and tasks that start any program of the image:
// Gradle's exec tasks and "git rev-parse HEAD".execute(), exec-maven-plugin
// and Ant's <exec>, sbt's sys.process and Leiningen's prep tasks; docklean
// reads neither build.gradle, pom.xml, build.sbt, build.xml nor
// project.clj, so it cannot tell whether the build needs git, ps, ssh,
// unzip, bzip2 or xz, which the full image has and -slim lacks. This holds
// for sources copied from the context as for downloaded ones, as with make.
var JVMBuilds = map[string]bool{"sbt": true, "mvn": true, "mvnw": true, "gradle": true, "gradlew": true, "ant": true, "lein": true}

// fetchers are the commands that download files while building, with the
// subcommand that does it ("" for any use with a URL).
var fetchers = map[string]string{"curl": "", "wget": "", "git": "clone", "hg": "clone", "svn": "checkout"}

// FetchedPath is a file or folder that a RUN or ADD filled from the network.
type FetchedPath struct {
	path string // absolute
	Line int
	URL  string // the URL of a single file fetched to path, "" for a folder or an extracted archive
}

// ScriptRunners run the file named by their first argument that is not an
// option (python3 get-pip.py, java -jar tool.jar).
var ScriptRunners = map[string]bool{"python": true, "python2": true, "python3": true, "perl": true, "ruby": true, "node": true, "php": true, "java": true}

// shortFlags is a cluster of short options (-fsSLo); attachedOut one that
// ends in curl's -o or wget's -O with the value written onto it (-qO-).
var (
	shortFlags  = regexp.MustCompile(`^-[A-Za-z]{2,}$`)
	attachedOut = regexp.MustCompile(`^-[A-Za-z]*?([oO])([^A-Za-z].*)$`)
)

// isFetchURL reports whether a word is a URL a download command fetches.
func isFetchURL(w string) bool {
	return strings.Contains(w, "://") || strings.HasPrefix(w, "git@")
}

// recordFetches notes where a RUN of the tree puts what it downloads (see
// runFetches); a download piped into a shell or interpreter refuses, and
// then recordFetches reports true.
func (s *SlimScan) recordFetches(in *parser.Instruction) bool {
	if len(s.base.layers) == 0 {
		return false
	}
	r := RunFetches(in, s.wd)
	s.fetched = append(s.fetched, r.Paths...)
	switch {
	case r.piped != "":
		s.refuse(in.StartLine, SlimFetchedProgram, "%v pipes a download into %s: it runs a script fetched while building, which docklean cannot read, and which may run tools that %s has and %s lacks (git, ps, ssh, unzip, bzip2, xz …)", transform.Line(in.StartLine), r.piped, s.base.Ref, s.slimName())
	case r.ran != "":
		s.refuse(in.StartLine, SlimFetchedProgram, "%v runs %s, which the download before it put in place: docklean cannot read it, and it may run tools that %s has and %s lacks (git, ps, ssh, unzip, bzip2, xz …)", transform.Line(in.StartLine), r.ran, s.base.Ref, s.slimName())
	default:
		return false
	}
	return true
}

// runFetch is what runFetches finds in a RUN.
type runFetch struct {
	Paths []FetchedPath
	piped string // the shell or interpreter a download is piped into
	ran   string // a relative path the RUN runs from what it downloaded (cd src && ./install.sh)
}

// RunFetches returns where a shell-form RUN (working folder wd) puts what
// it downloads: the files curl and wget write, the folders git clone
// fills, and, after a download, where tar and unzip extract and where mv,
// cp, install and ln put files; the working folder follows cd. piped names
// the shell or interpreter a download is piped into (curl … | sh), "" if
// none: it runs a script nobody can read before the build. ran is a
// relative path the RUN then runs from what it downloaded, the working
// folder followed through cd (paths outside are checked by the caller).
func RunFetches(in *parser.Instruction, wd string) (r runFetch) {
	if in.Shell == nil || in.Shell.File == nil {
		return r
	}
	fetched := false
	add := func(p, url string) {
		if wd != "" && p != "" && !strings.Contains(p, "$") {
			r.Paths = append(r.Paths, FetchedPath{path: stages.AbsPath(wd, p), Line: in.StartLine, URL: url})
		}
	}
	parser.Walk(in.Shell.File, func(n syntax.Node) bool {
		if b, ok := n.(*syntax.BinaryCmd); ok && b.Op == syntax.Pipe && r.piped == "" {
			if left, right := stmtArgs(b.X), stmtArgs(b.Y); isFetch(left) && len(right) > 0 && (isShellName(path.Base(right[0])) || ScriptRunners[path.Base(right[0])]) && readsStdin(right) {
				r.piped = right[0]
			}
			return true
		}
		c, ok := n.(*syntax.CallExpr)
		if !ok || len(c.Args) == 0 {
			return true
		}
		args := literalArgs(unwrap(c.Args))
		if len(args) == 0 {
			return true
		}
		prog := args[0]
		if fa := FileArgs(args); (isShellName(path.Base(prog)) || ScriptRunners[path.Base(prog)]) && len(fa) > 0 {
			prog = fa[0]
		}
		if fetched && wd != "" && r.ran == "" && strings.Contains(prog, "/") && !path.IsAbs(prog) && fetchedAt(r.Paths, stages.AbsPath(wd, prog), false) != nil {
			r.ran = prog
		}
		switch name := path.Base(args[0]); {
		case name == "cd":
			if len(args) == 2 && wd != "" && args[1] != "" && !strings.Contains(args[1], "$") {
				wd = stages.AbsPath(wd, args[1])
			} else {
				wd = "" // unknown: what is extracted there is not recorded
			}
		case isFetch(args):
			fetched = true
			recordFetch(name, args, add)
		case !fetched:
		case name == "tar" || name == "unzip":
			dir := "."
			for i, a := range args[1:] {
				if (a == "-C" || a == "--directory" || name == "unzip" && a == "-d") && i+2 < len(args) {
					dir = args[i+2]
				}
			}
			add(dir, "")
		case name == "mv" || name == "cp" || name == "install" || name == "ln":
			add(args[len(args)-1], "")
		}
		return true
	})
	return r
}

// recordFetch adds the file or folder one download command writes.
func recordFetch(name string, args []string, add func(p, url string)) {
	var url, out, single string
	dir := "."
	remote := false
	for i := 1; i < len(args); i++ {
		a := args[i]
		if m := attachedOut.FindStringSubmatch(a); m != nil && (name == "curl" && m[1] == "o" || name == "wget" && m[1] == "O") {
			out = m[2] // -qO- or -so/tmp/x: the value written onto the option
			continue
		}
		if short := shortFlags.MatchString(a); short && (name == "curl" || name == "wget") {
			// a cluster of short options: -fsSLo FILE, -qO FILE
			remote = remote || name == "curl" && strings.Contains(a[:len(a)-1], "O")
			a = "-" + a[len(a)-1:]
		}
		switch {
		case (a == "-o" || a == "--output" || name == "wget" && a == "-O" || a == "--output-document" || name == "wget" && a == "-P") && i+1 < len(args):
			if a == "-P" {
				dir = args[i+1]
			} else {
				out = args[i+1]
			}
			i++
		case a == "-O" || a == "--remote-name":
			remote = true
		case isFetchURL(a):
			url = a
		case name != "curl" && name != "wget" && url != "" && !strings.HasPrefix(a, "-"):
			out = a // git clone URL DIR
		}
	}
	if name == "curl" || name == "wget" {
		single = url
	}
	switch {
	case out == "-":
	case out != "":
		add(path.Join(dir, out), single)
	case url != "" && (name != "curl" || remote):
		add(path.Join(dir, strings.TrimSuffix(path.Base(strings.SplitN(url, "?", 2)[0]), ".git")), single)
	}
}

// isFetch reports whether a command downloads: curl or wget of a URL, git
// or hg clone, svn checkout.
func isFetch(args []string) bool {
	if len(args) < 2 {
		return false
	}
	sub, ok := fetchers[path.Base(args[0])]
	if !ok || sub != "" && args[1] != sub && !(sub == "checkout" && args[1] == "co") {
		return false
	}
	for _, a := range args[1:] {
		if isFetchURL(a) || a == "" {
			return true // a URL, or a word docklean cannot read ("${URL}")
		}
	}
	return false
}

// stmtArgs returns the literal words of the simple command of a pipeline
// side, or nil.
func stmtArgs(st *syntax.Stmt) []string {
	if st == nil {
		return nil
	}
	c, ok := st.Cmd.(*syntax.CallExpr)
	if !ok {
		return nil
	}
	return literalArgs(unwrap(c.Args))
}

// literalArgs returns the words as literals ("" for one that is not).
func literalArgs(words []*syntax.Word) []string {
	args := make([]string, len(words))
	for i, w := range words {
		args[i], _ = shellx.WordLit(w)
	}
	return args
}

// readsStdin reports whether an interpreter runs the program on its
// standard input: no file, no -c/-e text, or -s or - given.
func readsStdin(args []string) bool {
	for _, a := range args[1:] {
		switch {
		case a == "-s" || a == "-":
			return true
		case a == "-c" || a == "-e" || a == "-m" || a == "-jar" || !strings.HasPrefix(a, "-"):
			return false
		}
	}
	return true
}

// FileArgs returns the arguments of an interpreter from the file it runs
// on, or nil when it runs text (-c, -e, -m) or its standard input.
func FileArgs(args []string) []string {
	for i := 1; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-c" || a == "-e" || a == "-m" || a == "-s" || a == "-":
			return nil // text, a module or standard input
		case a == "-jar" && i+1 < len(args):
			return args[i+1:]
		case strings.HasPrefix(a, "-"):
		default:
			return args[i:]
		}
	}
	return nil
}

// fetchedAt returns the download of fetched that put builder path abs in
// place, or nil; exact asks for a download of that very file. Of a
// download extracted into / (a root file system overlay), only the files
// at the top (/init) count: the system's own folders are there.
func fetchedAt(fetched []FetchedPath, abs string, exact bool) *FetchedPath {
	for i := len(fetched) - 1; i >= 0; i-- {
		f := &fetched[i]
		if abs == f.path || !exact && (f.path != "/" && strings.HasPrefix(abs, f.path+"/") || f.path == "/" && path.Dir(abs) == "/") {
			return f
		}
	}
	return nil
}

// FetchedProgram returns the download that put the program p in place (a
// path, relative to wd, or a name looked up in the PATH folders among the
// files downloaded by name: a folder extracted into /usr/local/bin does not
// shadow /bin/tar), or nil.
func FetchedProgram(fetched []FetchedPath, wd, p string) *FetchedPath {
	if strings.Contains(p, "$") || p == "" {
		return nil
	}
	if strings.Contains(p, "/") {
		return fetchedAt(fetched, stages.AbsPath(wd, p), false)
	}
	for _, d := range pathDirs {
		if f := fetchedAt(fetched, path.Join(d, p), true); f != nil {
			return f
		}
	}
	return nil
}

// refuseFetched refuses when the program p (a path, or a name looked up in
// the PATH folders) is a file a download of the tree put in place.
func (s *SlimScan) refuseFetched(p string) bool {
	if len(s.base.layers) == 0 {
		return false
	}
	if f := FetchedProgram(s.fetched, s.wd, p); f != nil {
		s.refuse(s.in.StartLine, SlimFetchedProgram, "%v runs %s, which the download on %v put in place: docklean cannot read it, and it may run tools that %s has and %s lacks (git, ps, ssh, unzip, bzip2, xz …)", transform.Line(s.in.StartLine), p, transform.Line(f.Line), s.base.Ref, s.slimName())
		return true
	}
	return false
}

// recordADD notes the files an ADD fetches from a URL (abs is its
// destination).
func (s *SlimScan) recordADD(in *parser.Instruction, abs string) {
	if in.Keyword != "add" || len(s.base.layers) == 0 {
		return
	}
	srcs := in.Args[:len(in.Args)-1]
	for _, src := range srcs {
		if !isFetchURL(src) {
			continue
		}
		p := abs
		if strings.HasSuffix(in.Args[len(in.Args)-1], "/") || len(srcs) > 1 {
			p = path.Join(abs, path.Base(strings.SplitN(src, "?", 2)[0]))
		}
		s.fetched = append(s.fetched, FetchedPath{path: p, Line: in.StartLine, URL: src})
	}
}
