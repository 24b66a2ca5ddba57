package alpinepkg

import (
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/refdata"
	"github.com/docklean/docklean/transform/data"
)

// release is the Alpine release the tests map to (transform.DefaultAlpine;
// transform's TestDefaultAlpineIsKnown checks that the data knows it).
const release = "3.24"

// curatedRows returns every row of a curated table: from, to, note.
func curatedRows(text string) [][3]string {
	var rows [][3]string
	tsvRows("curated table", text, 3, func(_ int, f []string) {
		rows = append(rows, [3]string{f[0], f[1], f[2]})
	})
	return rows
}

// generatedRows returns the rows of debian-alpine-generated.tsv: from,
// to, evidence.
func generatedRows(text string) [][3]string {
	var rows [][3]string
	tsvRows("generated table", text, 4, func(_ int, f []string) {
		rows = append(rows, [3]string{f[0], f[1], f[3]})
	})
	return rows
}

// TestCuratedTablesEmitRealAlpineNames checks invariant 5 for the curated
// tables (and the generated Debian one) against the raw Alpine data (not the generated copy): every name
// they can emit is in main or community in the default release, by name or
// as a provides= virtual name. Names missing from older releases are logged.
func TestCuratedTablesEmitRealAlpineNames(t *testing.T) {
	in := map[string]map[string]bool{} // name -> releases
	for _, r := range refdata.Rows(t, "alpine-packages.tsv") {
		if r["repo"] != "main" && r["repo"] != "community" {
			continue
		}
		names := []string{r["name"]}
		for _, p := range strings.Fields(r["provides"]) {
			if !strings.Contains(p, ":") {
				n, _, _ := strings.Cut(p, "=")
				names = append(names, n)
			}
		}
		for _, n := range names {
			if in[n] == nil {
				in[n] = map[string]bool{}
			}
			for rel := range strings.SplitSeq(r["in_releases"], ",") {
				in[n][rel] = true
			}
		}
	}
	for file, rows := range map[string][][3]string{
		"debian-alpine.tsv":           curatedRows(data.DebianAlpine),
		"fedora-alpine.tsv":           curatedRows(data.FedoraAlpine),
		"debian-alpine-generated.tsv": generatedRows(data.DebianAlpineGenerated),
	} {
		if len(rows) < 100 {
			t.Errorf("%s: %d rows, want at least 100", file, len(rows))
		}
		for _, row := range rows {
			if row[1] == "-" {
				continue
			}
			for _, n := range strings.Fields(row[1]) {
				if !in[n][release] {
					t.Errorf("%s: %s -> %s: not in Alpine %s main/community", file, row[0], n, release)
					continue
				}
				for _, rel := range Releases() {
					if !in[n][rel] {
						t.Logf("%s: %s -> %s: not in Alpine %s (the mapping refuses there)", file, row[0], n, rel)
					}
				}
			}
		}
	}
}

// TestDebianNamesAreReal checks that the Debian side of debian-alpine.tsv
// names real bookworm packages (or virtual names), except rows whose note
// says ubuntu-only.
func TestDebianNamesAreReal(t *testing.T) {
	real, err := refdata.DebianNames("")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range curatedRows(data.DebianAlpine) {
		if !real[row[0]] && !strings.Contains(row[2], "ubuntu-only") {
			t.Errorf("debian-alpine.tsv: %s is not a Debian bookworm package; mark Ubuntu-only names with ubuntu-only in the note", row[0])
		}
	}
}

