package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/refdata"
)

var root = filepath.Join("..", "..")

func testInputs(t *testing.T) *inputs {
	t.Helper()
	d, err := loadInputs(root, "input")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestNoDrift checks that the committed table is what the rules make of
// the committed inputs (no network, no shared data needed).
func TestNoDrift(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(root, "transform", "data", "debian-alpine-generated.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if got := testInputs(t).table(); string(got) != string(want) {
		t.Error("transform/data/debian-alpine-generated.tsv is stale: run go generate ./transform")
	}
}

// TestIssueExamples checks the mappings issue 16 names from real files.
func TestIssueExamples(t *testing.T) {
	d := testInputs(t)
	for deb, want := range map[string]struct {
		alpine string
		rule   rule
	}{
		"libargon2-dev":    {"argon2-dev", ruleDev},
		"libzmq3-dev":      {"zeromq-dev", ruleDev},
		"libhiredis-dev":   {"hiredis-dev", ruleDev},
		"libbluetooth-dev": {"bluez-dev", ruleDev},
		"libvips-dev":      {"vips-dev", ruleDev},
		"libpulse0":        {"libpulse", ruleLib},
		"liblcms2-2":       {"lcms2", ruleLib},
		"libpcap0.8":       {"libpcap", ruleLib},
		"xsltproc":         {"libxslt", ruleTools},
		"ldap-utils":       {"openldap-clients", ruleTools},
		"smbclient":        {"samba-client", ruleTools},
	} {
		dec := d.decide(deb)
		if dec.refused != "" {
			t.Errorf("%s: refused (%s), want %s", deb, dec.refused, want.alpine)
			continue
		}
		if got := strings.Join(dec.alpine, " "); got != want.alpine || dec.rule != want.rule {
			t.Errorf("%s -> %s (%s), want %s (%s)", deb, got, dec.rule, want.alpine, want.rule)
		}
		if dec.evidence == "" {
			t.Errorf("%s: no evidence", deb)
		}
	}
}

// TestRefusals checks packages the rules must not map, each for its
// reason.
func TestRefusals(t *testing.T) {
	d := testInputs(t)
	for deb, why := range map[string]string{
		"libgbm-dev":        "several -dev packages",   // mesa's -dev files are split over eight Debian packages
		"libhiredis0.14":    "the soname changed",      // libhiredis.so.0.14 is bookworm's; Alpine ships hiredis 1.x
		"libpython3.11-dev": "pins version 3.11",       // Alpine's python3 is another minor version
		"libsoup2.4-dev":    "another major version",   // libsoup 2 vs Alpine's libsoup3 line
		"libldap-common":    "ships no command",        // data only: nothing to match
		"libnss-wrapper":    "no Alpine origin",        // not in main or community
		"libpng12-dev":      "not a package of Debian", // Ubuntu's and old Debian's name
		"arping":            "of another origin",       // the command exists in another Alpine origin
		"libcjson-dev":      "names none of them",      // trixie builds libcjson_utils too; Alpine's cjson does not
	} {
		dec := d.decide(deb)
		if dec.refused == "" {
			t.Errorf("%s -> %s (%s), want a refusal (%s)", deb, strings.Join(dec.alpine, " "), dec.evidence, why)
		} else if !strings.Contains(dec.refused, why) {
			t.Errorf("%s refused with %q, want %q", deb, dec.refused, why)
		}
	}
}

// TestPartlyProvided: a tools package is mapped only when the split
// functions decide every one of its commands; one the rules cannot
// place refuses the package, even when the others are certain.
func TestPartlyProvided(t *testing.T) {
	d := &inputs{
		alp: &alpineData{release: "3.24", version: map[string]string{"foo": "1.2-r0"}, repo: map[string]string{"foo": "main"},
			pkgs: map[string][]string{"foo": {"foo", "foo-utils", "foo-extra"}}, origin: map[string]string{"foo": "foo", "foo-utils": "foo", "foo-extra": "foo"}},
		splits: map[string][]splitRow{"foo": {
			{origin: "foo", pkg: "foo"},
			{origin: "foo", pkg: "foo-utils", moves: []string{"usr/bin/foo-a"}},
			{origin: "foo", pkg: "foo-extra", moves: []string{unclearMove}},
		}},
	}
	if pkgs, _, ok := d.targets("foo", []string{"usr/bin/foo-a"}); !ok || !slices.Equal(pkgs, []string{"foo-utils"}) {
		t.Errorf("foo-a alone: %v %v, want foo-utils", pkgs, ok)
	}
	if pkgs, why, ok := d.targets("foo", []string{"usr/bin/foo-a", "usr/bin/foo-b"}); ok {
		t.Errorf("foo-a and foo-b: %v, want a refusal (foo-b may be moved by foo-extra)", pkgs)
	} else if !strings.Contains(why, "foo-b") {
		t.Errorf("refusal %q does not name foo-b", why)
	}
	d.cmds = map[string][]string{"foo-a": {"foo-extra"}}
	if pkgs, _, ok := d.targets("foo", []string{"usr/bin/foo-a"}); ok {
		t.Errorf("cmd: evidence and split functions disagree, got %v, want a refusal", pkgs)
	}
}

// TestCandidatesAreInputs checks that every candidate's Debian data was
// extracted: a candidate missing from debian.tsv must be absent from
// Debian bookworm and trixie, not lost.
func TestCandidatesAreInputs(t *testing.T) {
	d := testInputs(t)
	debs := map[string]bool{}
	for _, n := range refdataNames(t) {
		debs[n] = true
	}
	for _, c := range d.cands {
		if debs[c] && d.pkgs["bookworm"][c] == nil {
			t.Errorf("%s is a bookworm package but not in input/debian.tsv: run -extract", c)
		}
	}
}

func refdataNames(t *testing.T) []string {
	t.Helper()
	b, err := refdata.ReadFile("", "debian-bookworm-packages.txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}
