package rebase

import (
	"fmt"
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

// BuildpackNeeds is what the alpine pass installs when it moves a
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
// to its Alpine names; the scan's first blocker, or a package with no
// Alpine name, is the refusal. (The scan's Blockers, with their lines as
// data, are there for the alpine pass to report every one.)
func scanNeeds(u *transform.Unit, tree []*parser.Stage, sb SlimBase) ([]AlpineNeed, *AlpineMsg) {
	s := NewSlimScan(u, tree, sb)
	s.Scan()
	if len(s.Blockers) > 0 {
		return nil, &AlpineMsg{s.Blockers[0].Line, s.Blockers[0].Msg.String()}
	}
	var needs []AlpineNeed
	for _, n := range s.Needs {
		if at, ok := s.Has[n.Pkg]; ok && at < n.Off {
			continue
		}
		names, ok := alpinepkg.FromDebian(n.Pkg, u.Opts.Alpine())
		if !ok {
			return nil, &AlpineMsg{tree[0].From.StartLine, fmt.Sprintf("%v; %s has no known Alpine equivalent", n.Why, n.Pkg)}
		}
		for _, a := range names {
			needs = append(needs, AlpineNeed{a, n.Why.String(), n.Off})
		}
	}
	return needs, nil
}
