package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/debpkg"
)

// TestNoDrift checks that the committed tables are what the generator makes
// from the committed inputs (no network, no shared data needed).
func TestNoDrift(t *testing.T) {
	in := filepath.Join("input")
	for name, gen := range map[string]func(string) ([]byte, error){"debian-commands.tsv": generate, "alpine-commands.tsv": generateAlpine} {
		got, err := gen(in)
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

// TestFirstAlts checks the relation parsing the closures rest on.
func TestFirstAlts(t *testing.T) {
	got := strings.Join(debpkg.FirstAlts("libc6 (>= 2.34), mawk | awk, python3:any (>= 3.9~)"), " ")
	if got != "libc6 mawk python3" {
		t.Errorf("debpkg.FirstAlts = %q", got)
	}
}
