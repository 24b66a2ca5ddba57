package cachecleanup

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// This file decides whether cache-cleanup may add --no-install-recommends to
// an apt-get install at all: only where docklean knows, from data, which
// recommended packages the flag drops (docs/other-review.md, classes 2 to 4).

// recommendsRelease is the Debian release whose Recommends
// data/debian-commands.tsv holds (internal/gendebian/input/SOURCE.md).
const recommendsRelease = "bookworm"

// debianVersions maps the major versions of the official debian image's
// tags to their code names (debian.org/releases).
var debianVersions = map[string]string{"8": "jessie", "9": "stretch", "10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie", "14": "forky"}

// releaseNames are the Debian and Ubuntu code names a tag token may be.
var releaseNames = map[string]string{
	"wheezy": "Debian 7 wheezy", "jessie": "Debian 8 jessie", "stretch": "Debian 9 stretch", "buster": "Debian 10 buster",
	"bullseye": "Debian 11 bullseye", "bookworm": "Debian 12 bookworm", "trixie": "Debian 13 trixie", "forky": "Debian 14 forky",
	"trusty": "Ubuntu 14.04 trusty", "xenial": "Ubuntu 16.04 xenial", "bionic": "Ubuntu 18.04 bionic", "focal": "Ubuntu 20.04 focal",
	"jammy": "Ubuntu 22.04 jammy", "noble": "Ubuntu 24.04 noble",
}

// stageRelease returns the Debian code name of the image st is built on,
// and, when it is not recommendsRelease, what docklean knows of it for a
// finding. The release is read from the root stage's official image: a
// debian tag's version or code name, or a code name token of another
// official image's tag (python:3.12-slim-bookworm, node:22-bookworm). A tag
// without one (python:3.12-slim) moves with the image's default release
// (trixie since 2025-08 for most; data/images.tsv and the official images'
// tables of 2026-08-21 do not record which, and some images are Ubuntu's),
// and an ARG in FROM may name any image: both give "".
func stageRelease(doc *parser.Document, st *parser.Stage) (codename, desc string) {
	chain := stageChain(doc, st)
	st = chain[len(chain)-1]
	if strings.Contains(st.Base, "$") {
		return "", fmt.Sprintf("FROM %s takes its image from an ARG, which may name any release", st.Base)
	}
	r := stages.ParseRef(st.Base)
	if !r.Official {
		return "", fmt.Sprintf("%s is not an official image, whose tag would name its Debian release", st.Base)
	}
	if r.Name == "ubuntu" {
		return "", fmt.Sprintf("%s is Ubuntu", st.Base)
	}
	for i, t := range strings.Split(r.Tag, "-") {
		if i == 0 && r.Name == "debian" {
			if c, ok := debianVersions[strings.SplitN(t, ".", 2)[0]]; ok {
				t = c
			}
		}
		if d, ok := releaseNames[t]; ok {
			return t, d
		}
	}
	return "", fmt.Sprintf("the tag of %s names no release, so which Debian (or Ubuntu) it is on is not known: such a tag moves with the image's default, Debian 13 trixie for most official images at their table of 2026-08-21", st.Base)
}

