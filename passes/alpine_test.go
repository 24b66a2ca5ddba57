package passes

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/passes/alpine"
	"github.com/docklean/docklean/transform"
)

// TestAlpineCorpus runs the alpine pass over fixtures/corpus and reports how
// many stages it converted and refused, and why (go test ./passes -run
// AlpineCorpus -v).
func TestAlpineCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) < 30 {
		t.Skipf("fixtures/corpus has %d files; the corpus report needs at least 30", len(files))
	}
	var nStages, converted, refused, files2 int
	reasons := map[string]int{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := transform.Process(f, src, []*transform.Pass{alpine.Pass}, nil)
		if err != nil {
			if _, bad := err.(*parser.Error); bad {
				continue
			}
			t.Errorf("%s: %v", f, err)
			continue
		}
		files2++
		in, _ := parser.Parse(src)
		out, err := parser.Parse(res.Output)
		if err != nil {
			t.Fatalf("%s: output does not parse: %v", f, err)
		}
		nStages += len(in.Stages)
		for _, st := range out.Stages {
			root := st
			for p := stages.ParentStage(out, root); p != nil; p = stages.ParentStage(out, p) {
				root = p
			}
			a, _ := stages.ExpandBase(in, in.Stages[root.Index].Base)
			b, _ := stages.ExpandBase(out, root.Base)
			if a != b {
				converted++
			}
		}
		seen := map[string]bool{}
		for _, fd := range res.Findings {
			if fd.Kind != transform.Refused {
				continue
			}
			n := 1
			if strings.HasPrefix(fd.Message, "file left unchanged") {
				n = len(in.Stages)
			} else if name := refusedStage.FindString(fd.Message); seen[name] {
				continue
			} else {
				seen[name] = true
			}
			refused += n
			reasons[refusalKind(fd.Message)] += n
		}
	}
	var keys []string
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if reasons[keys[i]] != reasons[keys[j]] {
			return reasons[keys[i]] > reasons[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "alpine over %d corpus files: %d stages, %d converted, %d refused, %d left alone (already Alpine, scratch, other images)\nrefused stages by reason:\n",
		files2, nStages, converted, refused, nStages-converted-refused)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %4d  %s\n", reasons[k], k)
	}
	t.Log("\n" + b.String())
	if converted == 0 {
		t.Error("no stage of the corpus was converted")
	}
}

var refusalKinds = []struct {
	re   *regexp.Regexp
	kind string
}{
	{regexp.MustCompile(`package \S+ has no Alpine equivalent`), "a package has no Alpine equivalent"},
	{regexp.MustCompile(`never had an Alpine variant|has no Alpine variant|no Alpine variant of the same flavour`), "the image (or that tag) has no Alpine variant"},
	{regexp.MustCompile(`is not a tag docklean knows`), "the image tag is unknown to the tables"},
	{regexp.MustCompile(`pinned by digest`), "digest-pinned base"},
	{regexp.MustCompile(`built on it, cannot be converted|which stays as it is`), "a stage sharing its base refused"},
	{regexp.MustCompile(`stays on glibc`), "a stage left on glibc copies its files (musl-built files may not run there)"},
	{regexp.MustCompile(`dpkg`), "dpkg"},
	{regexp.MustCompile(`\.deb`), ".deb file"},
	{regexp.MustCompile(`/etc/apt|PPA|add-apt-repository`), "apt repository setup (/etc/apt, PPA)"},
	{regexp.MustCompile(`vendor's`), "vendor repository setup script"},
	{regexp.MustCompile(`glibc build`), "glibc-only download"},
	{regexp.MustCompile(`locale-gen|update-locale|localedef`), "locale-gen"},
	{regexp.MustCompile(`apt-key|apt-mark|apt-cache`), "apt-key/apt-mark"},
	{regexp.MustCompile(`debconf`), "debconf"},
	{regexp.MustCompile(`alternatives`), "update-alternatives"},
	{regexp.MustCompile(`package list|computed`), "package list not resolvable"},
	{regexp.MustCompile(`escape=`), "Windows file (# escape=`)"},
	{regexp.MustCompile(`not an official image`), "base image unknown (private or third-party)"},
	{regexp.MustCompile(`has no apk equivalent`), "apt/yum option or subcommand with no apk form"},
}

func refusalKind(msg string) string {
	for _, k := range refusalKinds {
		if k.re.MatchString(msg) {
			return k.kind
		}
	}
	_, rest, _ := strings.Cut(msg, "left unchanged: ")
	return rest
}

var refusedStage = regexp.MustCompile(`^stage ("[^"]*"|\d+)`)
