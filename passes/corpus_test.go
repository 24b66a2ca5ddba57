package passes

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/docklean/docklean/transform"
)

// TestCorpus runs the whole pipeline over every file of fixtures/corpus and
// fixtures/roundtrip and checks the invariants with checkPipeline. With -v it
// logs, per pass, how many files it changed and its most common refusals.
func TestCorpus(t *testing.T) {
	fs := fixtureFiles(t)
	if len(fs) < 30 {
		t.Fatalf("found %d fixture files, want at least 30", len(fs))
	}
	passes := All()
	sum := newCorpusSummary(passes)
	t.Run("files", func(t *testing.T) {
		for _, f := range fs {
			t.Run(filepath.Base(f), func(t *testing.T) {
				t.Parallel()
				src, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				r, err := checkPipeline(t, "Dockerfile", src, passes, &transform.Options{}, true)
				var bad errInput
				if errors.As(err, &bad) {
					t.Fatalf("corpus file is not a Dockerfile: %v", err)
				}
				if err != nil {
					t.Fatal(err)
				}
				sum.add(r)
			})
		}
	})
	t.Log(sum)
}

// corpusSummary counts, per pass, the files it changed and its refusals grouped by
// reason.
type corpusSummary struct {
	mu      sync.Mutex
	passes  []*transform.Pass
	files   int
	changed map[string]int
	reasons map[string]map[string]int
}

func newCorpusSummary(passes []*transform.Pass) *corpusSummary {
	return &corpusSummary{passes: passes, changed: map[string]int{}, reasons: map[string]map[string]int{}}
}

func (s *corpusSummary) add(r pipelineRun) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files++
	for _, p := range r.changed {
		s.changed[p]++
	}
	for _, f := range r.res.Findings {
		if f.Kind != transform.Refused {
			continue
		}
		if s.reasons[f.Pass] == nil {
			s.reasons[f.Pass] = map[string]int{}
		}
		s.reasons[f.Pass][findingReason(f.Message)]++
	}
}

// String prints the summary: one block per pass, top ten reasons first.
func (s *corpusSummary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "corpus: %d files, %d passes\n", s.files, len(s.passes))
	for _, p := range s.passes {
		rs := s.reasons[p.Name]
		keys := make([]string, 0, len(rs))
		total := 0
		for k, n := range rs {
			keys = append(keys, k)
			total += n
		}
		sort.Slice(keys, func(i, j int) bool {
			if rs[keys[i]] != rs[keys[j]] {
				return rs[keys[i]] > rs[keys[j]]
			}
			return keys[i] < keys[j]
		})
		fmt.Fprintf(&b, "%-14s %4d files changed, %4d refusals\n", p.Name, s.changed[p.Name], total)
		for i, k := range keys {
			if i == 10 {
				fmt.Fprintf(&b, "%20s (%d more reasons)\n", "…", len(keys)-10)
				break
			}
			fmt.Fprintf(&b, "%20d  %s\n", rs[k], k)
		}
	}
	return b.String()
}

var (
	quotedText = regexp.MustCompile("\"[^\"]*\"|'[^']*'|`[^`]*`")
	namedText  = regexp.MustCompile(`[^\s,;()]*[\d:/@=][^\s,;()]*`)
	ellipses   = regexp.MustCompile(`…([\s,]+…)+`)
)

// findingReason strips the specifics (quoted text, numbers, image and package
// references) from a finding so that findings with the same cause group.
func findingReason(msg string) string {
	msg = quotedText.ReplaceAllString(msg, "…")
	msg = namedText.ReplaceAllStringFunc(msg, func(w string) string {
		if strings.HasSuffix(w, ":") && !strings.ContainsAny(w[:len(w)-1], "0123456789:/@=") {
			return w // a word ending a clause, as in "refused:"
		}
		return "…"
	})
	return ellipses.ReplaceAllString(msg, "…")
}
