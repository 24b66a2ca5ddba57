package data

import (
	"strings"
	"testing"
)

// firstLine returns the first line of text that is not a comment.
func firstLine(text string) string {
	for line := range strings.SplitSeq(text, "\n") {
		if line != "" && line[0] != '#' {
			return line
		}
	}
	return ""
}

// TestTablesStart checks that each embedded table starts as its readers
// expect: the curated maps with their header, the generated lists with a
// [section].
func TestTablesStart(t *testing.T) {
	for name, c := range map[string]struct{ text, want string }{
		"debian-alpine.tsv":   {DebianAlpine, "debian\talpine\tnote"},
		"fedora-alpine.tsv":   {FedoraAlpine, "fedora\talpine\tnote"},
		"alpine-packages.txt": {AlpinePackages, "[3."},
		"images.tsv":          {Images, "["},
	} {
		if got := firstLine(c.text); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s starts with %q, want %q", name, got, c.want)
		}
	}
}
