package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/docklean/docklean/passes"
)

func TestParseErrorsHaveLines(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"alpine-version: \"3.24\"\nfoo: 1\n", "x.yaml:2: unknown key foo"},
		{"passes:\n  only: [alpine]\n  nope: []\n", "x.yaml:3: unknown key nope"},
		{"cache-mounts: maybe\n", "x.yaml:1: cannot unmarshal !!str `maybe` into bool"},
		{"go-runtime: busybox\n", "x.yaml:1: go-runtime \"busybox\": want scratch, distroless or alpine"},
		{"go-runtime: [scratch]\n", "x.yaml:1: cannot unmarshal !!seq into string"},
		{"go-runtime: scratch\nbase: musl\n", "x.yaml:2: base \"musl\": want auto, alpine or slim"},
		{"passes:\n  skip: [pin]\npin: major\n", "x.yaml:3: pin \"major\": want minor or patch"},
		{"upgrade-eol: 2\n", "x.yaml:1: cannot unmarshal !!int `2` into bool"},
		// Of several errors, the first in the file.
		{"cache-mount: true\npin: major\n", "x.yaml:1: unknown key cache-mount"},
		{"pin: major\ncache-mount: true\n", "x.yaml:1: pin \"major\": want minor or patch"},
		{"colour: always\npasses:\n  nope: 1\n", "x.yaml:1: unknown key colour"},
		{"passes:\n  nope: 1\ncolour: always\n", "x.yaml:2: unknown key nope"},
		{"exclude: ['[']\n", "x.yaml:1: exclude pattern \"[\": syntax error in pattern"},
		{"a: [\n", "x.yaml:1: did not find expected node content"},
	} {
		_, err := parse("x.yaml", []byte(c.yaml))
		if err == nil || err.Error() != c.want {
			t.Errorf("parse(%q) = %v, want %s", c.yaml, err, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	c, err := parse("/repo/.docklean.yaml", []byte(`
passes:
  skip: [pin]
alpine-version: "3.23"
packages:
  libacme-dev: [acme-dev]
images:
  registry.example.com/base/debian: registry.example.com/base/alpine
exclude: ["legacy/**", "*.old.Dockerfile"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Passes.Skip[0] != "pin" || c.AlpineVersion != "3.23" || c.Packages["libacme-dev"][0] != "acme-dev" || c.Images["registry.example.com/base/debian"] == "" {
		t.Fatalf("%+v", c)
	}
	for p, want := range map[string]bool{
		"/repo/legacy/Dockerfile":      true,
		"/repo/legacy/a/b/Dockerfile":  true,
		"/repo/app/Dockerfile":         false,
		"/repo/x.old.Dockerfile":       true,
		"/repo/sub/x.old.Dockerfile":   false,
		"/repo/legacyish/Dockerfile":   false,
		"/elsewhere/legacy/Dockerfile": false,
	} {
		if got := c.Excluded(p); got != want {
			t.Errorf("Excluded(%s) = %v, want %v", p, got, want)
		}
	}
}

// TestPassOptions checks that every option a pass declares is a key, with
// the values the option allows, and that an empty value sets nothing.
func TestPassOptions(t *testing.T) {
	for _, o := range passes.Options() {
		v := "true"
		if !o.IsBool() {
			v = o.Values[len(o.Values)-1]
		}
		c, err := parse("x.yaml", []byte("alpine-version: \"3.24\"\n"+o.Name+": "+v+"\n"))
		if err != nil {
			t.Errorf("%s: %v", o.Name, err)
			continue
		}
		if got := c.Options[o.Name]; got != v {
			t.Errorf("%s: %s gives %q, want %q", o.Name, v, got, v)
		}
		if !o.IsBool() {
			c, err = parse("x.yaml", []byte(o.Name+": \"\"\n"))
			if _, set := c.Options[o.Name]; err != nil || set {
				t.Errorf("%s: \"\" gives %v, %v; want not set", o.Name, c.Options, err)
			}
		}
	}
}

func TestFinderWalksUpToRepoRoot(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "repo", ".git"), 0o755)
	os.MkdirAll(filepath.Join(root, "repo", "a", "b"), 0o755)
	os.WriteFile(filepath.Join(root, ".docklean.yaml"), []byte("alpine-version: \"3.21\"\n"), 0o644)
	os.WriteFile(filepath.Join(root, "repo", "a", FileName), []byte("alpine-version: \"3.23\"\n"), 0o644)
	var f Finder
	c, err := f.For(filepath.Join(root, "repo", "a", "b", "Dockerfile"))
	if err != nil || c == nil || c.AlpineVersion != "3.23" {
		t.Fatalf("got %+v, %v", c, err)
	}
	// Above the repository root nothing is read.
	c, err = f.For(filepath.Join(root, "repo", "Dockerfile"))
	if err != nil || c != nil {
		t.Fatalf("got %+v, %v; want no config", c, err)
	}
}
