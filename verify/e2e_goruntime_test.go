package verify

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
)

// TestE2EGoRuntime proves that go-multistage's scratch runtime gives the
// program what the golang image gave it: a user database, a home and a
// writable /tmp (issue 19). go-user calls user.Current and os.CreateTemp and
// prints who it is: the pass keeps root, and the output must be the same
// word for word. go-nonroot writes to os.TempDir and os.UserCacheDir as the
// non-root user 65532 the pass switches it to.
func TestE2EGoRuntime(t *testing.T) {
	d := e2eDocker(t)
	cases := []struct {
		name string
		want *regexp.Regexp // the original's output
		user string         // the USER the rewrite must have ("" for none)
	}{
		{"go-user", regexp.MustCompile(`^running as root \(uid 0\) home /root HOME=/root temp /tmp\n$`), ""},
		{"go-nonroot", regexp.MustCompile(`^temp file holds "scratch data", cache holds "cached"\n$`), "65532:65532"},
	}
	gm, err := passes.Select([]string{"go-multistage"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "e2e", c.name)
			src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			opts := optionsOf("go-runtime", "scratch")
			opts.Context = os.DirFS(dir)
			res, err := transform.Process(c.name+"/Dockerfile", src, gm, &opts)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Changed(src) {
				t.Fatalf("go-multistage left the Dockerfile unchanged; findings: %v", res.Findings)
			}
			out := string(res.Output)
			t.Logf("rewritten Dockerfile:\n%s", out)
			hasUser := strings.Contains(out, "\nUSER ")
			if c.user == "" && hasUser || c.user != "" && !strings.Contains(out, "\nUSER "+c.user+"\n") {
				t.Fatalf("want USER %q in the runtime stage", c.user)
			}
			standins(t, d, baseImages(src, res.Output))
			rep, err := d.Verify(context.Background(), Config{
				Original: src, Rewritten: res.Output, Context: dir, Timeout: time.Minute,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Original.Build.OK || !rep.Rewritten.Build.OK {
				t.Fatalf("both Dockerfiles must build: %s\n%s", rep.Original.Build.Log, rep.Rewritten.Build.Log)
			}
			o, n := rep.Original.Run, rep.Rewritten.Run
			t.Logf("original: %+v\nrewritten: %+v", o, n)
			if !c.want.MatchString(o.Stdout) {
				t.Fatalf("the original printed %q, want %s: the fixture does not test what it should", o.Stdout, c.want)
			}
			if !rep.SameRun || o.Stdout != n.Stdout {
				t.Fatalf("the rewritten image must print what the original prints")
			}
			if o, n := rep.Original.Image.Size, rep.Rewritten.Image.Size; o < 20*n {
				t.Errorf("rewritten image is %s, original %s: want at least 20× smaller", humanSize(n), humanSize(o))
			}
		})
	}
}

// TestE2EGoRuntimeAlpineUser runs the RUN line go-multistage emits to create
// the non-root user in an alpine runtime, in the real Alpine 3.20.3 root file
// system (BusyBox addgroup/adduser), and checks that the user exists with its
// home, as user.Current and Docker's HOME see it.
func TestE2EGoRuntimeAlpineUser(t *testing.T) {
	d := e2eDocker(t)
	ctx := context.Background()
	realAlpine(t)
	img := alpineImage
	dir := filepath.Join("testdata", "e2e", "go-nonroot")
	src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	gm, err := passes.Select([]string{"go-multistage"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := optionsOf("go-runtime", "alpine")
	opts.Context = os.DirFS(dir)
	res, err := transform.Process("go-nonroot/Dockerfile", src, gm, &opts)
	if err != nil {
		t.Fatal(err)
	}
	var run string
	for _, l := range strings.Split(string(res.Output), "\n") {
		if strings.HasPrefix(l, "RUN addgroup") {
			run = l
		}
	}
	if run == "" {
		t.Fatalf("no RUN addgroup in the alpine runtime:\n%s", res.Output)
	}
	df := "FROM " + img + "\n" + run + "\nUSER 65532:65532\nCMD [\"sh\", \"-c\", \"id; echo HOME=$HOME; ls -ldn $HOME | cut -c1-30; touch $HOME/x /tmp/x && echo writable\"]\n"
	tag := "docklean-e2e/goruntime-alpine-user:test"
	cmd := d.command(ctx, strings.NewReader(df), "build", "-q", "-t", tag, "-")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %q in the real Alpine: %v\n%s", run, err, out)
	}
	defer d.output(context.WithoutCancel(ctx), "image", "rm", tag)
	r := d.run(ctx, tag, "docklean-goruntime-alpine-user", nil, time.Minute, nil)
	t.Logf("%s: %+v", run, r)
	want := regexp.MustCompile(`^uid=65532\(nonroot\) gid=65532\(nonroot\)[^\n]*\nHOME=/home/nonroot\ndrwx\S* +\d+ 65532 +65532\s*\nwritable\n$`)
	if r.Exit != 0 || !want.MatchString(r.Stdout) {
		t.Fatalf("user check printed %q (exit %d), want %s", r.Stdout, r.Exit, want)
	}
}
