package passes

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/docklean/docklean/transform"
)

// TestRoundTrip checks invariant 2 at its simplest: with no pass, every file
// of fixtures/roundtrip and fixtures/corpus comes back byte for byte.
func TestRoundTrip(t *testing.T) {
	fs := fixtureFiles(t)
	if len(fs) < 30 {
		t.Fatalf("found %d fixture files, want at least 30", len(fs))
	}
	for _, f := range fs {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := transform.Process(filepath.Base(f), src, nil, nil)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !bytes.Equal(res.Output, src) {
			t.Errorf("%s: output differs from input", f)
		}
	}
}
