package passes

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/transform"
)

// TestOptionsDeclared checks the declarations of the passes' options: a
// kebab-case name that is no run-wide setting, a one-line doc, and a
// default the option allows (Option.Check), or none.
func TestOptionsDeclared(t *testing.T) {
	name := regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	runWide := []string{"today", "alpine-version", transform.BaseOption.Name}
	for _, p := range All() {
		for _, o := range p.Options {
			if !name.MatchString(o.Name) || slices.Contains(runWide, o.Name) {
				t.Errorf("%s: option %q: want a kebab-case name other than %v", p.Name, o.Name, runWide)
			}
			if o.Doc == "" || strings.Contains(o.Doc, "\n") {
				t.Errorf("%s: option %s: want a one-line doc, got %q", p.Name, o.Name, o.Doc)
			}
			if o.IsBool() && o.Default != "" {
				t.Errorf("%s: boolean option %s has default %q", p.Name, o.Name, o.Default)
			}
			if o.Default != "" {
				if err := o.Check(o.Default); err != nil {
					t.Errorf("%s: option %s: default: %v", p.Name, o.Name, err)
				}
			}
			if Option(o.Name) != o {
				t.Errorf("Option(%q) is not %s's option", o.Name, p.Name)
			}
		}
	}
	if Option("no-such-option") != nil {
		t.Error("Option(no-such-option) is not nil")
	}
}

// TestOptionsDocumented checks that the table of the section "## Options"
// of each pass's page docs/PASS.md has a row "| `NAME` |" for every option
// the pass declares, and none for another.
func TestOptionsDocumented(t *testing.T) {
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|")
	for _, p := range All() {
		page, err := os.ReadFile(filepath.Join("..", "docs", p.Name+".md"))
		if err != nil {
			t.Fatal(err)
		}
		_, section, found := strings.Cut(string(page), "\n## Options\n")
		section, _, _ = strings.Cut(section, "\n## ")
		if !found && len(p.Options) > 0 {
			t.Errorf("docs/%s.md has no section \"## Options\" for its options", p.Name)
		}
		var documented, declared []string
		for _, m := range row.FindAllStringSubmatch(section, -1) {
			documented = append(documented, m[1])
		}
		for _, o := range p.Options {
			declared = append(declared, o.Name)
		}
		if !slices.Equal(documented, declared) {
			t.Errorf("docs/%s.md's options are %v; %s declares %v (in that order)", p.Name, documented, p.Name, declared)
		}
	}
}

// TestDecodeOptions checks the reader of the fixtures' options.json: keys
// are flag names, and an unknown key or a value of the wrong type or not
// allowed is an error, so a fixture cannot set an option no pass declares.
func TestDecodeOptions(t *testing.T) {
	var o transform.Options
	err := decodeOptions([]byte(`{"today": "2026-11-26T00:00:00Z", "alpine-version": "3.23", "base": "slim", "go-runtime": "alpine", "cache-mounts": true, "pin": "patch", "upgrade-eol": false}`), &o)
	if err != nil {
		t.Fatal(err)
	}
	if o.Today.Day() != 26 || o.AlpineVersion != "3.23" || o.Base != transform.BaseSlim ||
		o.String(Option("go-runtime")) != "alpine" || !o.Bool(Option("cache-mounts")) ||
		o.String(Option("pin")) != "patch" || o.Bool(Option("upgrade-eol")) {
		t.Errorf("decoded %+v", o)
	}
	for _, bad := range []string{
		`{"GoRuntime": "alpine"}`,
		`{"cache-mount": true}`,
		`{"cache-mounts": "true"}`,
		`{"go-runtime": true}`,
		`{"go-runtime": "busybox"}`,
		`{"base": "musl"}`,
		`{"today": "yesterday"}`,
	} {
		if err := decodeOptions([]byte(bad), &transform.Options{}); err == nil {
			t.Errorf("decodeOptions(%s) = nil, want an error", bad)
		}
	}
}
