package alpine

import (
	"fmt"
	"slices"

	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"mvdan.cc/sh/v3/syntax"
)

// bashSyntax refuses a RUN of a Fedora-family stage (CentOS, RHEL, Fedora,
// Amazon Linux, UBI: /bin/sh is bash there) that uses bash syntax BusyBox
// ash lacks: brace expansion ({a,b}, {1..3}, left as text), arrays and
// arithmetic commands ((( ))), all syntax errors or no-ops in Alpine's
// /bin/sh (checked in the real Alpine 3.20.3 root file system). Debian's
// /bin/sh is dash, which lacks them too, so Debian stages keep their
// meaning. A SHELL that runs bash earlier in the stage makes them fine.
func (s *alpineStage) bashSyntax(in *parser.Instruction) {
	if s.family != rebase.FamFedora || s.bashShell || in.Shell == nil || in.Shell.File == nil {
		return
	}
	what := ""
	parser.Walk(in.Shell.File, func(n syntax.Node) bool {
		if what != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.Word:
			w := &syntax.Word{Parts: slices.Clone(n.Parts)} // SplitBraces rewrites the word it gets
			if syntax.SplitBraces(w) {
				for _, p := range w.Parts {
					if b, ok := p.(*syntax.BraceExp); ok && what == "" {
						what = "brace expansion (" + braceText(b) + ")"
					}
				}
			}
		case *syntax.Assign:
			if n.Array != nil {
				what = "an array assignment (" + n.Name.Value + "=(…))"
			}
		case *syntax.ArithmCmd:
			what = "an arithmetic command ((( … )))"
		}
		return what == ""
	})
	if what != "" {
		s.refuse(in.StartLine, codeShell, "the RUN uses %s, which %s's /bin/sh (bash) runs and Alpine's /bin/sh (BusyBox ash) does not; add bash and SHELL [\"/bin/bash\", \"-c\"], or write it in POSIX sh", what, s.st.Base)
	}
}

// braceText prints a brace expansion for a message.
func braceText(b *syntax.BraceExp) string {
	sep := ","
	if b.Sequence {
		sep = ".."
	}
	out := "{"
	for i, w := range b.Elems {
		if i > 0 {
			out += sep
		}
		lit, _ := shellx.WordLit(w)
		out += lit
	}
	return fmt.Sprint(out, "}")
}
