package passes

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/passes/alpine"
	"github.com/docklean/docklean/passes/slim"
	"github.com/docklean/docklean/transform"
)

// TestSlimBaseModes checks that --base alpine switches slim off and --base
// slim switches alpine off.
func TestSlimBaseModes(t *testing.T) {
	src := []byte("FROM node:22\nRUN git --version\nCMD [\"node\"]\n")
	run := func(name string) string {
		base, err := transform.ParseBase(name)
		if err != nil {
			t.Fatal(err)
		}
		res, err := transform.Process("Dockerfile", src, []*transform.Pass{alpine.Pass, slim.Pass}, &transform.Options{Base: base})
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(res.Output), "\n")
		return first
	}
	for base, want := range map[string]string{"": "FROM node:22-alpine", "auto": "FROM node:22-alpine", "alpine": "FROM node:22-alpine", "slim": "FROM node:22-slim"} {
		if got := run(base); got != want {
			t.Errorf("--base %q: got %q, want %q", base, got, want)
		}
	}
	if _, err := transform.ParseBase("musl"); err == nil {
		t.Error("ParseBase accepted --base musl")
	}
}

// TestSlimCorpusInvariants runs the whole pipeline with --base slim (every
// full stage goes through the slim pass, none through alpine) over the
// corpus and roundtrip fixtures and checks the invariants, as TestCorpus does
// with the default options.
func TestSlimCorpusInvariants(t *testing.T) {
	fs := fixtureFiles(t)
	changed := 0
	for _, f := range fs {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := checkPipeline(t, "Dockerfile", src, All(), &transform.Options{Base: transform.BaseSlim}, false)
		var bad errInput
		if errors.As(err, &bad) {
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if slices.Contains(r.changed, "slim") {
			changed++
		}
	}
	if changed < 20 {
		t.Errorf("slim changed %d corpus files with --base slim, want at least 20", changed)
	}
	t.Logf("slim changed %d of %d files with --base slim", changed, len(fs))
}
