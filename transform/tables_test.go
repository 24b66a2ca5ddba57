package transform

import (
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/alpinepkg"
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

// TestDefaultAlpineIsKnown checks that the package data knows DefaultAlpine.
func TestDefaultAlpineIsKnown(t *testing.T) {
	if !slices.Contains(alpinepkg.Releases(), DefaultAlpine) {
		t.Errorf("DefaultAlpine %s is not among the releases the data knows", DefaultAlpine)
	}
}
