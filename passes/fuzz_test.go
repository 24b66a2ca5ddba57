package passes

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/docklean/docklean/transform"
)

// fuzzPasses returns every pass but those named in DOCKLEAN_FUZZ_SKIP
// (comma-separated), so that a fuzzing session can go on past a known bug
// whose seed is already committed.
func fuzzPasses(tb testing.TB) []*transform.Pass {
	var skip []string
	if v := os.Getenv("DOCKLEAN_FUZZ_SKIP"); v != "" {
		skip = strings.Split(v, ",")
	}
	ps, err := Select(nil, skip)
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

// fuzzSeeds adds every fixture file of fixtures/roundtrip and fixtures/corpus.
func fuzzSeeds(f *testing.F, add func([]byte)) {
	for _, p := range fixtureFiles(f) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// FuzzPipeline checks checkPipeline's properties for the whole pipeline on
// any input that parses: no panic, no self-check error, output that parses,
// untouched text kept, a fixed point.
func FuzzPipeline(f *testing.F) {
	fuzzSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, err := checkPipeline(t, "Dockerfile", src, fuzzPasses(t), nil, false); err != nil && !errors.As(err, new(errInput)) {
			t.Fatal(err)
		}
	})
}

// FuzzPass is FuzzPipeline for one registered pass at a time, picked by n,
// so that a pass is also tried on input the passes before it did not shape.
func FuzzPass(f *testing.F) {
	fuzzSeeds(f, func(b []byte) {
		for n := range All() {
			f.Add(b, uint8(n))
		}
	})
	f.Fuzz(func(t *testing.T, src []byte, n uint8) {
		all := fuzzPasses(t)
		if len(all) == 0 {
			t.Fatal("no pass is registered")
		}
		p := all[int(n)%len(all)]
		if _, err := checkPipeline(t, "Dockerfile", src, []*transform.Pass{p}, nil, false); err != nil && !errors.As(err, new(errInput)) {
			t.Fatalf("pass %s: %v", p.Name, err)
		}
	})
}
