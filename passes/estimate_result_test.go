package passes

import (
	"os"
	"reflect"
	"testing"

	"github.com/docklean/docklean/transform"
)

// TestResultEstimate checks that Process's Estimate, taken from the
// documents it already parsed, is what it says of the output parsed afresh.
func TestResultEstimate(t *testing.T) {
	files := corpusFiles(t)
	some := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := transform.Process(f, src, All(), nil)
		if err != nil {
			continue // bad inputs are other tests' business
		}
		want := estimateOf(t, f, src, res.Output)
		if !reflect.DeepEqual(res.Estimate, want) {
			t.Errorf("%s: Estimate = %v, estimate = %v", f, res.Estimate, want)
		}
		if want != nil {
			some++
		}
	}
	if some == 0 {
		t.Error("no corpus file has an estimate: the test checks nothing")
	}
}

// estimateOf is Process's estimate for a rewrite of before into after
// made by one edit, so that after is parsed afresh.
func estimateOf(t *testing.T, file string, before, after []byte) *transform.SizeEstimate {
	whole := &transform.Pass{Name: "whole", Run: func(u *transform.Unit) error { u.Begin().Replace(0, len(u.Doc.Src), string(after)); return nil }}
	res, err := transform.Process(file, before, []*transform.Pass{whole}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Estimate
}
