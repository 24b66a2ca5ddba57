package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReproducible checks that the committed table is what the generator
// makes from the shared data today.
func TestReproducible(t *testing.T) {
	src := filepath.Join("..", "..", "..", "shared", "data", "official-images-alpine.tsv")
	if _, err := os.Stat(src); err != nil {
		t.Skipf("shared data not found (%v); the table cannot be regenerated here", err)
	}
	got, err := generate(src)
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
