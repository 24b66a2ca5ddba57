package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReproducible checks that the committed table is what the generator
// makes from the reference data (internal/refdata's copy).
func TestReproducible(t *testing.T) {
	got, err := generate("")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "transform", "data", "pins.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("transform/data/pins.tsv is stale: run go generate ./transform")
	}
}

func TestSplit(t *testing.T) {
	for tag, want := range map[string][2]string{
		"3.14.7-slim": {"3.14.7", "slim"}, "latest": {"", ""}, "slim": {"", "slim"},
		"20260805": {"", "20260805"}, "3.15.0rc1": {"", "3.15.0rc1"}, "lts-alpine": {"", "lts-alpine"},
	} {
		if v, r := split(tag); v != want[0] || r != want[1] {
			t.Errorf("split(%q) = %q, %q; want %q", tag, v, r, want)
		}
	}
}
