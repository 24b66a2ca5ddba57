package cachecleanup

import (
	"strings"

	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// keepDebs is what Docker's documentation runs before an apt cache mount
// (docs.docker.com/build/cache/optimize/#use-cache-mounts): Debian's and
// Ubuntu's images ship /etc/apt/apt.conf.d/docker-clean, which deletes the
// downloaded .debs after every install and leaves a cache mount on
// /var/cache/apt empty.
const keepDebs = `rm -f /etc/apt/apt.conf.d/docker-clean; echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache; `

// keepDownloads makes keepDebs the first commands of in, a RUN that gets
// apt cache mounts, so that the mount on /var/cache/apt caches the .debs;
// they stay out of the layer, which does not hold a mount's files. It does
// not when the stage already does so, nor when a later apt RUN of the stage
// or of a stage built on it has no mount on /var/cache/apt: without
// docker-clean, that RUN's layer would keep its .debs.
func (c *cleaner) keepDownloads(in *parser.Instruction) {
	if c.keptDebs || c.keepsDebs(in) {
		return
	}
	if x := c.unmountedApt(in); x != nil {
		c.tx.Note(in.StartLine, codeDockerClean, "the /var/cache/apt mount stays empty: the image's /etc/apt/apt.conf.d/docker-clean deletes downloaded .debs, and removing it would leave them in the layer of the RUN at %v, which has no cache mount", transform.Line(x.StartLine))
		return
	}
	start, _ := in.Shell.Span(in.Shell.File.Stmts[0])
	c.add(start, keepDebs, codeDockerClean, "added rm -f /etc/apt/apt.conf.d/docker-clean and Keep-Downloaded-Packages before apt: Debian's and Ubuntu's images delete downloaded .debs after each install, which would leave the /var/cache/apt mount empty")
	c.keptDebs = true
}

// keepsDebs reports whether in, or a RUN before it in its stage or the
// stages it is built on, already removes docker-clean, or will once this
// pass's edits are applied.
func (c *cleaner) keepsDebs(in *parser.Instruction) bool {
	doc := c.doc
	st, limit := in.Stage, in.StartLine
	for st != nil {
		if st != in.Stage && c.kept[st] {
			return true
		}
		for _, x := range st.Instructions {
			if x.Keyword == "run" && x.StartLine <= limit && strings.Contains(doc.Text(x), "apt.conf.d/docker-clean") {
				return true
			}
		}
		if st.Parent == nil {
			return false
		}
		st, limit = st.Parent, int(^uint(0)>>1)
	}
	return false
}

// unmountedApt returns the first apt RUN after in, in its stage or a stage
// built on it, that neither has nor gets (from --cache-mounts) a cache
// mount on /var/cache/apt.
func (c *cleaner) unmountedApt(in *parser.Instruction) *parser.Instruction {
	stages := []*parser.Stage{in.Stage}
	for i := 0; i < len(stages); i++ {
		for _, s := range c.doc.Stages {
			if s.Parent == stages[i] {
				stages = append(stages, s)
			}
		}
	}
	images := imageStages(c.doc)
	for _, st := range stages {
		if !images[st] {
			continue // cache-cleanup leaves it alone: its layers are in no image
		}
		for _, x := range st.Instructions {
			if x.Keyword != "run" || x.StartLine <= in.StartLine || !strings.Contains(c.doc.Text(x), "apt") {
				continue
			}
			if x.Shell == nil || x.Shell.Err != nil || !x.Shell.Mapped() {
				if installWords.MatchString(c.doc.Text(x)) {
					return x
				}
				continue
			}
			cmds := c.cmds.of(x.Shell)
			fills := false
			for _, pc := range cmds {
				fills = fills || aptFills(pc)
			}
			mounts := mountTargets(x)
			if !fills || aptCacheMounted(mounts) {
				continue
			}
			apt := aptRule()
			if apt.covered(mounts) || apt.present(cmds) || !shellx.PosixShellAt(c.doc, x) {
				return x // cache-cleanup adds no mount to it
			}
		}
	}
	return nil
}

// aptCacheMounted reports whether a RUN's mounts cover /var/cache/apt.
func aptCacheMounted(targets []string) bool {
	for _, t := range targets {
		if strings.TrimSuffix(t, "/") == "/var/cache/apt" {
			return true
		}
	}
	return false
}

// aptRule is cache-cleanup's rule for the apt lists, whose mounts
// --cache-mounts adds.
func aptRule() *cacheRule {
	for _, r := range cacheRules {
		if r.name == "apt" {
			return r
		}
	}
	panic("transform: cache-cleanup has no apt rule")
}
