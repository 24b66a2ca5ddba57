package transform

import (
	"os"
	"reflect"
	"testing"
)

// TestResultEstimate checks that Process's Estimate, taken from the
// documents it already parsed, is what estimate says of the output parsed afresh.
func TestResultEstimate(t *testing.T) {
	files := corpusFiles(t)
	some := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Process(f, src, All(), nil)
		if err != nil {
			continue // bad inputs are other tests' business
		}
		want, _ := estimateOf(src, res.Output)
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
