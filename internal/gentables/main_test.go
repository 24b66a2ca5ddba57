package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReproducible checks that the committed tables are what the generator
// makes from the reference data (internal/refdata's copy, which
// refdata.TestCopyMatchesShared compares with ../shared/data).
func TestReproducible(t *testing.T) {
	out := t.TempDir()
	if err := run("", out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alpine-packages.txt", "alpine-arches.tsv", "images.tsv"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "transform", "data", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("transform/data/%s is stale: run go generate ./transform", name)
		}
	}
}
