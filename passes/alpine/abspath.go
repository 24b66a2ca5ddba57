package alpine

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// systemDirs are the folders whose files come from the distribution's
// packages: a program run from one of them by its path must be there on
// Alpine too. Other folders (/usr/local, /opt, /app, /tmp) hold what the
// Dockerfile puts there itself, the same on both bases.
var systemDirs = []string{"/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/libexec/", "/usr/share/", "/etc/init.d/", "/etc/rc.d/"}

// rootfsPaths are the programs of Alpine's base image, by path (the
// rootfs rows of data/alpine-commands.tsv, read from the minirootfs).
var rootfsPaths = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, rows := range commands.Tables().Alp {
		for _, r := range rows {
			if r.Evidence == "rootfs" && r.Path != "" {
				m[r.Path] = r.Pkg
			}
		}
	}
	return m
})

// accountPaths checks every program the stage runs by absolute path in a
// system folder (RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK, scripts it
// writes or copies from the context): it must be known to exist there on
// Alpine: in Alpine's base image, at the path docklean has checked for an
// installed package (alpineBins), in /usr/bin for an installed package
// that provides it, or put there by the Dockerfile. Otherwise the stage is
// refused: CentOS's /usr/sbin/init is systemd, Alpine's /sbin/init is
// BusyBox's, and /usr/sbin/init does not exist. On an official image the
// image's own files are unknown, so only the programs of packages the
// stage installs are checked.
func (s *alpineStage) accountPaths() {
	if s.refused() {
		return
	}
	var made map[string]bool
	for _, u := range s.commandUses() {
		p := path.Clean(u.Word)
		if !strings.HasPrefix(u.Word, "/") || u.LnDest || u.LnSrc || !inSystemDir(p) || rootfsPaths()[p] != "" || layoutPath.MatchString(p) {
			continue // layouts maps or refuses Debian's layout paths (JVM, /usr/share)
		}
		prog := path.Base(p)
		b, checked := alpineBins[prog]
		if checked && (u.Kind == "CMD" || u.Kind == "ENTRYPOINT" || u.Kind == "SHELL") {
			continue // binPaths rewrites or refuses it
		}
		if checked && b.path == p && (s.present(b.pkg, u.Off) || s.willAdd(b.pkg)) {
			continue
		}
		// the Alpine packages of the Debian packages that ship it: the same
		// upstream program
		pkg, at := s.alpineProvider(prog, commands.Tables().DebByCmd[prog], u.Off)
		if pkg != "" && (at == p || at == "" && path.Dir(p) == "/usr/bin") {
			continue
		}
		if s.image != "" && pkg == "" {
			continue
		}
		if made == nil {
			made = s.madePaths()
		}
		if s.madeHere(made, p) {
			continue
		}
		runs := "runs " + u.Word
		if u.Via != "" {
			runs = "runs " + u.Via + ", which runs " + u.Word
		}
		hint, fix := "nothing docklean knows puts a file there on Alpine: not Alpine's base image, not the Alpine packages the stage installs, not the Dockerfile", "convert by hand"
		switch {
		case commands.Tables().Rootfs[pkg]:
			hint = "the only " + prog + " in Alpine's base image is " + at + " (" + pkg + "'s), which need not be the same program"
		case pkg != "" && at != "":
			hint, fix = "on Alpine "+prog+" is "+at+" (package "+pkg+")", "call it by name or by that path"
		case pkg != "":
			hint, fix = "docklean cannot check that Alpine's "+pkg+" installs it there", "call it by name (PATH finds it)"
		}
		s.refuse(u.Line, codeProgPath, "%v %s by its path, and %s; %s", useKind(u), runs, hint, fix)
		return
	}
}

// willAdd reports whether the stage gets pkg added (bash for bash -c).
func (s *alpineStage) willAdd(pkg string) bool {
	for _, n := range s.needs {
		if slices.Contains(strings.Fields(n.pkg), pkg) {
			return true
		}
	}
	return false
}

