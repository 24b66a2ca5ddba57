package runmerge

import (
	"testing"

	"github.com/docklean/docklean/transform"
)

// TestMergeSubshellKeepsState checks the isolation rule on the text level:
// a state-changing RUN followed by another becomes "( … ) &&", and the last
// RUN of a group is never wrapped for state alone.
func TestMergeSubshellKeepsState(t *testing.T) {
	src := "FROM debian\nRUN cd /src\nRUN make\nRUN cd /out\n"
	res, err := transform.Process("Dockerfile", []byte(src), []*transform.Pass{Pass}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "FROM debian\nRUN ( cd /src ) && \\\n    make && \\\n    cd /out\n"
	if string(res.Output) != want {
		t.Errorf("got\n%s\nwant\n%s", res.Output, want)
	}
}
