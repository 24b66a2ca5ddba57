package alpine

import (
	"path"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// pip keeps a system-wide pip install working on Alpine's own python, which
// is externally managed (PEP 668): it adds --break-system-packages. The
// official python images keep their python in /usr/local without that
// marker and need nothing; a pip from a virtual environment needs nothing.
// A yum/dnf python3 brings pip3; Alpine's python3 needs py3-pip for it.
// Alpine's pip puts scripts in /usr/bin, where Debian's and Fedora's put
// them in /usr/local/bin: convert refuses a CMD that runs one from there.
func (r *runConv) pip(c *syntax.CallExpr) {
	s := r.s
	args, _ := shellx.CallArgs(c)
	if len(args) < 2 {
		return
	}
	prog := args[0]
	sub := 1
	if strings.HasPrefix(path.Base(prog), "python") {
		if len(args) < 4 || args[1] != "-m" || (args[2] != "pip" && args[2] != "pip3") {
			return
		}
		sub = 3
	}
	if dir := path.Dir(prog); strings.Contains(prog, "/") && dir != "/usr/bin" && dir != "/usr/local/bin" && dir != "/bin" {
		return // a virtual environment's pip
	}
	for sub < len(args) && strings.HasPrefix(args[sub], "-") {
		sub++
	}
	if sub >= len(args) || args[sub] != "install" {
		return
	}
	if !s.has["build-base"] && !s.has["gcc"] && !s.pipNoted {
		s.pipNoted = true
		s.note(r.line(c), codePip, "pip on Alpine installs musllinux wheels; a package that has none is compiled and needs build-base and its -dev libraries in an apk add")
	}
	if s.python {
		return
	}
	if s.family == rebase.FamFedora && s.has["python3"] {
		s.need("py3-pip", r.startOf(c), codePip, "the RUN on %v runs pip, which python3 brings on the Fedora family and not on Alpine", transform.Line(r.in.StartLine))
	}
	for _, a := range args[sub:] {
		flag, _, _ := strings.Cut(a, "=")
		if slices.Contains([]string{"--break-system-packages", "--target", "-t", "--prefix", "--root"}, flag) {
			if flag == "--break-system-packages" && s.sysPip == 0 {
				s.sysPip = r.line(c)
			}
			return
		}
	}
	for _, v := range []string{"VIRTUAL_ENV", "PIP_BREAK_SYSTEM_PACKAGES"} {
		if s.vars[v] != nil {
			return
		}
	}
	if p := s.vars["PATH"]; p != nil && strings.Contains(p.value, "venv") || strings.Contains(r.sh.Text, "bin/activate") {
		return
	}
	_, end := r.span(c.Args[sub])
	if s.sysPip == 0 {
		s.sysPip = r.line(c)
	}
	r.edits = append(r.edits, transform.Edit{Start: end, End: end, Text: " --break-system-packages"})
	s.changed(r.line(c), codePip, "pip install gets --break-system-packages: Alpine's python is externally managed (PEP 668), so a system-wide pip install fails without it")
}
