package transform

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/transform/data"
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
	for line := range strings.SplitSeq(data.Images, "\n") {
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
