package transform

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/refdata"
	"github.com/docklean/docklean/parser"
)

func TestSlimTagOf(t *testing.T) {
	for _, c := range []struct{ image, tag, want string }{
		{"python", "3.12", "3.12-slim"},
		{"python", "3.12-bookworm", "3.12-slim-bookworm"},
		{"python", "latest", "slim"},
		{"node", "22-bookworm", "22-bookworm-slim"},
		{"node", "lts", "lts-slim"},
		{"perl", "5-threaded", "5-slim-threaded"},
		{"rust", "1.98-bookworm", "1.98-slim-bookworm"},
		{"debian", "bookworm", "bookworm-slim"},
		{"debian", "12", "12-slim"},
		{"python", "3.12-nonesuch", ""},
	} {
		if got := slimTagOf(c.image, c.tag); got != c.want {
			t.Errorf("slimTagOf(%s, %s) = %q, want %q", c.image, c.tag, got, c.want)
		}
	}
}

// TestSlimEmitsRealNames checks that every package the slim pass can
// install is a Debian bookworm package (or a virtual name apt resolves),
// and that the curated command table names packages of the generated
// layers.
func TestSlimEmitsRealNames(t *testing.T) {
	layers := slimLayers()
	var names []string
	for c, sc := range slimCommands() {
		names = append(names, sc.pkg)
		if !strings.HasPrefix(sc.layer, "dep-") && !slices.Contains(layers[sc.layer], sc.pkg) {
			t.Errorf("slim-commands.tsv: %s (command %s) is not in layer %s of slim-layers.tsv", sc.pkg, c, sc.layer)
		}
	}
	for _, b := range slimBuilds() {
		names = append(names, b.needs...)
	}
	names = append(names, "ca-certificates", "g++", "make", "python3", "libssl-dev", "pkgconf", "git")
	known, err := refdata.DebianNames("")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !known[n] {
			t.Errorf("%s is not a Debian bookworm package", n)
		}
	}
}

func TestSlimEstimate(t *testing.T) {
	for _, c := range []struct {
		before, after string
		b, a          float64
	}{
		{"FROM python:3.12\n", "FROM python:3.12-slim\n", 1020, 130},
		{"FROM buildpack-deps:bookworm-scm\n", "FROM debian:bookworm-slim\n", 380, 75},
		{"FROM perl:5.40\n", "FROM perl:5.40-slim\n", 880, 110},
	} {
		e, ok := estimateOf([]byte(c.before), []byte(c.after))
		if !ok || e.BeforeMB != c.b || e.AfterMB != c.a {
			t.Errorf("%q → %q: got %+v %v, want %v → %v MB", c.before, c.after, e, ok, c.b, c.a)
		}
	}
}

// TestSlimBaseModes checks that --base alpine switches slim off and --base
// slim switches alpine off.
func TestSlimBaseModes(t *testing.T) {
	src := []byte("FROM node:22\nRUN git --version\nCMD [\"node\"]\n")
	run := func(base string) string {
		res, err := Process("Dockerfile", src, []*Pass{registry["alpine"], registry["slim"]}, &Options{Base: base})
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
	if err := (&Options{Base: "musl"}).Validate(); err == nil {
		t.Error("Validate accepted --base musl")
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
		r, err := checkPipeline(t, "Dockerfile", src, All(), &Options{Base: "slim"}, false)
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

// TestSlimHistory checks data/slim-history.tsv: -slim tags the images
// table lacks, each with a YYYY-MM month.
func TestSlimHistory(t *testing.T) {
	month := regexp.MustCompile(`^20\d\d-(0[1-9]|1[0-2])$`)
	n := 0
	for image, tags := range slimHistory() {
		known := images.Lookup(image)
		for tag, seen := range tags {
			n++
			if !strings.HasSuffix(tag, "-slim") || !month.MatchString(seen) {
				t.Errorf("%s:%s %s: want a -slim tag and a YYYY-MM month", image, tag, seen)
			}
			if known != nil {
				if _, dup := known.Tags[tag]; dup {
					t.Errorf("%s:%s is in data/images.tsv too", image, tag)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("data/slim-history.tsv has no rows")
	}
	for ref, manless := range map[string]bool{"debian:jessie": true, "debian:stretch": false, "debian:bookworm": false} {
		doc, err := parser.Parse([]byte("FROM " + ref + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if b := slimBaseOf(doc, doc.Stages[0]); b.kind != baseConvert || b.manless() != manless {
			t.Errorf("%s: want a conversion, manless %v; got %+v", ref, manless, b)
		}
	}
}
