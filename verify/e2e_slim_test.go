package verify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fullStandin stands in for buildpack-deps:bookworm, the base of the full
// python, node and ruby images: the debian:bookworm-slim stand-in with the
// packages of buildpack-deps' curl, scm and full layers installed from
// Debian's archive (the list the slim pass reads, transform/data/slim-layers.tsv).
func fullStandin(t *testing.T, d *Docker) string {
	t.Helper()
	standins(t, d, []string{"debian:bookworm-slim"})
	data, err := os.ReadFile(filepath.Join("..", "transform", "data", "slim-layers.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Split(l, "\t")
		if len(f) == 2 && (f[0] == "curl" || f[0] == "scm" || f[0] == "full") {
			pkgs = append(pkgs, f[1])
		}
	}
	if len(pkgs) < 40 {
		t.Fatalf("slim-layers.tsv lists %d buildpack-deps packages, want the whole set", len(pkgs))
	}
	base, err := d.output(context.Background(), "image", "inspect", "--format", "{{.Id}}", "debian:bookworm-slim")
	if err != nil {
		t.Fatal(err)
	}
	standinMu.Lock()
	defer standinMu.Unlock()
	return cachedImage(t, d, "buildpack-deps", append([]string{base}, pkgs...), func(tag string) {
		df := "FROM debian:bookworm-slim\n" +
			"RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends " + strings.Join(pkgs, " ") + " && rm -rf /var/lib/apt/lists/*\n" +
			"LABEL " + standinLabel + "=buildpack-deps\n"
		cmd := d.command(context.Background(), strings.NewReader(df), "build", "-q", "-t", tag, "-")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building the buildpack-deps stand-in: %v\n%s", err, tail(string(out), 30))
		}
	})
}

// TestE2ESlim rewrites a stage on the full image that uses curl and git
// with the slim pass, and checks that the result builds on
// debian:bookworm-slim with just those packages, runs the same and is
// smaller.
func TestE2ESlim(t *testing.T) {
	d := e2eDocker(t)
	img := fullStandin(t, d)
	if _, err := d.output(context.Background(), "tag", img, "buildpack-deps:bookworm"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "e2e", "slim-curl-git")
	src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	res := rewrite(t, "slim-curl-git/Dockerfile", src, os.DirFS(dir), "slim")
	out := string(res.Output)
	t.Logf("rewritten Dockerfile:\n%s", out)
	if !strings.Contains(out, "FROM debian:bookworm-slim") || !strings.Contains(out, "install -y --no-install-recommends ca-certificates curl git ") {
		t.Fatalf("want debian:bookworm-slim with ca-certificates, curl and git installed; findings: %v", res.Findings)
	}
	rep, err := d.Verify(context.Background(), Config{
		Original: src, Rewritten: res.Output, Context: dir, Timeout: time.Minute, Compressed: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.Write(&b)
	t.Logf("\n%s", b.String())
	if !rep.Original.Build.OK || !rep.Rewritten.Build.OK {
		t.Fatal("both Dockerfiles must build")
	}
	if !rep.SameRun {
		t.Fatal("the rewritten image must behave like the original")
	}
	if out := rep.Rewritten.Run.Stdout; rep.Rewritten.Run.Exit != 0 || !strings.Contains(out, "hello\nfirst commit\ngit version") || !strings.Contains(out, "curl ") {
		t.Fatalf("the smoke run must use curl and git; it printed %q (exit %d)", out, rep.Rewritten.Run.Exit)
	}
	t.Logf("smoke output of both:\n%s", rep.Rewritten.Run.Stdout)
	if o, n := rep.Original.Image.Size, rep.Rewritten.Image.Size; n*2 > o {
		t.Errorf("rewritten image is %s, original %s: want at least 2× smaller", humanSize(n), humanSize(o))
	}
	t.Logf("\n| fixture | size before → after | compressed | layers | build time |\n| --- | --- | --- | --- | --- |\n%s", tableRow("slim-curl-git", rep))
}
