package cachecleanup

import (
	"path"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"mvdan.cc/sh/v3/syntax"
)

// pkgCmd is one package-manager (or rm) command of a RUN.
type pkgCmd struct {
	stmt  *syntax.Stmt
	call  *syntax.CallExpr
	tool  string         // apt, apk, pip, npm, yarn, yum, dnf, microdnf, gem, composer, uv, conda, mamba, micromamba, rm
	args  []string       // the words from the tool's name on; "" for a word with expansions
	words []*syntax.Word // the syntax words of args
	sub   int            // index of the subcommand in args, -1 if none
}

// subcmd returns the subcommand, "" if there is none.
func (c *pkgCmd) subcmd() string {
	if c.sub < 0 {
		return ""
	}
	return c.args[c.sub]
}

// sudo reports whether the command runs under sudo.
func (c *pkgCmd) sudo() bool {
	w, _ := shellx.WordLit(c.call.Args[0])
	return w == "sudo"
}

// assigned returns the assignment of the variable name made on the command
// itself (NAME=value cmd), or nil.
func (c *pkgCmd) assigned(name string) *syntax.Assign {
	for _, a := range c.call.Assigns {
		if a.Name != nil && a.Name.Value == name {
			return a
		}
	}
	return nil
}

// has reports whether any of the words is among the command's arguments.
func (c *pkgCmd) has(words ...string) bool {
	for _, a := range c.args {
		if slices.Contains(words, a) {
			return true
		}
	}
	return false
}

