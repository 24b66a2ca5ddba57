package rebase

import (
	"path"
	"regexp"
	"strings"

	"github.com/docklean/docklean/transform"
)

// pipValued are pip install options whose value is the next word.
var pipValued = map[string]bool{"-i": true, "--index-url": true, "--extra-index-url": true, "-f": true, "--find-links": true,
	"-t": true, "--target": true, "--prefix": true, "--root": true, "--trusted-host": true, "--platform": true,
	"--python-version": true, "--implementation": true, "--abi": true, "--cache-dir": true, "--src": true,
	"--progress-bar": true, "--log": true, "--timeout": true, "--retries": true, "--upgrade-strategy": true}

var (
	pipReq     = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)`)
	pipNameSep = regexp.MustCompile(`[-_.]+`)
	sysCrate   = regexp.MustCompile(`(?m)^name = "([^"]+-sys)"`)
)

// pip decides what a pip install needs: nothing for pure packages and
// packages with manylinux wheels, the build packages of those that compile,
// and a refusal for the rest.
func (s *SlimScan) pip(args []string, off int) {
	line := s.in.StartLine
	var reqs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "" && i > 0 && (args[i-1] == "-r" || args[i-1] == "--requirement"):
		case a == "":
			s.refuse(line, SlimUnknownPackage, "%v runs pip install with a package list docklean cannot read", transform.Line(line))
			return
		case a == "-r" || a == "--requirement" || strings.HasPrefix(a, "--requirement=") || strings.HasPrefix(a, "-r") && len(a) > 2:
			f := strings.TrimPrefix(strings.TrimPrefix(a, "--requirement="), "-r")
			if f == "" || a == "--requirement" {
				if i+1 >= len(args) {
					return
				}
				i++
				f = args[i]
			}
			more, ok := s.requirements(f, 0)
			if !ok {
				return
			}
			reqs = append(reqs, more...)
		case a == "--only-binary" && i+1 < len(args) && args[i+1] == ":all:", a == "--only-binary=:all:":
			return // wheels only: nothing compiles, on any base
		case a == "--no-binary" || strings.HasPrefix(a, "--no-binary="):
			s.refuse(line, SlimCompiler, "%v runs pip install --no-binary, which compiles with the full image's compilers and headers", transform.Line(line))
			return
		case a == "-e" || a == "--editable":
			s.refuse(line, SlimUnknownPackage, "%v installs an editable project, whose build needs docklean cannot tell", transform.Line(line))
			return
		case a == "-c" || a == "--constraint" || pipValued[a]:
			i++
		case strings.HasPrefix(a, "-"):
		default:
			reqs = append(reqs, a)
		}
	}
	for _, r := range reqs {
		if !s.pipReq(r, off) {
			return
		}
	}
}

// requirements reads a requirements file from the build context.
func (s *SlimScan) requirements(f string, depth int) ([]string, bool) {
	line := s.in.StartLine
	data, _, mapped, err := s.readCtx(f, false)
	if !mapped || err != nil || depth > 3 {
		s.refuse(line, SlimContextFile, "%v runs pip install -r %s, a file docklean cannot read from the build context, so it cannot tell whether a package compiles", transform.Line(line), f)
		return nil, false
	}
	var reqs []string
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for l := range strings.SplitSeq(text, "\n") {
		if i := strings.Index(l, " #"); i >= 0 {
			l = l[:i]
		}
		l = strings.TrimSpace(strings.TrimSuffix(l, "\r"))
		switch {
		case l == "" || strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "-r ") || strings.HasPrefix(l, "--requirement"):
			nested := strings.TrimSpace(strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(l, "--requirement"), "-r "), "= "))
			more, ok := s.requirements(path.Join(path.Dir(f), nested), depth+1)
			if !ok {
				return nil, false
			}
			reqs = append(reqs, more...)
		case strings.HasPrefix(l, "--only-binary") && strings.Contains(l, ":all:"):
			return nil, true
		case strings.HasPrefix(l, "-e") || strings.HasPrefix(l, "--editable") || strings.HasPrefix(l, "--no-binary"):
			s.refuse(line, SlimUnknownPackage, "%s (installed on %v) has %q, whose build needs docklean cannot tell", f, transform.Line(line), l)
			return nil, false
		case strings.HasPrefix(l, "-"):
		default:
			if i := strings.Index(l, " --"); i >= 0 {
				l = l[:i] // --hash=…
			}
			reqs = append(reqs, l)
		}
	}
	return reqs, true
}

