package passes

import (
	"fmt"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/benchdata"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// benchInputs returns parser's benchmark inputs (see internal/benchdata)
// and a 100 KB && chain.
func benchInputs(b *testing.B) [][2]string {
	typical, large, err := benchdata.Corpus("../fixtures")
	if err != nil {
		b.Fatalf("the benchmark inputs come from ../fixtures: %v", err)
	}
	return [][2]string{
		{"small", benchdata.Small},
		{"typical", string(typical)},
		{"large", string(large)},
		{"chain100KB", chainDockerfile(100_000)},
	}
}

// chainDockerfile returns a Dockerfile of about n bytes whose one RUN is a long &&
// chain of apt-get installs split on continuation lines: the shape a pass
// must not handle in quadratic time.
func chainDockerfile(n int) string {
	var b strings.Builder
	b.WriteString("FROM debian:bookworm\nRUN apt-get update")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, " \\\n && apt-get install -y curl && echo step%d", i)
	}
	b.WriteString("\n")
	return b.String()
}

// BenchmarkLargeFiles runs the whole pipeline on the large-file inputs
// (internal/benchdata.Sized) at 200 KB and 2 MB: every pass must be linear,
// so the 2 MB time is about 10× the 200 KB one (docs/performance.md).
// chain, list and heredoc are files of one huge RUN.
func BenchmarkLargeFiles(b *testing.B) {
	passes := All()
	for _, size := range []struct {
		name string
		n    int
	}{{"200KB", 200_000}, {"2MB", 2_000_000}} {
		inputs, err := benchdata.Sized("../fixtures", size.n)
		if err != nil {
			b.Fatalf("the benchmark inputs come from ../fixtures: %v", err)
		}
		for _, shape := range largeShapes {
			src := inputs[shape]
			b.Run(shape+"/"+size.name, func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := transform.Process("Dockerfile", src, passes, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkPass runs each registered pass alone on an already parsed
// document, so the numbers are the pass's own cost.
func BenchmarkPass(b *testing.B) {
	for _, in := range benchInputs(b) {
		doc, err := parser.Parse([]byte(in[1]))
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range All() {
			b.Run(p.Name+"/"+in[0], func(b *testing.B) {
				b.SetBytes(int64(len(in[1])))
				b.ReportAllocs()
				for b.Loop() {
					_, _, _ = transform.Run(p, doc, "Dockerfile", &transform.Options{})
				}
			})
		}
	}
}

// BenchmarkPipeline runs Process with every pass: parsing, the passes, the
// re-parse after each pass that changed something, and the self-check.
func BenchmarkPipeline(b *testing.B) {
	passes := All()
	for _, in := range benchInputs(b) {
		src := []byte(in[1])
		b.Run(in[0], func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := transform.Process("Dockerfile", src, passes, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
