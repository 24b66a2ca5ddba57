package rebase

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/docklean/docklean/internal/alpinepkg"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// buildpackRelease returns the Debian or Ubuntu release a buildpack-deps
// tag is built on ("bookworm" for bookworm-scm), "" when the tag names none
// (latest, curl, scm).
func buildpackRelease(tag string) string {
	rel := strings.TrimSuffix(strings.TrimSuffix(tag, "-curl"), "-scm")
	if rel == "" || rel == "latest" || rel == "curl" || rel == "scm" {
		return ""
	}
	return rel
}

// buildpackNeeds is what the alpine pass installs when it moves a
// buildpack-deps stage to Alpine: the slim pass's scan finds the packages
// of buildpack-deps the tree uses (or refuses), and each becomes its
// Alpine name. Without it, alpine would refuse buildpack-deps and a later
// run would convert the debian:X-slim stage slim made of it: not
// idempotent.
func BuildpackNeeds(u *transform.Unit, tree []*parser.Stage) ([]AlpineNeed, *AlpineMsg) {
	sb := SlimBaseOf(u.Doc, tree[0])
	if sb.Kind != baseConvert {
		return nil, &AlpineMsg{sb.Line, sb.Reason}
	}
	sb.newRef = "alpine:" + u.Opts.Alpine()
	return scanNeeds(u, tree, sb)
}

// scanNeeds runs the slim pass's scan of tree against sb (the packages of
// the full image the new base lacks) and maps each package the tree needs
// to its Alpine names; the scan's refusal, or a package with no Alpine
// name, is the refusal.
func scanNeeds(u *transform.Unit, tree []*parser.Stage, sb slimBase) ([]AlpineNeed, *AlpineMsg) {
	s := NewSlimScan(u, tree, sb)
	s.Scan()
	if s.Refusal != nil {
		return nil, &AlpineMsg{s.Refusal.Line, s.Refusal.Msg}
	}
	var needs []AlpineNeed
	for _, n := range s.Needs {
		if at, ok := s.Has[n.Pkg]; ok && at < n.Off {
			continue
		}
		names, ok := alpinepkg.FromDebian(n.Pkg, u.Opts.Alpine())
		if !ok {
			return nil, &AlpineMsg{tree[0].From.StartLine, fmt.Sprintf("%s; %s has no known Alpine equivalent", n.Why, n.Pkg)}
		}
		for _, a := range names {
			needs = append(needs, AlpineNeed{a, n.Why, n.Off})
		}
	}
	return needs, nil
}

// alpineNeed is a package a stage needs from offset off on (len(src) for
// run time).
type AlpineNeed struct {
	Pkg, Why string
	Off      int
}

var (
	nativeFiles = regexp.MustCompile(`node_modules|venv|site-packages|dist-packages|\.so\b|(^|/)(s?bin|lib|lib64|libexec)(/|$)|/usr/local|/opt/`)
	// portableFiles must match the last element of a source: a file of
	// web assets or data, or a folder of built assets. A file inside such
	// a folder without such an extension (dist/registry-cli, PyInstaller's
	// --onefile program) is not portable.
	portableFiles = regexp.MustCompile(`\.(jar|war|ear|js|mjs|css|html?|json|ya?ml|toml|txt|md|conf|svg|png|ico|map)$|(^|/)(dist|build|public|static|out|target|www|html)/?$`)
	// programDirs are destinations that hold programs.
	programDirs = regexp.MustCompile(`(^|/)s?bin(/|$)`)
)

// portable reports whether a COPY's sources (all but the last argument)
// look like files that do not depend on the C library: web assets, jars.
// A copy into a bin folder never is.
func Portable(args []string) bool {
	if len(args) < 2 || programDirs.MatchString(args[len(args)-1]) {
		return false
	}
	for _, a := range args[:len(args)-1] {
		if nativeFiles.MatchString(a) || !portableFiles.MatchString(a) {
			return false
		}
	}
	return true
}
