package parser

import (
	"errors"
	"testing"
)

// FuzzParse checks that Parse never panics, fails only with an *Error, and
// that every document it returns passes checkDocument: spans in range and in
// order, nothing but comments between them, shell maps byte-exact. It is
// seeded with fixtures/roundtrip and fixtures/corpus.
func FuzzParse(f *testing.F) {
	for _, p := range fixtureFiles(f) {
		f.Add(readFixture(f, p))
	}
	f.Add([]byte("FROM a\nRUN b \\\n\n# c\n  d"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse(src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse returned %T, not *Error: %v", err, err)
			}
			return
		}
		if err := checkDocument(d); err != nil {
			t.Fatal(err)
		}
	})
}