func TestDebianToAlpine(t *testing.T) {
	for _, c := range []struct {
		pkg, release string
		want         []string // nil: not ok
	}{
		{"build-essential", "3.24", []string{"build-base"}},
		{"libssl-dev", "3.21", []string{"openssl-dev"}},
		{"python3-venv", "3.24", []string{"python3"}},
		{"ruby-full", "3.24", []string{"ruby", "ruby-dev"}},
		{"apt-transport-https", "3.24", []string{}}, // dropped
		{"software-properties-common", "3.24", nil}, // "-"
		{"docker", "3.24", nil},                     // same name, different program
		{"ripgrep", "3.24", []string{"ripgrep"}},    // no row, same name in Alpine
		{"libfoo-does-not-exist1", "3.24", nil},     // no row, not in Alpine
		{"python3-flask", "3.24", nil},              // no row; Alpine calls it py3-flask
		{"gosu", "3.21", nil},                       // mapped name not in that release
		{"gosu", "3.22", []string{"gosu"}},
		{"curl", "2.0", nil}, // unknown release
	} {
		got, ok := FromDebian(c.pkg, c.release)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("FromDebian(%q, %q) = %q, %v; want %q, %v", c.pkg, c.release, got, ok, c.want, c.want != nil)
		}
	}
	// The result is the caller's to keep.
	got, _ := FromDebian("ruby-full", "3.24")
	got[0] = "changed"
	if again, _ := FromDebian("ruby-full", "3.24"); again[0] != "ruby" {
		t.Error("FromDebian returned the table's own slice")
	}
}

// TestGeneratedTable checks how FromDebian uses the generated long-tail
// table: after the curated one, which it never overrides (a "-" row stays
// a refusal), and before the same-name rule.
func TestGeneratedTable(t *testing.T) {
	curated := map[string]string{}
	for _, row := range curatedRows(data.DebianAlpine) {
		curated[row[0]] = row[1]
	}
	for _, row := range generatedRows(data.DebianAlpineGenerated) {
		if _, dup := curated[row[0]]; dup {
			t.Errorf("debian-alpine-generated.tsv has %s, which the curated table has a row for", row[0])
		}
		if row[2] == "" {
			t.Errorf("debian-alpine-generated.tsv: %s has no evidence", row[0])
		}
	}
	for name, to := range curated {
		if to != "-" {
			continue
		}
		if got, ok := FromDebian(name, release); ok || Generated(name) {
			t.Errorf("FromDebian(%q) = %q, %v: the curated table refuses it", name, got, ok)
		}
	}
	for _, c := range []struct {
		pkg       string
		want      []string
		generated bool
	}{
		{"libpulse0", []string{"libpulse"}, true},
		{"libzmq3-dev", []string{"zeromq-dev"}, true},
		{"smbclient", []string{"samba-client"}, true},
		{"pulseaudio", []string{"pulseaudio", "pulseaudio-utils"}, true}, // Alpine moves pactl & co to -utils
		{"libssl-dev", []string{"openssl-dev"}, false},                   // curated
		{"lsb-release", nil, false},                                      // curated "-", although the rules find lsb-release-minimal
		{"ripgrep", []string{"ripgrep"}, false},                          // same name
	} {
		got, ok := FromDebian(c.pkg, release)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) || Generated(c.pkg) != c.generated {
			t.Errorf("FromDebian(%q) = %q, %v (generated %v); want %q (generated %v)", c.pkg, got, ok, Generated(c.pkg), c.want, c.generated)
		}
	}
}

func TestFedoraToAlpine(t *testing.T) {
	for _, c := range []struct {
		pkg  string
		want []string
	}{
		{"gcc-c++", []string{"g++", "musl-dev"}},
		{"openssl-devel", []string{"openssl-dev"}},
		{"shadow-utils", []string{"shadow"}},
		{"openssl-libs", []string{"libssl3", "libcrypto3"}},
		{"epel-release", []string{}},
		{"@development-tools", nil},
		{"yum-utils", nil},
		{"glibc", nil},
		{"ripgrep", []string{"ripgrep"}},
		{"python3-flask", nil},
	} {
		got, ok := FromFedora(c.pkg, release)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("FromFedora(%q) = %q, %v; want %q, %v", c.pkg, got, ok, c.want, c.want != nil)
		}
	}
}

func TestAlpinePackageExists(t *testing.T) {
	for _, c := range []struct {
		name, release string
		want          bool
	}{
		{"curl", "3.24", true},
		{"procps", "3.24", true},         // provides= of procps-ng
		{"openssh-client", "3.21", true}, // provides= of openssh-client-default
		{"gperftools", "3.24", false},    // testing only
		{"gosu", "3.21", false},          // community from 3.22
		{"gosu", "3.24", true},
		{"cmd:curl", "3.24", false},
		{"curl", "3.99", false},
		{"", "3.24", false},
	} {
		if got := Exists(c.name, c.release); got != c.want {
			t.Errorf("Exists(%q, %q) = %v, want %v", c.name, c.release, got, c.want)
		}
	}
}

