package cachecleanup

import (
	"io/fs"
	"strings"

	"github.com/docklean/docklean/parser"
)

// This file holds cache-cleanup's special cases: the certificates
// --no-install-recommends would drop, and Yarn 2+.

// certsInstalled returns the line of the first RUN of st that installs
// ca-certificates with apt, or 0. It looks once per stage: keepCertificates
// asks for every apt-get install.
func (c *cleaner) certsInstalled(st *parser.Stage) int {
	if l, ok := c.certLines[st]; ok {
		return l
	}
	l := 0
	for _, x := range st.Instructions {
		if x.Keyword != "run" || x.Shell == nil || x.Shell.File == nil {
			continue
		}
		for _, o := range c.cmds.of(x.Shell) {
			if l == 0 && o.tool == "apt" && o.subcmd() == "install" && aptInstalls(o, "ca-certificates") {
				l = x.StartLine
			}
		}
	}
	if c.certLines == nil {
		c.certLines = map[*parser.Stage]int{}
	}
	c.certLines[st] = l
	return l
}

// certRecommenders are Debian packages that only recommend ca-certificates,
// so that --no-install-recommends leaves them unable to check HTTPS
// certificates.
var certRecommenders = []string{"curl", "libcurl4", "libcurl3-gnutls", "libcurl4-openssl-dev", "libcurl4-gnutls-dev", "wget", "git", "aria2"}

// keepCertificates adds ca-certificates to an apt-get install that gets
// --no-install-recommends and names a package that only recommends it,
// unless the stage installs it already.
func (c *cleaner) keepCertificates(in *parser.Instruction, pc *pkgCmd) {
	var pkg string
	for _, p := range certRecommenders {
		if aptInstalls(pc, p) {
			pkg = p
			break
		}
	}
	if pkg == "" {
		return
	}
	if l := c.certsInstalled(in.Stage); l > 0 && l <= in.StartLine {
		return
	}
	_, end := in.Shell.Span(pc.words[len(pc.words)-1])
	c.add(end, " ca-certificates", codeRecommends, "added ca-certificates to %s install: %s only recommends it, and without it --no-install-recommends would leave HTTPS downloads unable to check certificates", pc.args[0], pkg)
}

// aptInstalls reports whether an apt-get install names package pkg, maybe
// with a version (curl=7.88.1-10) or release (curl/bookworm).
func aptInstalls(pc *pkgCmd, pkg string) bool {
	for _, a := range pc.args[pc.sub+1:] {
		if name, _, _ := strings.Cut(strings.SplitN(a, "/", 2)[0], "="); name == pkg {
			return true
		}
	}
	return false
}

// yarnBerry reports whether the yarn commands are Yarn 2 or later: they use
// its flags, or the build context has a .yarnrc.yml.
func (c *cleaner) yarnBerry(cmds []*pkgCmd) bool {
	for _, pc := range cmds {
		if pc.has("--immutable", "--immutable-cache", "--check-cache") || pc.subcmd() == "workspaces" {
			return true
		}
	}
	if ctx := c.u.Opts.Context; ctx != nil {
		if _, err := fs.Stat(ctx, ".yarnrc.yml"); err == nil {
			return true
		}
	}
	return false
}
