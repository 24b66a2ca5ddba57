package parser

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRoundTrip parses every file of fixtures/roundtrip and fixtures/corpus
// and checks the spans and shell maps with checkDocument. Files of
// fixtures/roundtrip must also have every shell-form RUN mapped.
func TestRoundTrip(t *testing.T) {
	files := fixtureFiles(t)
	if len(files) < 30 {
		t.Fatalf("found %d fixture files, want at least 30", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			d, err := Parse(readFixture(t, f))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if err := checkDocument(d); err != nil {
				t.Fatal(err)
			}
			for _, in := range d.Instructions {
				if in.Shell != nil && !in.Shell.Mapped() && in.Shell.Err != errCRLF {
					t.Errorf("line %d: shell text not mapped: %v", in.StartLine, in.Shell.Err)
				}
			}
		})
	}
}

// TestCheckDocumentCatchesBadMaps makes sure checkDocument is not vacuous: a
// shifted offset map and a span that loses a continuation line are reported.
func TestCheckDocumentCatchesBadMaps(t *testing.T) {
	src := "FROM debian\nRUN apt-get update && \\\n  # note\n  apt-get install -y curl\n"
	d, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkDocument(d); err != nil {
		t.Fatalf("good document rejected: %v", err)
	}
	run := d.Instructions[1]
	good := run.Shell.offsets

	// Map the second line one byte too far left: the bytes still match only
	// by accident, and the join check must see the moved boundary.
	i := strings.Index(run.Shell.Text, "apt-get install")
	bad := good.slice(0, i)
	for j := i; j < good.n; j++ {
		bad.add(good.at(j)-1, 1)
	}
	run.Shell.offsets = bad
	if err := checkDocument(d); err == nil {
		t.Error("shifted shell map accepted")
	}
	run.Shell.offsets = good

	run.End = d.LineStart(3) - 1
	if err := checkDocument(d); err == nil {
		t.Error("span that stops before its last line accepted")
	}
}
