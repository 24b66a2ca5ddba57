package alpine

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/tsv"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"github.com/docklean/docklean/transform/data"
	"mvdan.cc/sh/v3/syntax"
)

// Python packages with no musllinux wheel: pip on Alpine compiles them
// from source for a long time, or fails. The pass reads the packages a
// stage's pip installs (its command line, requirements files, the
// pyproject.toml of pip install .) and refuses the stage when one, or one
// of the packages it requires (data/python-musl-wheels.tsv, column
// requires, followed to the end), has no musl wheel, is a compiled package
// whose musl wheels docklean does not know, asks for extras (their
// packages are not in the table), is built from its sdist without the
// Debian build packages the stage installs, or is not in the table at all:
// whether a package or one of its dependencies is compiled is not knowable
// offline (issue 18 §4, nothing unread). A python stage alpine refuses is
// left to the slim pass, which keeps glibc.

// wheelKind is the musl column of data/python-musl-wheels.tsv.
type wheelKind string

const (
	wheelYes     wheelKind = "yes"     // musllinux wheels from since on
	wheelNo      wheelKind = "no"      // no musllinux wheel
	wheelUnknown wheelKind = "unknown" // compiled, musllinux wheels not verified
	wheelPure    wheelKind = "pure"    // a py3-none-any wheel
	wheelSdist   wheelKind = "sdist"   // only an sdist: compiled with its builds
)

// muslWheel is a row of data/python-musl-wheels.tsv.
type muslWheel struct {
	musl  wheelKind
	since string
	// requires are the packages it requires (nil for none); depsKnown is
	// false when the row says ? (not verified).
	requires  []string
	depsKnown bool
	// builds are the Debian packages its sdist needs to compile, each a
	// list of alternatives (gcc|build-essential).
	builds [][]string
	source string
}

var muslWheels = sync.OnceValue(func() map[string]muslWheel {
	m := map[string]muslWheel{}
	tsv.MustRows("python-musl-wheels.tsv", data.PythonMuslWheels, 7, func(line int, f []string) {
		w := muslWheel{musl: wheelKind(f[1]), since: f[2], depsKnown: f[4] != "?", source: f[6]}
		switch w.musl {
		case wheelYes, wheelNo, wheelUnknown, wheelPure, wheelSdist:
		default:
			panic(fmt.Sprintf("transform: data/python-musl-wheels.tsv:%d: musl is %q, want yes, no, unknown, pure or sdist", line, f[1]))
		}
		for _, n := range append([]string{f[0]}, strings.Fields(f[4])...) {
			if n != "-" && n != "?" && n != normalizePyName(n) {
				panic(fmt.Sprintf("transform: data/python-musl-wheels.tsv:%d: %q is not a normalized name", line, n))
			}
		}
		if w.depsKnown && f[4] != "-" {
			w.requires = strings.Fields(f[4])
		}
		if (w.musl == wheelSdist) != (f[5] != "-") {
			panic(fmt.Sprintf("transform: data/python-musl-wheels.tsv:%d: builds is %q: an sdist row names its build packages, no other row does", line, f[5]))
		}
		if f[5] != "-" {
			for _, b := range strings.Fields(f[5]) {
				w.builds = append(w.builds, strings.Split(b, "|"))
			}
		}
		m[f[0]] = w
	})
	return m
})

// wheelBlame says why a package of the table is not accounted for: its own
// row (dep == ""), or the first package it requires that is not.
type wheelBlame struct {
	dep      string
	why      string // for dep == "": the reason, without the package's name
	unlisted bool   // the root cause is a package the table does not list, or a ? requires
}

// wheelsUnaccounted maps each package of the table that is not accounted
// for to why. A package is accounted for when its row is pure, yes, or
// sdist, and every package it requires is accounted for. Computed once, as
// a greatest fixed point: every package starts accounted for, and a
// worklist removes the ones with a row or a dependency that is not, so a
// cycle of requirements ends and each row is visited once.
var wheelsUnaccounted = sync.OnceValue(func() map[string]wheelBlame { return unaccounted(muslWheels()) })

