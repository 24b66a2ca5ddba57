package passes

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/passes/cachecleanup"
	"github.com/docklean/docklean/passes/runmerge"
	"github.com/docklean/docklean/transform"
)

// TestMergeCleanupCorpus runs run-merge then cache-cleanup over
// fixtures/corpus and reports (with -v) the RUN counts before and after and
// the bytes cache-cleanup adds. It fails when a pass errors, adds RUNs, or is
// not idempotent on a corpus file.
func TestMergeCleanupCorpus(t *testing.T) {
	files := corpusFiles(t)
	merge, clean := runmerge.Pass, cachecleanup.Pass
	var parsed, runsBefore, runsAfter, merged, cleaned, added, removed int
	findings := map[string]int{}
	digits := regexp.MustCompile(`\d+`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parser.Parse(src)
		if err != nil {
			continue // a corpus file that is meant to be rejected
		}
		parsed++
		r1, err := transform.Process(f, src, []*transform.Pass{merge}, nil)
		if err != nil {
			t.Errorf("%s: run-merge: %v", f, err)
			continue
		}
		r2, err := transform.Process(f, r1.Output, []*transform.Pass{clean}, nil)
		if err != nil {
			t.Errorf("%s: cache-cleanup: %v", f, err)
			continue
		}
		again, err := transform.Process(f, r2.Output, []*transform.Pass{merge, clean}, nil)
		if err != nil || string(again.Output) != string(r2.Output) {
			t.Errorf("%s: the two passes are not idempotent (err %v)", f, err)
		}
		after, err := parser.Parse(r2.Output)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		b, a := countRuns(doc), countRuns(after)
		if a > b {
			t.Errorf("%s: %d RUNs after, %d before", f, a, b)
		}
		runsBefore += b
		runsAfter += a
		if r1.Changed(src) {
			merged++
		}
		if r2.Changed(r1.Output) {
			cleaned++
			ins, del := editBytes(t, r1.Output, clean)
			added += ins
			removed += del
		}
		for _, fd := range append(r1.Findings, r2.Findings...) {
			if fd.Kind != transform.Info {
				key := fd.Pass + " " + string(fd.Kind) + ": " + digits.ReplaceAllString(fd.Message, "N")
				findings[key]++
			}
		}
	}
	t.Logf("files: %d (%d parse)", len(files), parsed)
	t.Logf("run-merge: %d files changed; RUN instructions %d → %d (%.1f%% fewer)",
		merged, runsBefore, runsAfter, 100*float64(runsBefore-runsAfter)/float64(max(runsBefore, 1)))
	t.Logf("cache-cleanup: %d files changed; %d bytes of cleanup added, %d bytes of redundant cache handling removed", cleaned, added, removed)
	var keys []string
	for k := range findings {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return findings[keys[i]] > findings[keys[j]] || findings[keys[i]] == findings[keys[j]] && keys[i] < keys[j]
	})
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n%5d  %s", findings[k], k)
	}
	t.Logf("findings (changes and refusals, numbers replaced by N):%s", b.String())
}

func countRuns(doc *parser.Document) int {
	n := 0
	for _, in := range doc.Instructions {
		if in.Keyword == "run" {
			n++
		}
	}
	return n
}

// editBytes runs pass over src and returns how many bytes its edits insert
// and delete.
func editBytes(t *testing.T, src []byte, pass *transform.Pass) (ins, del int) {
	doc, err := parser.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	edits, _, _ := transform.Run(pass, doc, "", &transform.Options{})
	for _, e := range edits {
		ins += len(e.Text)
		del += e.End - e.Start
	}
	return ins, del
}
