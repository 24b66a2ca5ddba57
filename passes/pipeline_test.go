package passes

import (
	"slices"
	"testing"

	"github.com/docklean/docklean/transform"
)

func TestFindingLinesNameTheOriginalFile(t *testing.T) {
	// run-merge joins lines 2-4 into one RUN; cache-cleanup then reports on
	// the merged RUN and on the apt-get line after it. Its findings must name
	// lines of the file as written, not of run-merge's output.
	src := "FROM debian:bookworm\nRUN echo a\nRUN echo b\nRUN echo c\nCOPY x /x\nRUN pip install flask\n"
	passes, err := Select([]string{"run-merge", "cache-cleanup"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := transform.Process("Dockerfile", []byte(src), passes, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Findings {
		if f.Pass == "cache-cleanup" && f.Kind == transform.Changed {
			found = true
			if f.Line != 6 {
				t.Errorf("cache-cleanup finding on line %d, want 6 (the pip install as written): %v", f.Line, f)
			}
		}
	}
	if !found {
		t.Fatalf("no cache-cleanup change in %v", res.Findings)
	}
}

// TestPipelineOrder checks the order derived from the passes' After lists.
func TestPipelineOrder(t *testing.T) {
	var names []string
	for _, p := range All() {
		names = append(names, p.Name)
	}
	want := []string{"alpine", "slim", "run-merge", "cache-cleanup", "go-multistage", "pin"}
	if !slices.Equal(names, want) {
		t.Errorf("pipeline order %v, want %v", names, want)
	}
	for _, p := range All() {
		for _, a := range p.After {
			if slices.Index(names, a) > slices.Index(names, p.Name) {
				t.Errorf("%s runs before %s, which it names in After", a, p.Name)
			}
		}
	}
}
