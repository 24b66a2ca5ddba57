package rebase

import (
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/refdata"
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
