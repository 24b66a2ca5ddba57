package rebase

import (
	"testing"

	"github.com/docklean/docklean/internal/images"
)

// TestSlimTagsKeepAlpineVerdict checks, over every tag of the images slim
// converts, that the -slim tag it writes has an Alpine variant only when
// the full tag has one: otherwise a stage alpine refused for its base alone
// would be converted by a second run, after slim (not idempotent).
func TestSlimTagsKeepAlpineVerdict(t *testing.T) {
	n := 0
	for _, image := range []string{"python", "node", "ruby", "perl", "rust", "openjdk", "debian"} {
		tags := images.Lookup(image)
		if tags == nil {
			t.Fatalf("%s is not in the images table", image)
		}
		for tag := range tags.Tags {
			if hasToken(tag, "slim") || images.IsAlpine(tag) {
				continue
			}
			st := slimTagOf(image, tag)
			if st == "" {
				continue
			}
			n++
			_, okFull, _ := images.AlpineVariant(image, tag)
			_, okSlim, _ := images.AlpineVariant(image, st)
			if image != "debian" && !okFull && okSlim {
				t.Errorf("%s:%s has no Alpine variant but %s:%s has", image, tag, image, st)
			}
		}
	}
	if n < 100 {
		t.Fatalf("checked %d tags, want the whole table", n)
	}
}
