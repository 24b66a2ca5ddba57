package images

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/refdata"
	"github.com/docklean/docklean/transform/data"
)

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
		got, ok, reason := AlpineVariant(c.image, c.tag)
		if got != c.want || ok != (c.want != "") || !strings.Contains(reason, c.reason) || ok != (reason == "") {
			t.Errorf("AlpineVariant(%q, %q) = %q, %v, %q; want %q (reason containing %q)", c.image, c.tag, got, ok, reason, c.want, c.reason)
		}
	}
}

// TestAlpineImageTagIsReal checks invariant 5 for images: for every tag in
// the reference data, a tag AlpineVariant returns is an Alpine tag of the
// same image in the data.
func TestAlpineImageTagIsReal(t *testing.T) {
	alpine := map[[2]string]bool{}
	var all [][2]string
	for _, file := range []string{"official-images-alpine.tsv", "official-images-alpine-history.tsv"} {
		for _, r := range refdata.Rows(t, file) {
			k := [2]string{r["image"], r["tag"]}
			all = append(all, k)
			if r["is_alpine"] == "yes" || r["same_image_as_alpine_tag"] == "yes" {
				alpine[k] = true
			}
		}
	}
	converted := 0
	for _, k := range all {
		got, ok, reason := AlpineVariant(k[0], k[1])
		if !ok {
			if reason == "" {
				t.Errorf("AlpineVariant(%q, %q) refused without a reason", k[0], k[1])
			}
			continue
		}
		converted++
		if !alpine[[2]string{k[0], got}] {
			t.Errorf("AlpineVariant(%q, %q) = %q, which is not an Alpine tag of %s in the data", k[0], k[1], got, k[0])
		}
	}
	t.Logf("%d of %d tags in the data have an Alpine tag", converted, len(all))
	if converted < 1000 {
		t.Errorf("only %d tags convert; the image table looks broken", converted)
	}
}

func TestSections(t *testing.T) {
	for _, text := range []string{"# c [x]\n[a]\nx[1]\ny\n[b]\nz\n", "[a]\nx[1]\ny\n[b]\nz"} {
		got := sections("test", text)
		if len(got) != 2 || got["a"] != "x[1]\ny\n" || !strings.HasPrefix(got["b"], "z") {
			t.Errorf("sections(%q) = %q", text, got)
		}
	}
}

// TestImageTablesParse loads every image of data/images.tsv: they load
// lazily, one image at a time, so a bad line would otherwise panic only in
// a run that meets that image.
func TestImageTablesParse(t *testing.T) {
	names := slices.Collect(maps.Keys(imageIndex()))
	if len(names) < 100 {
		t.Fatalf("images.tsv has %d images, want the official images", len(names))
	}
	lines := 0
	for _, n := range names {
		lines += len(Lookup(n).Tags)
	}
	want := 0
	for line := range strings.SplitSeq(data.Images, "\n") {
		if line != "" && line[0] != '#' && line[0] != '[' {
			want++
		}
	}
	if lines != want {
		t.Errorf("%d tags parsed, want the %d tag lines of images.tsv", lines, want)
	}
	if Lookup("no-such-image") != nil {
		t.Error("an unknown image has tags")
	}
}

func TestIsAlpine(t *testing.T) {
	for tag, want := range map[string]bool{
		"alpine": true, "3.12-alpine": true, "3.12-alpine3.20": true, "alpine3": true, "20-alpine-slim": true,
		"3.12-slim": false, "alpinelinux": false, "latest": false, "": false, "alpine-3.20x": true,
	} {
		if got := IsAlpine(tag); got != want {
			t.Errorf("IsAlpine(%q) = %v, want %v", tag, got, want)
		}
	}
}
