package passes

import (
	"runtime"
	"testing"

	"github.com/docklean/docklean/internal/benchdata"
	"github.com/docklean/docklean/transform"
)

// largeShapes are the large-file inputs of internal/benchdata.Sized.
var largeShapes = []string{"stages", "runs", "chain", "list", "heredoc"}

// TestLargeFilesLinear runs the pipeline on each large-file input but
// stages (whose smallest is the 151 KB corpus) at 30 KB and 300 KB, and
// fails when the bytes allocated grow more than 1.5 times as much as the
// input: a pass that does work per pair of RUNs or lines (a copy of the
// file per RUN, a walk of the whole RUN per command) grows with the square
// of the size. Allocation counts do not depend on the load of the machine,
// as times do; BenchmarkLargeFiles gives the times.
func TestLargeFilesLinear(t *testing.T) {
	small, err := benchdata.Sized("../fixtures", 30_000)
	if err != nil {
		t.Fatal(err)
	}
	large, err := benchdata.Sized("../fixtures", 300_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, shape := range largeShapes[1:] {
		t.Run(shape, func(t *testing.T) {
			a, b := allocated(t, small[shape]), allocated(t, large[shape])
			size := float64(len(large[shape])) / float64(len(small[shape]))
			ratio := float64(b) / float64(a)
			t.Logf("%d → %d bytes: %.1f → %.1f MB allocated, %.1f× for %.1f× the input", len(small[shape]), len(large[shape]), float64(a)/1e6, float64(b)/1e6, ratio, size)
			if ratio > 1.5*size {
				t.Errorf("allocations grew %.1f× for %.1f× the input: something is superlinear", ratio, size)
			}
		})
	}
}

// allocated returns the bytes Process allocates on src.
func allocated(t *testing.T, src []byte) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := transform.Process("Dockerfile", src, All(), nil); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