// unaccounted is wheelsUnaccounted for the table given.
func unaccounted(table map[string]muslWheel) map[string]wheelBlame {
	bad := map[string]wheelBlame{}
	users := map[string][]string{} // dependency → the rows that require it
	var work []string
	fail := func(name string, b wheelBlame) {
		if _, done := bad[name]; !done {
			bad[name] = b
			work = append(work, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(table)) { // the same chain in every run
		w := table[name]
		switch {
		case w.musl == wheelNo:
			fail(name, wheelBlame{why: "has no musllinux wheel (" + w.source + "), so pip on Alpine compiles it from source or fails"})
		case w.musl == wheelUnknown:
			fail(name, wheelBlame{why: "is a compiled package, and docklean does not know whether it has a musllinux wheel (" + w.source + ")"})
		case !w.depsKnown:
			fail(name, wheelBlame{why: "is in docklean's table, but the packages it requires are not (transform/data/python-musl-wheels.tsv, requires ?)", unlisted: true})
		}
		for _, d := range w.requires {
			users[d] = append(users[d], name)
			if _, ok := table[d]; !ok {
				fail(d, wheelBlame{why: "is not in docklean's table of Python packages (transform/data/python-musl-wheels.tsv)", unlisted: true})
			}
		}
	}
	for len(work) > 0 {
		d := work[len(work)-1]
		work = work[:len(work)-1]
		for _, u := range users[d] {
			fail(u, wheelBlame{dep: d, unlisted: bad[d].unlisted})
		}
	}
	return bad
}

// wheelChain is why name is not accounted for: "flask requires werkzeug,
// which requires markupsafe, which has no musllinux wheel (...)". The
// blame pointers lead to packages removed earlier, so the chain ends.
func wheelChain(name string, bad map[string]wheelBlame) string {
	var b strings.Builder
	b.WriteString(name)
	for b2 := bad[name]; b2.dep != ""; b2 = bad[b2.dep] {
		fmt.Fprintf(&b, " requires %s, which", b2.dep)
		name = b2.dep
	}
	return b.String() + " " + bad[name].why
}

// missingBuilds returns the first sdist package that name is or requires
// (itself first) whose build packages debs lacks, with the ones missing.
func missingBuilds(name string, debs map[string]bool) (string, []string) {
	table := muslWheels()
	seen := map[string]bool{name: true}
	for queue := []string{name}; len(queue) > 0; queue = queue[1:] {
		w := table[queue[0]]
		var miss []string
		for _, alts := range w.builds {
			if !slices.ContainsFunc(alts, func(d string) bool { return debs[d] }) {
				miss = append(miss, strings.Join(alts, " or "))
			}
		}
		if len(miss) > 0 {
			return queue[0], miss
		}
		for _, d := range w.requires {
			if !seen[d] {
				seen[d] = true
				queue = append(queue, d)
			}
		}
	}
	return "", nil
}

var pySep = regexp.MustCompile(`[-_.]+`)

// normalizePyName is PEP 503's normalized form of a distribution name.
func normalizePyName(n string) string { return pySep.ReplaceAllString(strings.ToLower(n), "-") }

// pyReq is one requirement: "numpy==1.24.0 ; python_version > '3.8'".
var pyReq = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)`)

// wheelVerdict says why the requirement req cannot be installed on Alpine
// from musl or pure wheels, or from an sdist whose build packages (Debian
// names) are all in debs; "" when it can. unlisted is set when the reason
// is that the table does not list the package or one it requires.
func wheelVerdict(req string, debs map[string]bool) (why string, unlisted bool) {
	m := pyReq.FindStringSubmatch(strings.TrimSpace(req))
	if m == nil {
		return "", false
	}
	name := normalizePyName(m[1])
	w, ok := muslWheels()[name]
	if !ok && m[2] != "" {
		return fmt.Sprintf("%s%s: neither %s nor the packages its extras pull are in docklean's table of Python packages (transform/data/python-musl-wheels.tsv), so docklean cannot tell whether each has a musllinux wheel", m[1], m[2], name), true
	}
	if !ok {
		return fmt.Sprintf("%s is not in docklean's table of Python packages (transform/data/python-musl-wheels.tsv), so docklean cannot tell whether it or one of its dependencies is compiled code with no musllinux wheel", name), true
	}
	spec := strings.TrimSpace(m[3])
	if b, bad := wheelsUnaccounted()[name]; bad {
		why := wheelChain(name, wheelsUnaccounted())
		if b.unlisted {
			why += ", so docklean cannot tell whether each package pip installs has a musllinux wheel"
		}
		return why, b.unlisted
	}
	if m[2] != "" {
		return fmt.Sprintf("%s%s: the extras pull packages docklean does not know (dvr-scan[opencv] pulls opencv-python), so it cannot tell whether each has a musllinux wheel", name, m[2]), false
	}
	if pkg, miss := missingBuilds(name, debs); pkg != "" {
		via := ""
		if pkg != name {
			via = fmt.Sprintf(" (%s requires it)", name)
		}
		return fmt.Sprintf("%s%s has only an sdist, which pip compiles, and the stage does not install %s (%s), so pip on Alpine cannot build it", pkg, via, strings.Join(miss, ", "), muslWheels()[pkg].source), false
	}
	if w.musl == wheelPure && w.since == "-" || w.musl == wheelSdist {
		return "", false
	}
	// yes, or pure from since on: a spec that allows only older versions
	// is refused, and any upper bound when since is not known.
	for _, c := range strings.Split(spec, ",") {
		c = strings.TrimSpace(c)
		op := strings.TrimRight(c[:len(c)-len(strings.TrimLeft(c, "=<>!~"))], " ")
		v := strings.TrimSpace(strings.TrimLeft(c, "=<>!~"))
		switch op {
		case "==", "===", "<", "<=", "~=":
			if w.musl == wheelPure && (versionLess(v, w.since) || op == "<" && !versionLess(w.since, v)) {
				return fmt.Sprintf("%s%s may require packages docklean's table does not list: it knows what %s requires from %s on (%s)", name, spec, name, w.since, w.source), true
			}
			if w.since == "-" || versionLess(v, w.since) || op == "<" && !versionLess(w.since, v) {
				return fmt.Sprintf("%s%s may have no musllinux wheel: docklean knows of musllinux wheels %s (%s)", name, spec, sinceText(w.since), w.source), false
			}
		}
	}
	return "", false
}

// checkWheel refuses the stage when the requirement req, installed by the
// RUN on line (from the file where, if any), may have no musl wheel, and
// reports whether it did. A package the table does not list is kept for
// the end of the stage (see finishWheels), so that a known reason (torch
// has no musllinux wheel) is the one reported.
func (s *alpineStage) checkWheel(line int, req, where string) bool {
	why, unlisted := wheelVerdict(req, s.debs)
	if why == "" {
		return false
	}
	if where != "" {
		why += " (" + where + ")"
	}
	if unlisted {
		if s.unlisted == nil {
			s.unlisted = &finding{line, codeWheel, transform.Msgf("%v; keep the stage on Debian, or add the package to the table with its source", why)}
		}
		return false
	}
	s.refuse(line, codeWheel, "%s; keep the stage on Debian", why)
	return true
}

func sinceText(since string) string {
	if since == "-" {
		return "for recent versions only"
	}
	return "from " + since + " on"
}

// versionLess compares dotted release numbers ("1.26.1" < "2"); a part that
// is not a number compares as 0.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(strings.TrimRight(pa[i], "abcdefghijklmnopqrstuvwxyz*"))
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(strings.TrimRight(pb[i], "abcdefghijklmnopqrstuvwxyz*"))
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// pipWheels checks the packages every pip install of a RUN installs.
func (s *alpineStage) pipWheels(in *parser.Instruction) {
	if in.JSON {
		if sub := pipInstallArgs(in.Args); sub >= 0 {
			s.pipArgs(in, in.Args[sub:])
		}
		return
	}
	if in.Shell == nil || in.Shell.File == nil || in.Shell.Err != nil || !in.Shell.Mapped() || !containsAny(in.Shell.Text, []string{"pip", "poetry", "uv"}) {
		return
	}
	parser.Walk(in.Shell.File, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if !ok {
			return true
		}
		args, _ := shellx.CallArgs(c)
		if sub := pipInstallArgs(args); sub >= 0 {
			s.pipArgs(in, args[sub:])
			return true
		}
		switch {
		case len(args) >= 3 && path.Base(args[0]) == "uv" && args[1] == "pip" && args[2] == "install":
			s.pipArgs(in, args[3:])
		case len(args) >= 2 && path.Base(args[0]) == "poetry" && args[1] == "install",
			len(args) >= 2 && path.Base(args[0]) == "uv" && args[1] == "sync":
			s.localProject(in, ".")
		case len(args) >= 2 && path.Base(args[0]) == "pipenv" && (args[1] == "install" || args[1] == "sync"):
			s.pipfile(in)
		}
		return true
	})
}

// pipInstallArgs returns the index of the first argument after "install"
// when args run pip install, else -1.
func pipInstallArgs(args []string) int {
	if len(args) < 2 {
		return -1
	}
	b := path.Base(args[0])
	i := 1
	switch {
	case b == "pip" || b == "pip3" || strings.HasPrefix(b, "pip3."):
	case strings.HasPrefix(b, "python") && len(args) > 3 && args[1] == "-m" && args[2] == "pip":
		i = 3
	default:
		return -1
	}
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		i++
	}
	if i >= len(args) || args[i] != "install" {
		return -1
	}
	return i + 1
}

// pipOptsWithValue are pip install options whose value is the next word.
var pipOptsWithValue = map[string]bool{
	"-c": true, "--constraint": true, "-i": true, "--index-url": true, "--extra-index-url": true,
	"-f": true, "--find-links": true, "-t": true, "--target": true, "--prefix": true, "--root": true,
	"--platform": true, "--python-version": true, "--implementation": true, "--abi": true,
	"--trusted-host": true, "--cache-dir": true, "--src": true, "--upgrade-strategy": true,
	"--progress-bar": true, "--log": true, "--timeout": true, "--retries": true, "--proxy": true,
	"--no-binary": true, "--only-binary": true, "--config-settings": true, "-C": true,
}

func (s *alpineStage) pipArgs(in *parser.Instruction, args []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-r" || a == "--requirement":
			if i+1 < len(args) {
				i++
				s.requirementsFile(in, args[i], 0)
			}
		case strings.HasPrefix(a, "--requirement=") || strings.HasPrefix(a, "-r") && len(a) > 2:
			s.requirementsFile(in, strings.TrimPrefix(strings.TrimPrefix(a, "--requirement="), "-r"), 0)
		case a == "-e" || a == "--editable":
			if i+1 < len(args) {
				i++
				s.localProject(in, args[i])
			}
		case pipOptsWithValue[a]:
			i++
		case strings.HasPrefix(a, "-"):
		case strings.HasSuffix(a, ".whl"):
			if w := path.Base(a); strings.Contains(w, "manylinux") || strings.Contains(w, "-linux_") {
				s.refuse(in.StartLine, codeWheel, "pip installs %s, a wheel built for glibc (manylinux or linux_*), which pip on Alpine rejects; keep the stage on Debian", w)
			}
		case a == "." || strings.HasPrefix(a, "./") || strings.HasPrefix(a, "/") && !strings.Contains(a, "://"):
			if !strings.HasSuffix(a, ".tar.gz") && !strings.HasSuffix(a, ".zip") {
				s.localProject(in, a)
			}
		case strings.Contains(a, "$"):
			s.refuse(in.StartLine, codeWheel, "pip installs %s, which docklean cannot expand, so it cannot tell whether the package has a musllinux wheel; write the package names out", a)
		default:
			s.checkWheel(in.StartLine, a, "")
		}
	}
}

// contextFile finds the build-context file that a path in the image came
// from, through the stage's COPY and ADD instructions (before in), or the
// same path in the context. ok is false when there is no context or no
// such file.
func (s *alpineStage) contextFile(in *parser.Instruction, p string) (string, bool) {
	ctx := s.u.Opts.Context
	if ctx == nil {
		return "", false
	}
	exists := func(c string) bool {
		st, err := fs.Stat(ctx, c)
		return err == nil && !st.IsDir()
	}
	base := path.Base(p)
	for _, cp := range s.st.Instructions {
		if cp.Start >= in.Start {
			break
		}
		if (cp.Keyword != "copy" && cp.Keyword != "add") || len(cp.Args) < 2 || hasFromFlag(cp) {
			continue
		}
		for _, src := range cp.Args[:len(cp.Args)-1] {
			src = path.Clean(strings.TrimPrefix(src, "/"))
			if path.Base(src) == base && exists(src) {
				return src, true
			}
			if c := path.Join(src, base); exists(c) {
				return c, true
			}
			if c := path.Join(src, strings.TrimPrefix(path.Clean(p), "/")); !path.IsAbs(p) && exists(c) {
				return c, true
			}
		}
	}
	if c := path.Clean(strings.TrimPrefix(p, "/")); exists(c) {
		return c, true
	}
	return "", false
}

func hasFromFlag(in *parser.Instruction) bool {
	for _, f := range in.Flags {
		if strings.HasPrefix(f, "--from=") {
			return true
		}
	}
	return false
}

// requirementsFile reads a requirements file from the build context and
// checks its requirements; one it cannot read refuses the stage.
func (s *alpineStage) requirementsFile(in *parser.Instruction, p string, depth int) {
	c, ok := s.contextFile(in, p)
	if !ok || depth > 5 {
		where := "which docklean cannot read without the build context (--context)"
		if s.u.Opts.Context != nil {
			where = "which docklean does not find in the build context"
		}
		s.refuse(in.StartLine, codeWheel, "pip installs the requirements in %s, %s, so it cannot tell whether each has a musllinux wheel; run with the real build context (--context)", p, where)
		return
	}
	b, err := fs.ReadFile(s.u.Opts.Context, c)
	if err != nil {
		s.refuse(in.StartLine, codeWheel, "pip installs the requirements in %s, which docklean cannot read (%v)", c, err)
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "-r ") || strings.HasPrefix(line, "--requirement"):
			f := strings.Fields(strings.TrimPrefix(strings.TrimPrefix(line, "--requirement"), "-r"))
			if len(f) > 0 {
				s.requirementsFile(in, path.Join(path.Dir(c), strings.TrimPrefix(f[0], "=")), depth+1)
			}
		case strings.HasPrefix(line, "-"):
		default:
			s.checkWheel(in.StartLine, line, c)
		}
	}
}

var (
	tomlSection = regexp.MustCompile(`(?m)^\s*\[([^\]]+)\]\s*$`)
	tomlString  = regexp.MustCompile(`"([^"]*)"|'([^']*)'`)
)

