package transform

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

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
		lines += len(imageTagsOf(n).tags)
	}
	want := 0
	for line := range strings.SplitSeq(imagesTSV, "\n") {
		if line != "" && line[0] != '#' && line[0] != '[' {
			want++
		}
	}
	if lines != want {
		t.Errorf("%d tags parsed, want the %d tag lines of images.tsv", lines, want)
	}
	if imageTagsOf("no-such-image") != nil {
		t.Error("an unknown image has tags")
	}
}

// TestAlpinePackageLookup compares the binary search over the sorted
// groups with a plain reading of data/alpine-packages.txt.
func TestAlpinePackageLookup(t *testing.T) {
	want := map[string]uint8{}
	var mask uint8
	var releases []string
	for line := range strings.SplitSeq(alpinePackagesTxt, "\n") {
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
