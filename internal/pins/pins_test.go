package pins

import (
	"testing"
	"time"

	"github.com/docklean/docklean/internal/images"
)

// current reports whether image:tag is a tag of the official images now.
func current(image, tag string) bool {
	tags := images.Lookup(image)
	return tags != nil && tags.Tags[tag].Current
}

// TestPinTargetsExist checks invariant 5 for the pin table: every tag pin
// can emit is a current official tag, and the tag it replaces is too.
func TestPinTargetsExist(t *testing.T) {
	pins := loadPins()
	if len(pins.specific) < 50 {
		t.Fatalf("pins table has %d images, want the official images", len(pins.specific))
	}
	for img, tags := range pins.specific {
		for tag, full := range tags {
			if !current(img, tag) || !current(img, full) {
				t.Errorf("%s: %s → %s: not both current official tags", img, tag, full)
			}
		}
	}
}

// TestEOLTable checks that every product the pass maps an image to has rows
// and that dates parse (loadPins panics otherwise).
func TestEOLTable(t *testing.T) {
	for img, p := range eolProducts {
		if len(loadPins().cycles[p.product]) == 0 {
			t.Errorf("image %s maps to product %s, which data/eol.tsv does not list", img, p.product)
		}
	}
	c, ok := ImageCycle("ubuntu", "bionic")
	if !ok || c.Cycle != "18.04" || c.EOL.Format(time.DateOnly) != "2023-05-31" {
		t.Errorf("ubuntu:bionic → %+v, %v", c, ok)
	}
}

// TestPinTagIsFixedPoint: whatever Tag writes, it leaves alone on the
// next run, for every tag in the table and both precisions.
func TestPinTagIsFixedPoint(t *testing.T) {
	for image, tags := range loadPins().specific {
		for tag := range tags {
			for _, mode := range []Precision{Minor, Patch} {
				pinned, known := Tag(image, tag, mode)
				if !known {
					continue
				}
				if again, _ := Tag(image, pinned, mode); again != pinned {
					t.Errorf("%s:%s → %s → %s (%s)", image, tag, pinned, again, mode)
				}
			}
		}
	}
}