// valued are the options, per tool, whose value is the next word.
var valued = map[string][]string{
	"apt":        {"-o", "-t", "-c", "-a", "--option", "--target-release", "--config-file", "--host-architecture"},
	"apk":        {"-X", "-p", "--repository", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file"},
	"npm":        {"--prefix", "-C"},
	"yum":        {"-c", "--enablerepo", "--disablerepo", "--releasever", "--installroot"},
	"dnf":        {"-c", "--enablerepo", "--disablerepo", "--releasever", "--installroot"},
	"composer":   {"-d", "--working-dir"},
	"uv":         {"--directory", "--project", "--cache-dir", "--config-file", "--python", "-p", "--color"},
	"conda":      {"-n", "--name", "-p", "--prefix", "-c", "--channel"},
	"mamba":      {"-n", "--name", "-p", "--prefix", "-c", "--channel", "-r", "--root-prefix"},
	"micromamba": {"-n", "--name", "-p", "--prefix", "-c", "--channel", "-r", "--root-prefix"},
}

// pkgCmds returns the package-manager and rm commands of a parsed RUN in
// source order, wherever they sit (inside && chains, if, for, subshells).
// Leading "sudo" and "env NAME=value" are looked through.
func pkgCmds(sh *parser.Shell) []*pkgCmd {
	var cmds []*pkgCmd
	parser.Walk(sh.File, func(n syntax.Node) bool {
		st, ok := n.(*syntax.Stmt)
		if !ok {
			return true
		}
		call, ok := st.Cmd.(*syntax.CallExpr)
		if !ok {
			return true
		}
		if c := newPkgCmd(st, call); c != nil {
			cmds = append(cmds, c)
		}
		return true
	})
	return cmds
}

// pkgCmdCache holds the package commands of each RUN, found once per pass
// run: cache-cleanup looks at other RUNs of the stage for each command it
// changes, which walked each syntax tree once per command (quadratic in
// the length of one RUN).
type pkgCmdCache map[*parser.Shell][]*pkgCmd

func (m pkgCmdCache) of(sh *parser.Shell) []*pkgCmd {
	cmds, ok := m[sh]
	if !ok {
		cmds = pkgCmds(sh)
		m[sh] = cmds
	}
	return cmds
}

func newPkgCmd(st *syntax.Stmt, call *syntax.CallExpr) *pkgCmd {
	words := call.Args
	lit := func(i int) string {
		s, _ := shellx.WordLit(words[i])
		return s
	}
	for len(words) > 0 {
		switch w := lit(0); {
		case w == "sudo" || w == "env":
			words = words[1:]
			for len(words) > 0 && (strings.HasPrefix(lit(0), "-") || w == "env" && strings.Contains(lit(0), "=")) {
				words = words[1:]
			}
			continue
		}
		break
	}
	if len(words) == 0 {
		return nil
	}
	name := path.Base(lit(0))
	var tool string
	switch {
	case name == "apt-get" || name == "apt":
		tool = "apt"
	case commands.PipName.MatchString(name):
		tool = "pip"
	case commands.PythonName.MatchString(name) && len(words) > 2 && lit(1) == "-m" && commands.PipName.MatchString(lit(2)):
		tool, words = "pip", words[2:]
	case slices.Contains([]string{"apk", "npm", "yarn", "yum", "dnf", "microdnf", "gem", "composer", "uv", "conda", "mamba", "micromamba", "rm"}, name):
		tool = name
	default:
		return nil
	}
	c := &pkgCmd{stmt: st, call: call, tool: tool, words: words, sub: -1}
	for i := range words {
		c.args = append(c.args, lit(i))
	}
	for i := 1; i < len(c.args); i++ {
		a := c.args[i]
		if slices.Contains(valued[tool], a) {
			i++
			continue
		}
		if !strings.HasPrefix(a, "-") {
			if a != "" {
				c.sub = i
			}
			break
		}
	}
	return c
}

// removes reports whether c is an rm -r of dir or of everything in it.
func (c *pkgCmd) removes(dir string) bool {
	if c.tool != "rm" {
		return false
	}
	for _, a := range c.args[1:] {
		if strings.TrimSuffix(strings.TrimSuffix(a, "*"), "/") == dir {
			return true
		}
	}
	return false
}

// removesVar reports whether c is an rm of the folder that the variable
// name holds: "$NAME" or ${NAME}, quoted or not.
func (c *pkgCmd) removesVar(name string) bool {
	return c.tool == "rm" && slices.ContainsFunc(c.words[1:], func(w *syntax.Word) bool {
		v, ok := shellx.ParamName(w)
		return ok && v == name
	})
}

// onlyRemoves reports whether c is an rm whose every path is dir or in it.
func (c *pkgCmd) onlyRemoves(dir string) bool {
	if c.tool != "rm" {
		return false
	}
	n := 0
	for _, a := range c.args[1:] {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if strings.TrimSuffix(strings.TrimSuffix(a, "*"), "/") != dir {
			return false
		}
		n++
	}
	return n > 0
}

// mountTargets returns the targets of a RUN's cache and tmpfs mounts.
func mountTargets(in *parser.Instruction) []string {
	var ts []string
	for _, f := range in.Flags {
		if typ, target := mountFlag(f); (typ == "cache" || typ == "tmpfs") && target != "" {
			ts = append(ts, target)
		}
	}
	return ts
}

// mountFlag returns the type and target of a --mount flag ("" for another
// flag), the target without a trailing slash.
func mountFlag(f string) (typ, target string) {
	spec, ok := strings.CutPrefix(f, "--mount=")
	if !ok {
		return "", ""
	}
	typ = "bind"
	for _, kv := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "type":
			typ = v
		case "target", "dst", "destination":
			target = strings.TrimSuffix(v, "/")
		}
	}
	return typ, target
}

// stageValue returns the value that the last matching instruction (keyword
// kw: "user", "env" or "arg") before in gives, looking into the stages in is
// based on, and whether there is one. For env and arg, name selects the
// variable.
func stageValue(doc *parser.Document, in *parser.Instruction, kw, name string) (string, bool) {
	st, limit := in.Stage, in.StartLine
	for st != nil {
		val, found := "", false
		for _, x := range st.Instructions {
			if x.Keyword != kw || x.StartLine >= limit || len(x.Args) == 0 {
				continue
			}
			if kw == "user" {
				val, found = x.Args[0], true
				continue
			}
			for i, a := range x.Args {
				k, v, eq := strings.Cut(a, "=")
				if k != name {
					continue
				}
				if !eq && kw == "env" && i+1 < len(x.Args) {
					v = x.Args[i+1]
				}
				val, found = v, true
			}
		}
		if found {
			return val, true
		}
		if st.Parent == nil {
			break
		}
		st, limit = st.Parent, int(^uint(0)>>1)
	}
	return "", false
}

