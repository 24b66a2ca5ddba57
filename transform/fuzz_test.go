package transform

import (
	"errors"
	"os"
	"testing"
)

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
		if _, err := checkPipeline(t, "Dockerfile", src, All(), nil, false); err != nil && !errors.As(err, new(errInput)) {
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
		all := All()
		if len(all) == 0 {
			t.Skip("no pass is registered")
		}
		p := all[int(n)%len(all)]
		if _, err := checkPipeline(t, "Dockerfile", src, []*Pass{p}, nil, false); err != nil && !errors.As(err, new(errInput)) {
			t.Fatalf("pass %s: %v", p.Name, err)
		}
	})
}