// localProject checks the dependencies of a project pip installs from a
// folder: [project] dependencies or [tool.poetry.dependencies] of its
// pyproject.toml.
func (s *alpineStage) localProject(in *parser.Instruction, dir string) {
	c, ok := s.contextFile(in, path.Join(dir, "pyproject.toml"))
	if !ok {
		s.refuse(in.StartLine, codeWheel, "pip installs the project in %s, and docklean cannot read its pyproject.toml, so it cannot tell whether its dependencies have musllinux wheels; run with the real build context", dir)
		return
	}
	b, err := fs.ReadFile(s.u.Opts.Context, c)
	if err != nil {
		return
	}
	text := string(b)
	locs := tomlSection.FindAllStringSubmatchIndex(text, -1)
	for i, l := range locs {
		name := text[l[2]:l[3]]
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		body := text[l[1]:end]
		var reqs []string
		switch name {
		case "project":
			j := regexp.MustCompile(`(?m)^\s*dependencies\s*=\s*\[`).FindStringIndex(body)
			if j == nil {
				continue
			}
			arr := body[j[1]:]
			var q byte
			for k := 0; k < len(arr); k++ { // the closing ] outside quotes ("uvicorn[standard]")
				if c := arr[k]; q != 0 && c == q {
					q = 0
				} else if q == 0 && (c == '"' || c == '\'') {
					q = c
				} else if q == 0 && c == ']' {
					arr = arr[:k]
					break
				}
			}
			for _, m := range tomlString.FindAllStringSubmatch(arr, -1) {
				reqs = append(reqs, m[1]+m[2])
			}
		case "tool.poetry.dependencies", "tool.poetry.group.main.dependencies":
			for _, line := range strings.Split(body, "\n") {
				if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(strings.TrimSpace(line), "#") {
					if k = strings.Trim(strings.TrimSpace(k), `"'`); k != "python" { // the interpreter's version
						reqs = append(reqs, k)
					}
				}
			}
		}
		for _, r := range reqs {
			if s.checkWheel(in.StartLine, r, c) {
				return
			}
		}
	}
}

// pipfile checks the [packages] of the Pipfile pipenv installs.
func (s *alpineStage) pipfile(in *parser.Instruction) {
	c, ok := s.contextFile(in, "Pipfile")
	if !ok {
		s.refuse(in.StartLine, codeWheel, "pipenv installs the packages of a Pipfile docklean cannot read, so it cannot tell whether they have musllinux wheels; run with the real build context")
		return
	}
	b, err := fs.ReadFile(s.u.Opts.Context, c)
	if err != nil {
		return
	}
	text := string(b)
	locs := tomlSection.FindAllStringSubmatchIndex(text, -1)
	for i, l := range locs {
		if name := text[l[2]:l[3]]; name != "packages" {
			continue
		}
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		for _, line := range strings.Split(text[l[1]:end], "\n") {
			if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(strings.TrimSpace(line), "#") {
				if s.checkWheel(in.StartLine, strings.Trim(strings.TrimSpace(k), `"'`), c) {
					return
				}
			}
		}
	}
}
