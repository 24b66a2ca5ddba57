package passes

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/passes/runmerge"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// allFixtureInputs returns every input Dockerfile under fixtures/: golden
// cases of every pass and the corpus and round-trip files.
func allFixtureInputs(t *testing.T) []string {
	golden, _ := filepath.Glob("../fixtures/*/*/Dockerfile")
	loose, _ := filepath.Glob("../fixtures/*/*.Dockerfile")
	fs := append(golden, loose...)
	if len(fs) == 0 {
		t.Fatal("no fixtures found")
	}
	return fs
}

// stageCommands returns, per stage, the simple commands of its shell-form
// RUNs in order, printed in a canonical form, and the stage's RUN count.
func stageCommands(t *testing.T, doc *parser.Document) (cmds [][]string, runs []int) {
	p := syntax.NewPrinter()
	for _, st := range doc.Stages {
		var cs []string
		n := 0
		for _, in := range st.Instructions {
			if in.Keyword != "run" {
				continue
			}
			n++
			if in.Shell == nil || in.Shell.File == nil {
				cs = append(cs, "RUN "+doc.Text(in))
				continue
			}
			syntax.Walk(in.Shell.File, func(node syntax.Node) bool {
				switch node.(type) {
				case *syntax.CallExpr, *syntax.DeclClause:
					var b strings.Builder
					if err := p.Print(&b, node); err != nil {
						t.Fatal(err)
					}
					cs = append(cs, b.String())
					return false
				}
				return true
			})
		}
		cmds = append(cmds, cs)
		runs = append(runs, n)
	}
	return cmds, runs
}

// TestMergeKeepsCommands is the run-merge property over every fixture: each
// merged RUN parses as shell, and every stage runs each of its original
// commands exactly once, in the original order, in fewer or as many RUNs.
func TestMergeKeepsCommands(t *testing.T) {
	merged := 0
	for _, f := range allFixtureInputs(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		before, err := parser.Parse(src)
		if err != nil {
			continue // inputs that are meant to be rejected
		}
		opts := readOptions(t, filepath.Dir(f))
		res, err := transform.Process(f, src, []*transform.Pass{runmerge.Pass}, opts)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		after, err := parser.Parse(res.Output)
		if err != nil {
			t.Errorf("%s: output does not parse: %v", f, err)
			continue
		}
		bad := unparsedRuns(before)
		for _, in := range after.Instructions {
			if in.Shell != nil && in.Shell.Err != nil && !bad[in.Shell.Text] {
				t.Errorf("%s:%d: merged RUN does not parse as shell: %v", f, in.StartLine, in.Shell.Err)
			}
		}
		cb, rb := stageCommands(t, before)
		ca, ra := stageCommands(t, after)
		for i := range cb {
			if !slices.Equal(cb[i], ca[i]) {
				t.Errorf("%s: stage %d commands changed:\nbefore %q\nafter  %q", f, i, cb[i], ca[i])
			}
			if ra[i] > rb[i] {
				t.Errorf("%s: stage %d has %d RUNs after merging, %d before", f, i, ra[i], rb[i])
			}
			if ra[i] < rb[i] {
				merged++
			}
		}
	}
	if merged < 10 {
		t.Errorf("only %d stages were merged over all fixtures; the property was barely exercised", merged)
	}
}
