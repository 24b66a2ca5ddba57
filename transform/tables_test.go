package transform

import (
	"slices"
	"testing"

	"github.com/docklean/docklean/internal/alpinepkg"
)

// TestDefaultAlpineIsKnown checks that the package data knows DefaultAlpine.
func TestDefaultAlpineIsKnown(t *testing.T) {
	if !slices.Contains(alpinepkg.Releases(), DefaultAlpine) {
		t.Errorf("DefaultAlpine %s is not among the releases the data knows", DefaultAlpine)
	}
}
