package rebase

import (
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
		if b := SlimBaseOf(doc, doc.Stages[0]); b.Kind != baseConvert || b.manless() != manless {
			t.Errorf("%s: want a conversion, manless %v; got %+v", ref, manless, b)
		}
	}
}