// cacheRule is what cache-cleanup does about one package manager's cache.
type cacheRule struct {
	name    string
	match   func(*pkgCmd) bool   // a command that leaves the cache (or lacks the flag)
	env     string               // a variable that, set for the command, keeps it from caching
	flag    string               // added after the subcommand (see flagAfter) of each matching command
	cleanup string               // appended at the end of the RUN
	present func([]*pkgCmd) bool // the RUN already cleans up
	dirs    []string             // a cache or tmpfs mount whose target ends so covers the cache
	dirEnv  string               // a variable that moves the cache (see cleaner.cacheDir)
	mount   string               // the flags --cache-mounts adds instead
	homeDir bool                 // the cache lives in the user's home
	// ownProgram puts before cleanup the program word of the last command
	// that made the cache.
	ownProgram bool
}

func (r *cacheRule) covered(targets []string) bool {
	for _, t := range targets {
		for _, d := range r.dirs {
			if strings.HasSuffix(t, d) {
				return true
			}
		}
	}
	return false
}

func sub(tool string, subs ...string) func(*pkgCmd) bool {
	return func(c *pkgCmd) bool { return c.tool == tool && slices.Contains(subs, c.subcmd()) }
}

func lacks(m func(*pkgCmd) bool, flags ...string) func(*pkgCmd) bool {
	return func(c *pkgCmd) bool { return m(c) && !c.has(flags...) }
}

// runs reports whether a RUN has a command of tool with exactly these
// leading arguments, e.g. runs("npm", "cache", "clean").
func runs(tool string, args ...string) func([]*pkgCmd) bool {
	return func(cmds []*pkgCmd) bool {
		return slices.ContainsFunc(cmds, func(c *pkgCmd) bool {
			return c.tool == tool && c.sub > 0 && len(c.args) >= c.sub+len(args) && slices.Equal(c.args[c.sub:c.sub+len(args)], args)
		})
	}
}

var (
	aptFills = sub("apt", "update", "install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall")
	// apk add --no-network reads no index and fetches no package: it
	// leaves no cache (docker-library's .run-deps virtual packages).
	apkRule = &cacheRule{name: "apk", match: lacks(sub("apk", "add"), "--no-cache", "--no-network"), flag: "--no-cache",
		dirs: []string{"/var/cache/apk", "/etc/apk/cache"}}
	yumSubs = []string{"install", "update", "upgrade", "groupinstall", "reinstall", "localinstall", "makecache", "distro-sync", "group", "module"}
)

