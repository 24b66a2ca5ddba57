package transform

import (
	"fmt"
	"strings"

	"github.com/docklean/docklean/internal/alpinepkg"
	"github.com/docklean/docklean/parser"
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
func buildpackNeeds(u *Unit, tree []*parser.Stage) ([]alpineNeed, *alpineMsg) {
	sb := slimBaseOf(u.Doc, tree[0])
	if sb.kind != baseConvert {
		return nil, &alpineMsg{sb.line, sb.reason}
	}
	sb.newRef = "alpine:" + u.Opts.Alpine()
	return scanNeeds(u, tree, sb)
}

// scanNeeds runs the slim pass's scan of tree against sb (the packages of
// the full image the new base lacks) and maps each package the tree needs
// to its Alpine names; the scan's refusal, or a package with no Alpine
// name, is the refusal.
func scanNeeds(u *Unit, tree []*parser.Stage, sb slimBase) ([]alpineNeed, *alpineMsg) {
	s := newSlimScan(u, tree, sb)
	s.scan()
	if s.refusal != nil {
		return nil, &alpineMsg{s.refusal.line, s.refusal.msg}
	}
	var needs []alpineNeed
	for _, n := range s.needs {
		if at, ok := s.has[n.pkg]; ok && at < n.off {
			continue
		}
		names, ok := alpinepkg.FromDebian(n.pkg, u.Opts.Alpine())
		if !ok {
			return nil, &alpineMsg{tree[0].From.StartLine, fmt.Sprintf("%s; %s has no known Alpine equivalent", n.why, n.pkg)}
		}
		for _, a := range names {
			needs = append(needs, alpineNeed{a, n.why, n.off})
		}
	}
	return needs, nil
}
