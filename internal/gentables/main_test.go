package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReproducible checks that the committed tables are what the generator
// makes from the shared data today.
func TestReproducible(t *testing.T) {
	data := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(data, "alpine-packages.tsv")); err != nil {
		t.Skipf("shared data not found (%v); the tables cannot be regenerated here", err)
	}
	out := t.TempDir()
	if err := run(data, out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alpine-packages.txt", "images.tsv"} {
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