func TestAlpineReleases(t *testing.T) {
	got := Releases()
	if want := []string{"3.21", "3.22", "3.23", "3.24"}; !slices.Equal(got, want) {
		t.Errorf("Releases() = %q, want %q", got, want)
	}
}

func TestParseMappingRejectsBadRows(t *testing.T) {
	for _, text := range []string{
		"debian\talpine\tnote\ncurl\tcurl\n",                 // two columns
		"debian\talpine\tnote\nfoo\t-\t\n",                   // "-" without a note
		"debian\talpine\tnote\nfoo\t\t\n",                    // drop without a note
		"debian\talpine\tnote\ncurl\tcurl\t\ncurl\tcurl\t\n", // duplicate
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("parseMapping(%q) did not panic", text)
				}
			}()
			parseMapping("test.tsv", text)
		}()
	}
	pm := parseMapping("test.tsv", "# c\ndebian\talpine\tnote\na\tb c\t\nd\t-\twhy\ne\t\twhy\n")
	m := pm.names
	if !slices.Equal(m["a"], []string{"b", "c"}) || m["d"] != nil || m["e"] == nil || len(m["e"]) != 0 {
		t.Errorf("parseMapping = %q", m)
	}
	if pm.refused["d"] != "why" || len(pm.refused) != 1 {
		t.Errorf("parseMapping refused = %q, want only d: why", pm.refused)
	}
}

// TestAlpinePackageLookup compares the binary search over the sorted
// groups with a plain reading of data/alpine-packages.txt.
func TestAlpinePackageLookup(t *testing.T) {
	want := map[string]uint8{}
	var mask uint8
	var releases []string
	for line := range strings.SplitSeq(data.AlpinePackages, "\n") {
		switch {
		case line == "" || line[0] == '#':
		case line[0] == '[':
			mask = 0
			for _, r := range strings.Fields(strings.Trim(line, "[]")) {
				if !slices.Contains(releases, r) {
					releases = append(releases, r)
				}
				mask |= 1 << slices.Index(releases, r)
			}
		default:
			want[line] |= mask
		}
	}
	tab := alpineTable()
	if !slices.Equal(tab.releases, releases) {
		t.Fatalf("releases %q, want %q", tab.releases, releases)
	}
	for name := range want {
		// the name, and near names that sort next to it
		for _, n := range []string{name, name[:len(name)-1], name + "-", name + "~"} {
			if got := tab.mask(n); got != want[n] {
				t.Errorf("mask(%q) = %b, want %b", n, got, want[n])
			}
		}
	}
	for _, name := range []string{"", "no-such-package", "zzzz"} {
		if got := tab.mask(name); got != 0 {
			t.Errorf("mask(%q) = %b, want 0", name, got)
		}
	}
}

func TestPartialArches(t *testing.T) {
	for pkg, want := range map[string]string{"aavmf": "aarch64", "akonadiconsole": "none", "curl": "", "no-such-package": ""} {
		if got := PartialArches(pkg); got != want {
			t.Errorf("PartialArches(%q) = %q, want %q", pkg, got, want)
		}
	}
}

func TestRefusedWhy(t *testing.T) {
	if got := RefusedWhy(false, "dpkg-dev"); !strings.Contains(got, "Debian packaging") {
		t.Errorf("RefusedWhy(debian, dpkg-dev) = %q", got)
	}
	if got := RefusedWhy(true, "kernel-devel"); !strings.Contains(got, "kernel module") {
		t.Errorf("RefusedWhy(fedora, kernel-devel) = %q", got)
	}
	if got := RefusedWhy(false, "curl"); got != "" {
		t.Errorf("RefusedWhy(debian, curl) = %q, want none", got)
	}
	if got := RefusedWhy(true, "dpkg-dev"); got != "" {
		t.Errorf("RefusedWhy(fedora, dpkg-dev) = %q: the Debian table answered", got)
	}
}