// pipReq looks at one requirement; false when it refused.
func (s *SlimScan) pipReq(r string, off int) bool {
	line := s.in.StartLine
	m := pipReq.FindStringSubmatch(r)
	if m == nil || strings.Contains(r, "://") || strings.Contains(r, " @ ") || strings.HasSuffix(r, ".whl") || strings.HasSuffix(r, ".tar.gz") {
		s.refuse(line, SlimUnknownPackage, "%v installs %s, a local project, archive or URL whose build needs docklean cannot tell", transform.Line(line), r)
		return false
	}
	name := strings.ToLower(pipNameSep.ReplaceAllString(m[1], "-"))
	b, ok := slimBuilds()[name]
	switch {
	case !ok:
		s.refuse(line, SlimUnknownPackage, "%v installs %s with pip; docklean does not know whether it has a wheel or compiles from source (%s has no compiler)", transform.Line(line), m[1], s.slimName())
		return false
	case b.kind == "wheel" && (strings.Contains(m[3], "==") || strings.Contains(m[3], "~=") || strings.Contains(m[3], "<")):
		s.refuse(line, SlimUnknownPackage, "%v installs %s; docklean cannot tell whether that version has a manylinux wheel for this Python (without one pip compiles it, and %s has no compiler)", transform.Line(line), strings.TrimSpace(r), s.slimName())
		return false
	}
	for _, p := range b.needs {
		s.need(p, off, transform.Msgf("%v installs %s with pip, which needs %s on %s", transform.Line(line), m[1], p, s.slimName()))
	}
	return true
}

// bundle decides what bundle install needs from Gemfile.lock.
func (s *SlimScan) bundle(off int) {
	line := s.in.StartLine
	data, ok := s.ctxFile("Gemfile.lock")
	if !ok {
		s.refuse(line, SlimContextFile, "%v runs bundle install and docklean cannot read Gemfile.lock from the build context, so it cannot tell which gems compile", transform.Line(line))
		return
	}
	inSpecs, git := false, false
	var gems []string
	for l := range strings.SplitSeq(strings.ReplaceAll(string(data), "\r", ""), "\n") {
		switch {
		case l == "GIT":
			git = true
		case strings.TrimSpace(l) == "specs:":
			inSpecs = true
		case !strings.HasPrefix(l, " "):
			inSpecs = false
		case inSpecs && strings.HasPrefix(l, "    ") && !strings.HasPrefix(l, "     "):
			name, ver, _ := strings.Cut(strings.TrimSpace(l), " ")
			if strings.Contains(ver, "-linux") {
				continue // a precompiled platform gem
			}
			gems = append(gems, name)
		}
	}
	if git {
		s.need("git", off, transform.Msgf("%v runs bundle install and Gemfile.lock has gems from git", transform.Line(line)))
		s.need("ca-certificates", off, transform.Msgf("%v runs bundle install, which fetches gems from git over https", transform.Line(line)))
	}
	s.gems(gems, off, "Gemfile.lock")
}

// gemInstall decides what gem install NAME… needs.
func (s *SlimScan) gemInstall(args []string, off int) {
	var gems []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-v" || a == "--version" || a == "-i" || a == "--install-dir" || a == "-n" || a == "--bindir" || a == "--source":
			i++
		case strings.HasPrefix(a, "-"):
		case a == "":
			s.refuse(s.in.StartLine, SlimUnknownPackage, "%v runs gem install with a gem list docklean cannot read", transform.Line(s.in.StartLine))
			return
		default:
			gems = append(gems, a)
		}
	}
	s.gems(gems, off, "gem install")
}

func (s *SlimScan) gems(gems []string, off int, from string) {
	line := s.in.StartLine
	for _, g := range gems {
		b, ok := slimBuilds()["gem:"+g]
		if !ok {
			s.refuse(line, SlimUnknownPackage, "%v installs the gem %s (%s); docklean does not know whether it compiles a native extension", transform.Line(line), g, from)
			return
		}
		for _, p := range b.needs {
			s.need(p, off, transform.Msgf("%v installs the gem %s, whose native extension needs %s", transform.Line(line), g, p))
		}
	}
}

// selfContainedSys are -sys crates that link nothing from the system.
var selfContainedSys = map[string]bool{"linux-raw-sys": true, "windows-sys": true, "js-sys": true, "web-sys": true,
	"core-foundation-sys": true, "security-framework-sys": true, "wasm-bindgen": true}

// cargo decides what a cargo build needs from Cargo.lock: the rust -slim
// images keep gcc and libc6-dev, so only crates that link system libraries
// (-sys crates) matter.
func (s *SlimScan) cargo(args []string, sub string, off int) {
	line := s.in.StartLine
	if sub == "install" && !strings.Contains(strings.Join(args, " "), "--path") {
		s.refuse(line, SlimUnknownPackage, "%v runs cargo install of a crate whose dependencies docklean cannot read", transform.Line(line))
		return
	}
	data, ok := s.ctxFile("Cargo.lock")
	if !ok {
		s.refuse(line, SlimContextFile, "%v runs cargo %s and docklean cannot read Cargo.lock from the build context, so it cannot tell which crates link system libraries", transform.Line(line), sub)
		return
	}
	for _, m := range sysCrate.FindAllStringSubmatch(string(data), -1) {
		switch n := m[1]; {
		case selfContainedSys[n]:
		case n == "openssl-sys":
			s.need("libssl-dev", off, transform.Msgf("%v runs cargo %s and Cargo.lock has openssl-sys, which links OpenSSL", transform.Line(line), sub))
			s.need("pkgconf", off, transform.Msgf("%v runs cargo %s and openssl-sys finds OpenSSL with pkg-config", transform.Line(line), sub))
		default:
			s.refuse(line, SlimNativeLibrary, "%v runs cargo %s and Cargo.lock has %s, which may link a library of the full image", transform.Line(line), sub, n)
			return
		}
	}
}
