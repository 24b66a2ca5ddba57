package passes

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCodesDocumented checks that every code a pass declares has a heading
// "### RULE" in the pass's page docs/PASS.md, where SARIF's help URI
// points (PASS.md#RULE), with an example and what a user can do; and that
// every such heading there is a declared code.
func TestCodesDocumented(t *testing.T) {
	heading := regexp.MustCompile(`(?m)^### ([a-z0-9-]+)\s*$`)
	for _, p := range All() {
		page, err := os.ReadFile(filepath.Join("..", "docs", p.Name+".md"))
		if err != nil {
			t.Fatal(err)
		}
		var documented []string
		for _, m := range heading.FindAllStringSubmatch(string(page), -1) {
			documented = append(documented, m[1])
		}
		var declared []string
		for _, r := range p.AllRules() {
			pass, rule, ok := strings.Cut(string(r.Code), "/")
			if !ok || pass != p.Name || rule == "" || r.Summary == "" {
				t.Errorf("%s: code %q: want %s/RULE with a summary", p.Name, r.Code, p.Name)
			}
			declared = append(declared, rule)
			if !slices.Contains(documented, rule) {
				t.Errorf("docs/%s.md has no heading \"### %s\" for code %s", p.Name, rule, r.Code)
			}
		}
		for _, d := range documented {
			if !slices.Contains(declared, d) {
				t.Errorf("docs/%s.md documents %q, which %s does not declare", p.Name, d, p.Name)
			}
		}
	}
}
