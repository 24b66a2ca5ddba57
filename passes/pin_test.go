package passes

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/passes/pin"
	"github.com/docklean/docklean/transform"
)

// TestPinCorpus runs pin alone over the corpus's original Dockerfiles and
// logs (with -v) how many base images were floating and what each was
// pinned to. Every tag it writes must be a current official tag.
func TestPinCorpus(t *testing.T) {
	files := corpusFiles(t)
	pin := []*transform.Pass{pin.Pass}
	opts := &transform.Options{Today: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
	var bases, floating, pinned int
	pairs := map[string]int{}
	left := map[string]int{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := transform.Process(f, src, pin, opts)
		if err != nil {
			continue // not a Dockerfile the parser accepts; the corpus test reports those
		}
		doc, err := parser.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range doc.Stages {
			if !strings.EqualFold(st.Base, "scratch") && st.Parent == nil {
				bases++
			}
		}
		for _, fd := range res.Findings {
			switch {
			case fd.Code == "pin/floating-tag":
				floating++
				pinned++
				from, rest, _ := strings.Cut(strings.TrimPrefix(fd.Message, "pinned "), " to ")
				to, _, _ := strings.Cut(rest, ",")
				pairs[from+" → "+to]++
				if r := stages.ParseRef(to); images.Lookup(r.Name) == nil || !images.Lookup(r.Name).Tags[r.Tag].Current {
					t.Errorf("%s: pinned to %s, which is not a current official tag", f, to)
				}
			case fd.Code == "pin/not-official", fd.Code == "pin/moving-tag":
				floating++
				left[fd.Message]++
			}
		}
	}
	t.Logf("%d files, %d base images (FROM lines that are not scratch or a stage), %d floating, %d pinned", len(files), bases, floating, pinned)
	keys := make([]string, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return pairs[keys[i]] > pairs[keys[j]] || pairs[keys[i]] == pairs[keys[j]] && keys[i] < keys[j]
	})
	for _, k := range keys {
		t.Logf("  %3d  %s", pairs[k], k)
	}
	var lk []string
	for k, n := range left {
		lk = append(lk, fmt.Sprintf("%3d  left floating: %s", n, k))
	}
	sort.Strings(lk)
	for _, l := range lk {
		t.Logf("  %s", l)
	}
}
