package passes

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// TestGoMultistageCorpus runs the whole pipeline over the corpus files whose
// final stage is FROM golang and reports (with -v) how many go-multistage
// converted and why it refused the rest. Every conversion must end in an
// image docklean may emit and must be a fixed point.
func TestGoMultistageCorpus(t *testing.T) {
	files := corpusFiles(t)
	allowed := regexp.MustCompile(`^(scratch|gcr\.io/distroless/static-debian12|alpine:3\.\d+)$`)
	var goFiles, converted int
	reasons := map[string]int{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parser.Parse(src)
		if err != nil {
			continue
		}
		last := doc.Stages[len(doc.Stages)-1]
		if b := last.Parent; !golangImage(last.Base) && (b == nil || !golangImage(b.Base)) {
			continue
		}
		goFiles++
		res, err := transform.Process(f, src, All(), &transform.Options{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		var refusal string
		changed := false
		for _, fd := range res.Findings {
			if fd.Pass != "go-multistage" {
				continue
			}
			if fd.Kind == transform.Refused {
				refusal = fd.Message
			}
			if fd.Kind == transform.Changed {
				changed = true
			}
		}
		if !changed {
			reasons[reasonKind(refusal)]++
			t.Logf("refused %s: %s", filepath.Base(f), refusal)
			continue
		}
		converted++
		out, err := parser.Parse(res.Output)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if rt := out.Stages[len(out.Stages)-1].Base; !allowed.MatchString(rt) {
			t.Errorf("%s: runtime image %q is not one docklean may emit", f, rt)
		}
		again, err := transform.Process(f, res.Output, All(), &transform.Options{})
		if err != nil || string(again.Output) != string(res.Output) {
			t.Errorf("%s: the conversion is not a fixed point (%v)", f, err)
		}
	}
	t.Logf("go-multistage: %d Go Dockerfiles in the corpus (final stage FROM golang), %d converted, %d refused", goFiles, converted, goFiles-converted)
	var ks []string
	for k := range reasons {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		return reasons[ks[i]] > reasons[ks[j]] || reasons[ks[i]] == reasons[ks[j]] && ks[i] < ks[j]
	})
	for _, k := range ks {
		t.Logf("  %3d  %s", reasons[k], k)
	}
}

// reasonKind shortens a refusal to its kind: the text before the first colon.
func reasonKind(msg string) string {
	if msg == "" {
		return "(no finding)"
	}
	k, _, _ := strings.Cut(msg, ":")
	return k
}

// golangImage reports whether ref names the official golang image.
func golangImage(ref string) bool {
	r := stages.ParseRef(ref)
	return r.Official && r.Name == "golang"
}
