package verify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/docklean/docklean/transform"
)

// TestE2ERecommends proves issue 14 §6 with real builds on the Debian
// stand-in (apt-get installs from the Debian archive): cache-cleanup adds
// --no-install-recommends to "apt-get install -y git", and keeps
// openssh-client, which git only recommends, because the image runs ssh.
// The rewrite must behave like the original (ssh -V prints the same), and
// the rewrite without the kept package (what cache-cleanup did before)
// must not: that is the hazard the rule rests on.
func TestE2ERecommends(t *testing.T) {
	d := e2eDocker(t)
	src := []byte("FROM debian:bookworm-slim\n" +
		"RUN apt-get update && apt-get install -y git\n" +
		"CMD [\"ssh\", \"-V\"]\n")
	passes, err := transform.Select([]string{"cache-cleanup"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := transform.Process("Dockerfile", src, passes, &transform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.Output)
	t.Logf("rewritten Dockerfile:\n%s", out)
	if !strings.Contains(out, "--no-install-recommends") || !strings.Contains(out, " openssh-client") {
		t.Fatalf("cache-cleanup should add --no-install-recommends and keep openssh-client; got:\n%s", out)
	}
	naive := strings.Replace(out, " openssh-client", "", 1)
	standins(t, d, baseImages(src, res.Output))
	dir := t.TempDir()
	verify := func(a, b string) *Report {
		rep, err := d.Verify(context.Background(), Config{Original: []byte(a), Rewritten: []byte(b), Context: dir, Timeout: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		rep.Write(&sb)
		t.Logf("\n%s", sb.String())
		return rep
	}
	rep := verify(string(src), out)
	if !rep.Original.Build.OK || !rep.Rewritten.Build.OK {
		t.Fatal("both Dockerfiles must build")
	}
	if !rep.SameRun || rep.Original.Run.Exit != 0 || !strings.Contains(rep.Original.Run.Stdout+rep.Original.Run.Stderr, "OpenSSH") {
		t.Fatalf("the rewrite must run ssh -V like the original: original %+v, rewritten %+v", rep.Original.Run, rep.Rewritten.Run)
	}
	bad := verify(string(src), naive)
	if bad.SameRun || bad.Rewritten.Run == nil || bad.Rewritten.Run.Exit == 0 {
		t.Fatalf("without openssh-client the image should not run ssh; rewritten run %+v", bad.Rewritten.Run)
	}
}
