package parser

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchInputs returns the small, typical and large Dockerfiles the
// benchmarks of parser and transform share: a three-instruction file, a
// 30-line Django app, and every Linux file of the corpus joined into one
// multi-stage file of some 300 stages.
func benchInputs(b *testing.B) map[string][]byte {
	typical, err := os.ReadFile("../fixtures/corpus/029-python-django.Dockerfile")
	if err != nil {
		b.Skipf("corpus not found: %v", err)
	}
	files, _ := filepath.Glob("../fixtures/corpus/*.Dockerfile")
	var large bytes.Buffer
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if bytes.Contains(src, []byte("\r")) || bytes.Contains(src, []byte("escape=")) || strings.Contains(f, "windows") {
			continue
		}
		large.Write(bytes.TrimPrefix(src, []byte("\ufeff")))
		large.WriteString("\n")
	}
	return map[string][]byte{
		"small":   []byte("FROM python:3.8-slim\nRUN pip install flask\nCMD [\"flask\", \"run\"]\n"),
		"typical": typical,
		"large":   large.Bytes(),
	}
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
