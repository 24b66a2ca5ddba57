package parser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/benchdata"
)

// benchInputs returns the small, typical and large Dockerfiles the
// benchmarks of parser and transform share (see internal/benchdata).
func benchInputs(b *testing.B) map[string][]byte {
	typical, large, err := benchdata.Corpus("../fixtures")
	if err != nil {
		b.Fatalf("the benchmark inputs come from ../fixtures: %v", err)
	}
	return map[string][]byte{"small": []byte(benchdata.Small), "typical": typical, "large": large}
}

// pathological returns a Dockerfile of about n bytes whose one RUN is a long
// && chain (chain) or deeply nested command substitutions (nested), split on
// continuation lines.
func pathological(kind string, n int) []byte {
	var b strings.Builder
	b.WriteString("FROM debian\nRUN true")
	switch kind {
	case "chain":
		for b.Len() < n {
			b.WriteString(" \\\n && echo word")
		}
	case "nested":
		depth := (n - b.Len()) / 20
		for i := range depth {
			b.WriteString(" $(echo")
			if i%50 == 49 {
				b.WriteString(" \\\n")
			}
		}
		b.WriteString(" x")
		for i := range depth {
			b.WriteString(")")
			if i%500 == 499 {
				b.WriteString("\\\n")
			}
		}
	}
	b.WriteString("\n")
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	for _, size := range []string{"small", "typical", "large"} {
		src := benchInputs(b)[size]
		b.Run(size, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParsePathological shows how parsing scales on bad shell text:
// time per byte must stay flat from 10 KB to 100 KB.
func BenchmarkParsePathological(b *testing.B) {
	for _, kind := range []string{"chain", "nested"} {
		for _, n := range []int{10_000, 100_000} {
			src := pathological(kind, n)
			b.Run(fmt.Sprintf("%s/%dKB", kind, n/1000), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					d, err := Parse(src)
					if err != nil {
						b.Fatal(err)
					}
					if s := d.Instructions[1].Shell; s == nil || s.Err != nil {
						b.Fatalf("shell does not parse: %v", s.Err)
					}
				}
			})
		}
	}
}
