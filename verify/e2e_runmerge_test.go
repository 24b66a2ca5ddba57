package verify

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestE2ERunMergeShellChange builds a Dockerfile that makes /bin/sh bash
// and then runs bash syntax, with its run-merge rewrite, on the Debian
// stand-in: both must build and print the same. It also builds the merge
// run-merge used to make (the link merged with the RUNs after it), which
// must fail or print something else under dash: the hazard the refusal rests on.
func TestE2ERunMergeShellChange(t *testing.T) {
	d := e2eDocker(t)
	dir := filepath.Join("testdata", "e2e", "runmerge-sh-link")
	src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	res := rewrite(t, "Dockerfile", src, os.DirFS(dir), "run-merge")
	out := string(res.Output)
	t.Logf("rewritten Dockerfile:\n%s", out)
	if !strings.Contains(out, "ln -sf /bin/bash /bin/sh\nRUN ") {
		t.Fatalf("run-merge merged the RUNs after the /bin/sh link into it:\n%s", out)
	}
	if !res.Changed(src) {
		t.Fatal("run-merge merged nothing: want the RUNs on either side of the link merged")
	}
	standins(t, d, baseImages(src, res.Output))
	ctx := context.Background()
	rep, err := d.Verify(ctx, Config{Original: src, Rewritten: res.Output, Context: dir, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.Write(&b)
	t.Logf("\n%s", b.String())
	if !rep.Original.Build.OK || !rep.Rewritten.Build.OK {
		t.Fatal("both Dockerfiles must build")
	}
	if !rep.SameRun || rep.Original.Run.Stdout != "bash: 1024\nbash-runs-RUN\n" {
		t.Fatalf("want both images to print the bash results, got same=%v original %q", rep.SameRun, rep.Original.Run.Stdout)
	}

	// The old merge: the link and the RUNs after it in one shell, dash.
	naive := strings.Replace(string(src), "/bin/sh\nRUN ", "/bin/sh && \\\n    ", 1)
	naive = strings.Replace(naive, "fi\nRUN ", "fi && \\\n    ", 1)
	rep, err = d.Verify(ctx, Config{Original: src, Rewritten: []byte(naive), Context: dir, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rewritten.Build.OK && rep.SameRun {
		t.Fatalf("merging across the link built and behaved the same; the hazard the refusal rests on did not show:\n%s", naive)
	}
}
