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

// TestUnknownName checks that a name Debian bookworm does not have is an
// error, not a row.
func TestUnknownName(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"SOURCES", "curl.packages", "scm.packages", "full.packages", "python.packages"} {
		b, err := os.ReadFile(filepath.Join(upstreamDir(), f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "scm.packages" {
			b = append(b, "git-but-not-quite\n"...)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := generate(dir, ""); err == nil || !strings.Contains(err.Error(), "git-but-not-quite is not a Debian bookworm package") {
		t.Errorf("generate = %v, want an error naming git-but-not-quite", err)
	}
}
