package transform

import (
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/refdata"
)

// refRows reads a .tsv of the reference data (internal/refdata's copy of
// ../shared/data) as rows keyed by column name.
func refRows(t *testing.T, name string) []map[string]string {
	t.Helper()
	tab, err := refdata.Read("", name)
	if err != nil {
		t.Fatal(err)
	}
	return tab.Rows
}

// curatedRows returns every row of a curated table: from, to, note.
func curatedRows(text string) [][3]string {
	var rows [][3]string
	tsvRows("curated table", text, 3, func(_ int, f []string) {
		rows = append(rows, [3]string{f[0], f[1], f[2]})
	})
	return rows
}

// TestCuratedTablesEmitRealAlpineNames checks invariant 5 for the curated
// tables against the raw Alpine data (not the generated copy): every name
// they can emit is in main or community in the default release, by name or
// as a provides= virtual name. Names missing from older releases are logged.
func TestCuratedTablesEmitRealAlpineNames(t *testing.T) {
	in := map[string]map[string]bool{} // name -> releases
	for _, r := range refRows(t, "alpine-packages.tsv") {
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
	for file, text := range map[string]string{"debian-alpine.tsv": debianAlpineTSV, "fedora-alpine.tsv": fedoraAlpineTSV} {
		rows := curatedRows(text)
		if len(rows) < 100 {
			t.Errorf("%s: %d rows, want at least 100", file, len(rows))
		}
		for _, row := range rows {
			if row[1] == "-" {
				continue
			}
			for _, n := range strings.Fields(row[1]) {
				if !in[n][DefaultAlpine] {
					t.Errorf("%s: %s -> %s: not in Alpine %s main/community", file, row[0], n, DefaultAlpine)
					continue
				}
				for _, rel := range alpineReleases() {
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
	for _, row := range curatedRows(debianAlpineTSV) {
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
		got, ok := debianToAlpine(c.pkg, c.release)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("debianToAlpine(%q, %q) = %q, %v; want %q, %v", c.pkg, c.release, got, ok, c.want, c.want != nil)
		}
	}
	// The result is the caller's to keep.
	got, _ := debianToAlpine("ruby-full", "3.24")
	got[0] = "changed"
	if again, _ := debianToAlpine("ruby-full", "3.24"); again[0] != "ruby" {
		t.Error("debianToAlpine returned the table's own slice")
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
		got, ok := fedoraToAlpine(c.pkg, DefaultAlpine)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("fedoraToAlpine(%q) = %q, %v; want %q, %v", c.pkg, got, ok, c.want, c.want != nil)
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
		if got := alpinePackageExists(c.name, c.release); got != c.want {
			t.Errorf("alpinePackageExists(%q, %q) = %v, want %v", c.name, c.release, got, c.want)
		}
	}
}

func TestAlpineReleases(t *testing.T) {
	got := alpineReleases()
	if want := []string{"3.21", "3.22", "3.23", "3.24"}; !slices.Equal(got, want) {
		t.Errorf("alpineReleases() = %q, want %q", got, want)
	}
	if !slices.Contains(got, DefaultAlpine) {
		t.Errorf("DefaultAlpine %s is not among the releases the data knows", DefaultAlpine)
	}
}

func TestAlpineImageTag(t *testing.T) {
	for _, c := range []struct {
		image, tag, want string
		reason           string // for refusals: a substring of the reason
	}{
		{"python", "3.12-slim-bookworm", "3.12-alpine", ""},
		{"python", "3.8-slim", "3.8-alpine", ""}, // historical
		{"python", "", "alpine", ""},
		{"python", "latest", "alpine", ""},
		{"node", "20", "20-alpine", ""},
		{"node", "14", "14-alpine", ""}, // historical
		{"node", "20-bookworm-slim", "20-alpine", ""},
		{"golang", "1.22", "1.22-alpine", ""},
		{"nginx", "1.25", "1.25-alpine", ""},
		{"nginx", "stable-perl", "stable-alpine-perl", ""},
		{"eclipse-temurin", "17-jdk", "17-jdk-alpine", ""},
		{"eclipse-temurin", "21-jre-jammy", "21-jre-alpine", ""},
		{"php", "8.2-fpm", "8.2-fpm-alpine", ""},
		{"php", "8.2-cli", "8.2-cli-alpine", ""},
		{"redis", "7", "7-alpine", ""},
		{"postgres", "16", "16-alpine", ""},
		{"ruby", "3.3-slim", "3.3-alpine", ""},
		{"httpd", "2.4", "2.4-alpine", ""},
		{"rust", "1.80-slim", "1.80-alpine", ""},
		{"memcached", "1.6", "1.6-alpine", ""},
		{"haproxy", "2.8", "2.8-alpine", ""},
		{"wordpress", "", "", "same flavour"},
		{"wordpress", "6-apache", "", ""},
		{"php", "8.2-apache", "", "same flavour"},
		{"python", "2.9", "", "not a tag docklean knows"},
		{"python", "3.12-windowsservercore-ltsc2022", "", "Windows"},
		{"ubuntu", "22.04", "", "no Alpine variant"},
		{"mysql", "8", "", "no Alpine variant"},
		{"no-such-image", "1", "", "no Alpine variant"},
		{"python", "3.12-alpine", "", "already Alpine"},
		{"python", "3.8-alpine3.12", "", "already Alpine"},
		{"alpine", "3.20", "", "already Alpine"},
		{"bash", "latest", "", "already Alpine"}, // same image as alpine3.24
		{"traefik", "v3.1", "", "already Alpine"},
	} {
		got, ok, reason := alpineImageTag(c.image, c.tag)
		if got != c.want || ok != (c.want != "") || !strings.Contains(reason, c.reason) || ok != (reason == "") {
			t.Errorf("alpineImageTag(%q, %q) = %q, %v, %q; want %q (reason containing %q)", c.image, c.tag, got, ok, reason, c.want, c.reason)
		}
	}
}

// TestAlpineImageTagIsReal checks invariant 5 for images: for every tag in
// the reference data, a tag alpineImageTag returns is an Alpine tag of the
// same image in the data.
func TestAlpineImageTagIsReal(t *testing.T) {
	alpine := map[[2]string]bool{}
	var all [][2]string
	for _, file := range []string{"official-images-alpine.tsv", "official-images-alpine-history.tsv"} {
		for _, r := range refRows(t, file) {
			k := [2]string{r["image"], r["tag"]}
			all = append(all, k)
			if r["is_alpine"] == "yes" || r["same_image_as_alpine_tag"] == "yes" {
				alpine[k] = true
			}
		}
	}
	converted := 0
	for _, k := range all {
		got, ok, reason := alpineImageTag(k[0], k[1])
		if !ok {
			if reason == "" {
				t.Errorf("alpineImageTag(%q, %q) refused without a reason", k[0], k[1])
			}
			continue
		}
		converted++
		if !alpine[[2]string{k[0], got}] {
			t.Errorf("alpineImageTag(%q, %q) = %q, which is not an Alpine tag of %s in the data", k[0], k[1], got, k[0])
		}
	}
	t.Logf("%d of %d tags in the data have an Alpine tag", converted, len(all))
	if converted < 1000 {
		t.Errorf("only %d tags convert; the image table looks broken", converted)
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
