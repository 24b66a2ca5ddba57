package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoDrift checks that the committed table is what the generator makes
// from the committed inputs.
func TestNoDrift(t *testing.T) {
	root := filepath.Join("..", "..")
	got, err := generate(root, "input")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(root, "transform", "data", "debian-implicit.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("transform/data/debian-implicit.tsv is stale: run go generate ./transform")
	}
}

// TestReach checks the walk on a small graph: a Recommends edge, a base
// package not walked through, and a base trigger.
func TestReach(t *testing.T) {
	pkgs := map[string]*debPkg{
		"app":     {deps: []string{"lib"}, recs: []string{"extra"}},
		"lib":     {deps: []string{"font"}},
		"font":    {},
		"extra":   {deps: []string{"dri"}},
		"dri":     {},
		"apt":     {base: true, deps: []string{"keyring"}},
		"keyring": {base: true},
		"tool":    {deps: []string{"apt"}, recs: []string{"keyring"}},
		"other":   {deps: []string{"apt"}},
		"cc":      {recs: []string{"dev"}},
		"dev":     {deps: []string{"bin"}},
		"bin":     {recs: []string{"lib"}},
	}
	for _, c := range []struct{ from, to, when, chain string }{
		{"app", "font", "depends", "app -> lib -> font"},
		{"app", "dri", "recommends", "app ~> extra -> dri"},
		{"tool", "keyring", "base", "tool ~> keyring"},
		{"other", "keyring", "", ""},
		{"cc", "font", "", ""}, // a Recommends past the first hop does not count
	} {
		when, chain := reach(pkgs, c.from, c.to)
		if when != c.when || strings.Join(chain, " ") != c.chain {
			t.Errorf("reach(%s, %s) = %q %q, want %q %q", c.from, c.to, when, chain, c.when, c.chain)
		}
	}
}
