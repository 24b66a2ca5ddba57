package main

import (
	"os"
	"testing"

	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
)

// TestOwnDockerfileIsLean: docklean's own Dockerfile is what docklean would
// write, so the whole pipeline leaves it unchanged.
func TestOwnDockerfileIsLean(t *testing.T) {
	src, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	res, err := transform.Process("Dockerfile", src, passes.All(), &transform.Options{Context: os.DirFS("../..")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed(src) {
		t.Fatalf("docklean rewrites its own Dockerfile:\n%s", res.Output)
	}
	for _, f := range res.Findings {
		if f.Kind == transform.Changed {
			t.Errorf("unexpected finding: %v", f)
		}
	}
}