// inSystemDir reports whether p is in one of systemDirs.
func inSystemDir(p string) bool {
	for _, d := range systemDirs {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}

// madePaths returns the paths the stage (and the stages it is built on)
// names as the destination of a COPY or ADD (with a trailing "/" when it
// is a folder the sources go into) and the absolute paths its RUNs give
// commands as arguments (curl -o, cp, ln, install): files the Dockerfile
// puts there itself.
func (s *alpineStage) madePaths() map[string]bool {
	made := map[string]bool{}
	for st := s.st; st != nil; st = stages.ParentStage(s.doc, st) {
		for _, in := range st.Instructions {
			switch in.Keyword {
			case "copy", "add":
				if len(in.Args) < 2 {
					continue
				}
				dst := in.Args[len(in.Args)-1]
				if !strings.HasPrefix(dst, "/") {
					continue
				}
				if strings.HasSuffix(dst, "/") || len(in.Args) > 2 {
					made[path.Clean(dst)+"/"] = true
					for _, src := range in.Args[:len(in.Args)-1] {
						made[path.Join(dst, path.Base(src))] = true
					}
					continue
				}
				made[path.Clean(dst)] = true
				made[path.Clean(dst)+"/"] = true // COPY dir /dst: the folder's files
			case "run":
				if in.Shell == nil || in.Shell.Err != nil {
					continue
				}
				parser.Walk(in.Shell.File, func(n syntax.Node) bool {
					if c, ok := n.(*syntax.CallExpr); ok {
						for _, a := range c.Args[min(1, len(c.Args)):] {
							if v, ok := shellx.WordLit(a); ok && strings.HasPrefix(v, "/") {
								made[path.Clean(v)] = true
							}
						}
					}
					return true
				})
			}
		}
	}
	return made
}

// madeHere reports whether the Dockerfile puts a file at p: a COPY or ADD
// to p, or into a folder above p (when the build context is known, the
// file must be in the copied folder), or a RUN that names p.
func (s *alpineStage) madeHere(made map[string]bool, p string) bool {
	if made[p] {
		return true
	}
	for d := path.Dir(p); ; d = path.Dir(d) {
		if made[strings.TrimSuffix(d, "/")+"/"] {
			return s.inCopiedFolder(d, p)
		}
		if d == "/" {
			return false
		}
	}
}

// inCopiedFolder reports whether a COPY or ADD into the folder dir brings
// p: always when docklean has no build context, else when a source folder
// has the file.
func (s *alpineStage) inCopiedFolder(dir, p string) bool {
	ctx := s.u.Opts.Context
	if ctx == nil {
		return true
	}
	rel := strings.TrimPrefix(p, strings.TrimSuffix(dir, "/")+"/")
	for st := s.st; st != nil; st = stages.ParentStage(s.doc, st) {
		for _, in := range st.Instructions {
			if (in.Keyword != "copy" && in.Keyword != "add") || len(in.Args) < 2 || path.Clean(in.Args[len(in.Args)-1]) != path.Clean(dir) {
				continue
			}
			for _, src := range in.Args[:len(in.Args)-1] {
				if _, err := fs.Stat(ctx, path.Join(path.Clean(strings.TrimPrefix(src, "/")), rel)); err == nil {
					return true
				}
				if path.Base(src) == rel {
					return true
				}
			}
		}
	}
	return false
}

// packageDataDirs are the folders where a distribution's packages keep
// their configuration and data: the same program's files may sit elsewhere
// on Alpine (CentOS's bind: /etc/named.conf and /var/named; Alpine's:
// /etc/bind and /var/bind). Folders of Alpine's base image that hold no
// package's files are not in it (see baseDataDirs).
var packageDataDirs = []string{"/etc/", "/var/"}

// baseDataDirs are folders of Alpine's base image (the minirootfs) that
// logs, runtime and temporary files go to, the same on every distribution.
var baseDataDirs = []string{"/var/log", "/var/run", "/var/tmp", "/var/cache", "/var/lock", "/var/spool", "/var/mail", "/var/empty", "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/localtime", "/etc/timezone", "/etc/profile", "/etc/shells", "/etc/services", "/etc/protocols", "/etc/os-release", "/etc/ssl/certs", "/etc/crontabs", "/etc/motd", "/etc/fstab", "/etc/environment"}

// accountDataPaths checks the shell scripts a converted distribution stage
// copies from the build context: a path under /etc or /var they use (move,
// read, enter, change) that is not in Alpine's base layout, that neither
// the Dockerfile nor the script makes, is a package's file on the
// original distribution, which docklean cannot place on Alpine: the stage
// is refused (review 5: CentOS bind's entrypoint moves /etc/named.* and
// enters /var/named, which Alpine's bind keeps in /etc/bind and
// /var/bind). Official images keep their layout on their Alpine variants
// and are not checked.
func (s *alpineStage) accountDataPaths() {
	if s.refused() || s.image != "" {
		return
	}
	var made map[string]bool
	for _, d := range s.dataPaths {
		if made == nil {
			made = s.madePaths()
		}
		if s.madeHere(made, strings.TrimRight(d.path, "*")) {
			continue
		}
		s.refuse(d.in.StartLine, codeLayout, "%s, copied on %v, uses %s, where the original distribution's packages keep their files; docklean cannot check that Alpine's packages keep them there (Alpine's bind uses /etc/bind and /var/bind, not /etc/named* and /var/named); convert by hand", d.file, transform.Line(d.in.StartLine), d.path)
		return
	}
}

// copiedDataPath is a script a COPY or ADD brings from the build context
// that uses path, a package's path under /etc or /var (scriptDataPath).
type copiedDataPath struct {
	in         *parser.Instruction
	file, path string
}

// scriptDataPath returns the first path under packageDataDirs that the
// shell script text uses and does not make itself (mkdir, touch, a
// redirection's target, the destination of cp, mv, ln or install), and
// that Alpine's base layout does not have; "" when there is none or the
// script does not parse.
func scriptDataPath(text string) string {
	f, err := syntax.NewParser().Parse(strings.NewReader(text), "")
	if err != nil {
		return ""
	}
	made := map[string]bool{}
	var used []string
	parser.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Redirect:
			if v, ok := shellx.WordLit(n.Word); ok && n.Op != syntax.RdrIn {
				made[path.Clean(v)] = true
			}
		case *syntax.CallExpr:
			var args []string
			for _, a := range n.Args {
				v, ok := shellx.WordLit(a)
				if !ok {
					v = ""
				}
				args = append(args, v)
			}
			if len(args) == 0 {
				return true
			}
			last := len(args)
			switch path.Base(args[0]) {
			case "mkdir", "touch":
				for _, a := range args[1:] {
					made[path.Clean(a)] = true
				}
				return true
			case "cp", "mv", "ln", "install":
				if last > 1 {
					made[path.Clean(args[last-1])] = true
					last--
				}
			}
			for _, a := range args[1:last] {
				if dataPath(a) {
					used = append(used, a)
				}
			}
		}
		return true
	})
	for _, u := range used {
		if !made[path.Clean(u)] {
			return u
		}
	}
	return ""
}

// dataPath reports whether word is an absolute path under packageDataDirs
// and outside baseDataDirs.
func dataPath(word string) bool {
	if !slices.ContainsFunc(packageDataDirs, func(d string) bool { return strings.HasPrefix(word, d) }) {
		return false
	}
	return !slices.ContainsFunc(baseDataDirs, func(d string) bool { return word == d || strings.HasPrefix(word, d+"/") })
}
