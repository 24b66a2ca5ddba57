package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReproducible checks that transform/data/slim-layers.tsv is what the
// generator makes from the committed package lists, with the names checked
// against Debian's package list (internal/refdata's copy).
func TestReproducible(t *testing.T) {
	got, err := generate(upstreamDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "transform", "data", "slim-layers.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("transform/data/slim-layers.tsv is stale: run go generate ./transform")
	}
}

func TestInstalls(t *testing.T) {
	src := "FROM x\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n\tb \\\n\ta && rm -rf /var/lib/apt/lists/*\nRUN if true; then apt-get install -y c; fi\n"
	got, err := aptInstalls([]byte(src))
	if err != nil || strings.Join(got, " ") != "a b c" {
		t.Errorf("aptInstalls = %q, %v; want a b c", got, err)
	}
	if n := firstInstallLen([]byte(src)); n != 2 {
		t.Errorf("firstInstallLen = %d, want 2", n)
	}
}
