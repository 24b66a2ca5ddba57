package transform

import (
	"strings"

	"github.com/docklean/docklean/internal/passname"
	"github.com/docklean/docklean/parser"
)

// hadolintRules maps hadolint rule IDs to the pass that does what the rule
// asks for; ignoring the rule means the user wants that pass to keep away.
var hadolintRules = map[string]string{
	"DL3059": passname.RunMerge,     // multiple consecutive RUN instructions
	"DL3008": passname.Alpine,       // pin versions in apt-get install: pins are meant
	"DL3018": passname.CacheCleanup, // pin versions in apk add
	"DL3009": passname.CacheCleanup, // delete the apt-get lists
	"DL3015": passname.CacheCleanup, // --no-install-recommends
	"DL3019": passname.CacheCleanup, // apk --no-cache
	"DL3042": passname.CacheCleanup, // pip --no-cache-dir
	"DL3006": passname.Pin,          // always tag the image
	"DL3007": passname.Pin,          // using latest
}

// ignores are the inline controls of one file.
type ignores struct {
	file bool
	// byLine maps an instruction's first line to the passes ignored there;
	// a nil set means every pass.
	byLine map[int]map[string]bool
}

// readIgnores reads "# docklean:ignore[=PASS,...]" and
// "# hadolint ignore=DLxxxx,..." comments on the lines right above an
// instruction, and "# docklean:ignore-file" anywhere before the first
// instruction.
func readIgnores(doc *parser.Document) ignores {
	ig := ignores{byLine: map[int]map[string]bool{}}
	for i, in := range doc.Instructions {
		for ln := in.StartLine - 1; ln >= 1; ln-- {
			c, ok := strings.CutPrefix(strings.TrimSpace(doc.Line(ln)), "#")
			if !ok {
				break
			}
			c = strings.TrimSpace(c)
			if c == "docklean:ignore-file" && i == 0 {
				ig.file = true
			}
			if rest, ok := strings.CutPrefix(c, "docklean:ignore"); ok && !strings.HasPrefix(rest, "-") {
				if rest == "" {
					ig.byLine[in.StartLine] = nil
					continue
				}
				if names, ok := strings.CutPrefix(rest, "="); ok {
					ig.add(in.StartLine, strings.Split(names, ","))
				}
			}
			if rest, ok := strings.CutPrefix(c, "hadolint ignore="); ok {
				var names []string
				for _, id := range strings.Split(rest, ",") {
					if p, ok := hadolintRules[strings.TrimSpace(id)]; ok {
						names = append(names, p)
					}
				}
				ig.add(in.StartLine, names)
			}
		}
	}
	return ig
}

// Ignored reports whether an ignore comment above in switches the pass
// off. The comments are read once per Unit, so a pass may ask for every
// instruction of every stage.
func (u *Unit) Ignored(in *parser.Instruction) bool {
	if u.ign == nil {
		ig := readIgnores(u.Doc)
		u.ign = &ig
	}
	return u.ign.ignored(in, u.pass.Name)
}

func (ig ignores) add(line int, names []string) {
	if len(names) == 0 {
		return
	}
	set, seen := ig.byLine[line]
	if seen && set == nil {
		return // already ignores everything
	}
	if set == nil {
		set = map[string]bool{}
		ig.byLine[line] = set
	}
	for _, n := range names {
		set[strings.TrimSpace(n)] = true
	}
}

func (ig ignores) ignored(in *parser.Instruction, pass string) bool {
	set, ok := ig.byLine[in.StartLine]
	return ok && (set == nil || set[pass])
}

// stageAt returns the stage whose text contains offset off (an offset just
// past a stage's last instruction counts as inside it).
func stageAt(doc *parser.Document, off int) *parser.Stage {
	var found *parser.Stage
	for _, s := range doc.Stages {
		if s.From.Start <= off {
			found = s
		}
	}
	return found
}
