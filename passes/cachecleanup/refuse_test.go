package cachecleanup

import (
	"testing"

	"github.com/docklean/docklean/transform"
)

// TestRefusedStageListsEveryBlocker: a stage with two reasons to be left
// alone reports both, and lands none of its cleanups.
func TestRefusedStageListsEveryBlocker(t *testing.T) {
	src := "FROM debian:bookworm\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\nRUN pip install flask\nRUN npm install express &\nCMD [\"flask\"]\n"
	res, err := transform.Process("Dockerfile", []byte(src), []*transform.Pass{Pass}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Output) != src {
		t.Errorf("output changed:\n%s", res.Output)
	}
	var codes []transform.Code
	for _, f := range res.Findings {
		codes = append(codes, f.Code)
	}
	if len(codes) != 2 || codes[0] != codeOpaqueRun || codes[1] != codeBackground {
		t.Errorf("codes %v, want [%s %s]", codes, codeOpaqueRun, codeBackground)
	}
}