// recommendsUnknown returns why docklean cannot tell what
// --no-install-recommends would take from pc, an apt-get install of in, or
// the zero Msg when it can: the flag is added only then.
func (c *cleaner) recommendsUnknown(in *parser.Instruction, pc *pkgCmd) transform.Msg {
	chain := stageChain(c.doc, c.doc.Stages[len(c.doc.Stages)-1])
	if _, cmd := stages.FinalCommand(c.doc, chain); cmd == nil && slices.Contains(chain, in.Stage) {
		return transform.Msgf("the image has no CMD or ENTRYPOINT: it is a base or tool image whose users run their own commands, which may use any recommended package")
	}
	if pc.has("--fix-broken") || slices.ContainsFunc(pc.args[1:], func(a string) bool {
		return len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.Contains(a, "f")
	}) {
		return transform.Msgf("it is apt-get -f install, which completes packages this list does not name, whose Recommends docklean cannot see")
	}
	if l := c.dpkgInstall(in, pc); l > 0 {
		return transform.Msgf("%v installs a .deb with dpkg -i, whose Recommends are in no table docklean has", transform.Line(l))
	}
	if rel, desc := stageRelease(c.doc, in.Stage); rel != recommendsRelease {
		if rel != "" {
			desc = "the stage is on " + desc
		}
		return transform.Msgf("%s; docklean knows only Debian %s's Recommends (data/debian-commands.tsv)", desc, recommendsRelease)
	}
	t := commands.Tables()
	for i := pc.sub + 1; i < len(pc.args); i++ {
		a := pc.args[i]
		switch {
		case a == "":
			return transform.Msgf("a package name comes from a variable")
		case strings.HasSuffix(a, ".deb"):
			return transform.Msgf("it installs the file %s, whose Recommends are in no table docklean has", a)
		case (a == "-t" || a == "--target-release") && i+1 < len(pc.args):
			return transform.Msgf("it installs from the release %s (%s), whose Recommends may differ from Debian %s's", pc.args[i+1], a, recommendsRelease)
		case strings.HasPrefix(a, "--target-release=") || strings.Contains(a, "/") && !strings.HasSuffix(a, "/"+recommendsRelease):
			return transform.Msgf("it installs from another release (%s), whose Recommends may differ from Debian %s's", a, recommendsRelease)
		case a == "-o" || a == "--option" || a == "-c" || a == "--config-file":
			i++ // the option's value
		case strings.HasPrefix(a, "-"):
		case strings.ContainsAny(a, "*?[]"):
			return transform.Msgf("%s is a pattern, not a package name", a)
		default:
			name, _, _ := strings.Cut(strings.TrimSuffix(a, "/"+recommendsRelease), "=")
			if t.Deb[name] == nil {
				return transform.Msgf("%s is not among the Debian %s packages docklean has the Recommends of (data/debian-commands.tsv)", name, recommendsRelease)
			}
		}
	}
	return transform.Msgf("")
}

// stageChain returns st and the stages it is built on.
func stageChain(doc *parser.Document, st *parser.Stage) []*parser.Stage {
	var chain []*parser.Stage
	for ; st != nil; st = stages.ParentStage(doc, st) {
		chain = append(chain, st)
	}
	return chain
}

// dpkgInstall returns the line of a dpkg -i (--install) that runs before
// pc, an apt-get install of in: in a RUN of in's stage or of a stage it is
// built on, or earlier in in itself; 0 when there is none.
func (c *cleaner) dpkgInstall(in *parser.Instruction, pc *pkgCmd) int {
	for _, st := range stageChain(c.doc, in.Stage) {
		for _, x := range st.Instructions {
			if st == in.Stage && x.StartLine > in.StartLine {
				break
			}
			if x.Keyword != "run" || x.Shell == nil || x.Shell.File == nil || !strings.Contains(c.doc.Text(x), "dpkg") {
				continue
			}
			found := 0
			parser.Walk(x.Shell.File, func(n syntax.Node) bool {
				call, ok := n.(*syntax.CallExpr)
				if !ok || len(call.Args) < 2 || found > 0 {
					return found == 0
				}
				if x == in && call.Pos().Offset() > pc.call.Pos().Offset() {
					return false
				}
				if w, _ := shellx.WordLit(call.Args[0]); path.Base(w) == "dpkg" {
					for _, a := range call.Args[1:] {
						v, _ := shellx.WordLit(a)
						if v == "--install" || len(v) > 1 && v[0] == '-' && v[1] != '-' && strings.Contains(v, "i") {
							start, _ := x.Shell.Span(call.Args[0])
							found = c.doc.LineOf(start)
						}
					}
				}
				return true
			})
			if found > 0 {
				return found
			}
		}
	}
	return 0
}
