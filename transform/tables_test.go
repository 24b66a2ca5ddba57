package transform

import (
	"slices"
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

// TestDefaultAlpineIsKnown checks that the package data knows DefaultAlpine.
func TestDefaultAlpineIsKnown(t *testing.T) {
	if !slices.Contains(alpinepkg.Releases(), DefaultAlpine) {
		t.Errorf("DefaultAlpine %s is not among the releases the data knows", DefaultAlpine)
	}
}
