package rebase

import (
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// Issue 18 §4: the full tags of python, ruby, perl and rust are built on
// buildpack-deps (curl, wget, git, ssh, gcc, make, -dev headers …); their
// -alpine tags have none of it. When the alpine pass moves such a stage,
// the slim pass's scan (slim_scan.go, slim_builds.go) finds which of those
// packages the tree uses — commands in RUN, CMD, ENTRYPOINT and
// HEALTHCHECK, scripts from the context, what pip, bundle, gem and cargo
// build — and each is installed under its Alpine name. A build it cannot
// read (make, a gem it does not know, no Gemfile.lock) or a package with
// no Alpine name refuses the stage; the slim pass may then take it.

// fullFrom is an official language image's full tag moved to -alpine.
type fullFrom struct {
	ref, to string // the base as the FROM names it, and its Alpine image
	python  bool   // the official python image, whose own python3 Alpine keeps
}

// FullVariantNeeds is what the Alpine stage of tree needs that the full
// image had, or why docklean cannot tell.
func FullVariantNeeds(u *transform.Unit, tree []*parser.Stage, f *fullFrom) ([]AlpineNeed, *AlpineMsg) {
	layers := []string{"curl", "scm", "full"}
	if f.python {
		layers = append(layers, "python") // so that python3 is not needed
	}
	return scanNeeds(u, tree, SlimBase{Kind: baseConvert, Ref: f.ref, newRef: f.to, Line: tree[0].From.StartLine, layers: layers})
}