// cacheRules are applied in this order; cleanups are appended in it too.
var cacheRules = []*cacheRule{
	{name: "apt-get install", flag: "--no-install-recommends",
		match: lacks(sub("apt", "install"), "--no-install-recommends", "--install-recommends", "APT::Install-Recommends=false", "APT::Install-Recommends=0")},
	{name: "apt", match: aptFills, cleanup: "rm -rf /var/lib/apt/lists/*",
		present: func(cmds []*pkgCmd) bool {
			last := -1
			for i, c := range cmds {
				if aptFills(c) {
					last = i
				}
			}
			return slices.ContainsFunc(cmds[last+1:], func(c *pkgCmd) bool { return c.removes("/var/lib/apt/lists") || aptDistCleans(c) })
		},
		// Only the lists matter: a cache mount of /var/cache/apt alone
		// leaves them in the layer.
		dirs:  []string{"/var/lib/apt", "/var/lib/apt/lists"},
		mount: "--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked"},
	apkRule,
	{name: "pip", match: lacks(sub("pip", "install"), "--no-cache-dir"), env: "PIP_NO_CACHE_DIR", flag: "--no-cache-dir",
		dirs: []string{"/.cache/pip", "/.cache"}, dirEnv: "PIP_CACHE_DIR", mount: "--mount=type=cache,target=/root/.cache/pip", homeDir: true},
	{name: "gem", match: lacks(sub("gem", "install"), "--no-document", "-N", "--no-doc", "--no-ri", "--no-rdoc"), flag: "--no-document"},
	{name: "npm", match: sub("npm", "install", "i", "ci", "add", "isntall"), cleanup: "npm cache clean --force",
		present: runs("npm", "cache", "clean"), dirs: []string{"/.npm"}, mount: "--mount=type=cache,target=/root/.npm", homeDir: true},
	{name: "yarn", match: func(c *pkgCmd) bool {
		return c.tool == "yarn" && (c.sub < 0 && !slices.Contains(c.args, "") || slices.Contains([]string{"install", "add"}, c.subcmd()) ||
			c.subcmd() == "global" && len(c.args) > c.sub+1 && c.args[c.sub+1] == "add")
	}, cleanup: "yarn cache clean", present: runs("yarn", "cache", "clean"),
		dirs: []string{"/.cache/yarn", "/.yarn", "/yarn"}, mount: "--mount=type=cache,target=/usr/local/share/.cache/yarn", homeDir: true},
	{name: "yum", match: sub("yum", yumSubs...), cleanup: "yum clean all && rm -rf /var/cache/yum", present: runs("yum", "clean", "all"),
		dirs: []string{"/var/cache/yum"}, mount: "--mount=type=cache,target=/var/cache/yum,sharing=locked"},
	{name: "dnf", match: sub("dnf", yumSubs...), cleanup: "dnf clean all", present: runs("dnf", "clean", "all"),
		dirs: []string{"/var/cache/dnf"}, mount: "--mount=type=cache,target=/var/cache/dnf,sharing=locked"},
	{name: "microdnf", match: sub("microdnf", "install", "update", "upgrade", "reinstall"), cleanup: "microdnf clean all",
		present: runs("microdnf", "clean", "all"), dirs: []string{"/var/cache/yum", "/var/cache/dnf"}},
	{name: "composer", match: lacks(sub("composer", "install", "require", "update", "create-project"), "--no-cache"),
		cleanup: "composer clear-cache", present: func(cmds []*pkgCmd) bool {
			// or the RUN removes composer's home (docker-library's drupal
			// runs composer with a temporary COMPOSER_HOME, then removes it;
			// clear-cache would make it again)
			return runs("composer", "clear-cache")(cmds) || runs("composer", "clearcache")(cmds) || runs("composer", "cc")(cmds) ||
				slices.ContainsFunc(cmds, func(c *pkgCmd) bool {
					return c.removesVar("COMPOSER_HOME") || c.removesVar("COMPOSER_CACHE_DIR")
				})
		}, dirs: []string{"/.composer", "/.composer/cache", "/.cache/composer"}},
	// --no-cache is a global option of uv (any position), -n its short form.
	{name: "uv", match: lacks(sub("uv", "pip", "sync", "tool", "add", "lock", "run", "export"), "--no-cache", "-n", "--no-cache-dir"),
		env: "UV_NO_CACHE", flag: "--no-cache", dirs: []string{"/.cache/uv", "/.cache"}, dirEnv: "UV_CACHE_DIR",
		mount: "--mount=type=cache,target=/root/.cache/uv", homeDir: true},
	condaRule("conda", "clean -afy"), // the continuumio images' own cleanup
	condaRule("mamba", "clean --all --yes"),
	condaRule("micromamba", "clean --all --yes"),
}

// condaRule is the rule for conda or one of its reimplementations: the
// package cache (pkgs/ under the installation, shared by all three) goes at
// the end of the RUN,
// cleaned by the program the RUN called, as it called it
// (/opt/conda/bin/conda is often not on PATH). Where the cache is depends
// on the installation, so --cache-mounts has no mount for it.
func condaRule(tool, clean string) *cacheRule {
	return &cacheRule{name: tool, cleanup: clean, ownProgram: true, present: condaCleans, dirs: []string{"/pkgs"}, dirEnv: "CONDA_PKGS_DIRS",
		match: func(c *pkgCmd) bool {
			switch c.subcmd() {
			case "install", "create", "update", "upgrade":
				return c.tool == tool
			case "env":
				return c.tool == tool && len(c.args) > c.sub+1 && (c.args[c.sub+1] == "create" || c.args[c.sub+1] == "update")
			}
			return false
		}}
}

// condaCleans reports whether a RUN cleans the package cache that conda,
// mamba and micromamba share.
func condaCleans(cmds []*pkgCmd) bool {
	return runs("conda", "clean")(cmds) || runs("mamba", "clean")(cmds) || runs("micromamba", "clean")(cmds)
}

// flagAfter returns the index in c.args of the word a rule's flag follows:
// the subcommand, or for uv pip install and uv tool install the word after
// it, where the flag reads best.
func (c *pkgCmd) flagAfter() int {
	if c.tool == "uv" && (c.subcmd() == "pip" || c.subcmd() == "tool") && c.sub+1 < len(c.args) &&
		c.args[c.sub+1] != "" && !strings.HasPrefix(c.args[c.sub+1], "-") {
		return c.sub + 1
	}
	return c.sub
}
