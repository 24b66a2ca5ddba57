package bot

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docklean/docklean/internal/files"
	"github.com/docklean/docklean/transform"
)

var update = flag.Bool("update", false, "rewrite testdata/body.golden.md")

// TestBody renders the pull request body of a plan with a changed file, a
// refused one and one that could not be processed, against a golden file.
func TestBody(t *testing.T) {
	p := &plan{}
	add := func(f *fileChange) {
		p.files = append(p.files, f)
		p.diff = append(p.diff, files.Diff(f.Path, f.Old, f.New)...)
	}
	add(&fileChange{
		Path: "Dockerfile", Old: []byte("FROM debian:12\nRUN a\nRUN b\n"), New: []byte("FROM alpine:3.24\nRUN a && b\n"),
		Findings: []transform.Finding{
			{Pass: "alpine", Line: 1, Kind: transform.Changed, Message: "debian:12 → alpine:3.24"},
			{Pass: "alpine", Line: 2, Kind: transform.Changed, Message: "apt-get install → apk add --no-cache"},
			{Pass: "run-merge", Line: 2, Kind: transform.Changed, Message: "merged RUNs a | b\ninto one"},
			{Pass: "pin", Line: 1, Kind: transform.Info, Message: "alpine:3.24 is supported until 2027"},
		},
		Estimate: "final base image debian:12 (~117 MB) → alpine:3.24 (~8 MB)",
	})
	add(&fileChange{Path: "tools/Dockerfile", Old: []byte("FROM ubuntu\nRUN dpkg -i x.deb\n"), New: []byte("FROM ubuntu\nRUN dpkg -i x.deb\n"),
		Findings: []transform.Finding{{Pass: "alpine", Line: 2, Kind: transform.Refused, Message: "the stage installs a .deb file with dpkg"}}})
	add(&fileChange{Path: "untouched/Dockerfile", Old: []byte("FROM scratch\n"), New: []byte("FROM scratch\n")})
	add(&fileChange{Path: "broken/Dockerfile", Old: []byte("RUNN x\n"), Err: errors.New("line 1: unknown instruction: RUNN")})

	got := body(p, map[string]string{"alpine": "Alpine images are smaller", "run-merge": "fewer layers"})
	golden := filepath.Join("testdata", "body.golden.md")
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("body differs from %s (go test ./bot -run Body -update, then review):\n%s", golden, got)
	}
	if fp := fingerprintOf(got); fp != p.fingerprint() || len(fp) != 64 {
		t.Errorf("fingerprint in body %q, want %q", fp, p.fingerprint())
	}
	if !strings.Contains(commitMessage("T", p), "\n- Dockerfile\n") || strings.Contains(commitMessage("T", p), "tools/") {
		t.Errorf("commit message lists the wrong files:\n%s", commitMessage("T", p))
	}
}

func TestFingerprintOf(t *testing.T) {
	for body, want := range map[string]string{
		"x\n<!-- docklean:fingerprint=abc -->\n": "abc",
		"no marker":                              "",
		"<!-- docklean:fingerprint=":             "",
	} {
		if got := fingerprintOf(body); got != want {
			t.Errorf("fingerprintOf(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestTitle(t *testing.T) {
	plain := "Slim down Dockerfiles with docklean"
	conv := "chore(docker): slim down Dockerfiles with docklean"
	for _, c := range []struct {
		subjects []string
		want     string
	}{
		{nil, plain},
		{[]string{"Add a thing", "Fix it"}, plain},
		{[]string{"feat(api): add", "fix: it", "Merge pull request #3"}, conv},
		{[]string{"feat!: drop v1", "Update README"}, conv},
		{[]string{"Feat: capital", "wip", "x"}, plain},
	} {
		if got := title(c.subjects); got != c.want {
			t.Errorf("title(%q) = %q, want %q", c.subjects, got, c.want)
		}
	}
}

func TestOwnerRepo(t *testing.T) {
	for remote, want := range map[string]string{
		"https://github.com/octo/app.git":             "octo/app",
		"https://github.com/octo/app":                 "octo/app",
		"git@github.com:octo/app.git":                 "octo/app",
		"ssh://git@github.example.com/octo/app.git":   "octo/app",
		"https://ghe.example.com/scm/octo/app.git/":   "octo/app",
		"http://127.0.0.1:8080/octo/app.git":          "octo/app",
		"https://github.com/app.git":                  "",
		"/srv/git/app.git":                            "git/app",
		"https://x-access-token:s@github.com/o/r.git": "o/r",
	} {
		o, r, err := ownerRepo(remote)
		got := o + "/" + r
		if err != nil {
			got = ""
		}
		if got != want {
			t.Errorf("ownerRepo(%q) = %q, %v; want %q", remote, got, err, want)
		}
	}
}

func TestParseIdentity(t *testing.T) {
	id, err := parseIdentity(DefaultAuthor)
	if err != nil || id.name != "github-actions[bot]" || id.email != "41898282+github-actions[bot]@users.noreply.github.com" {
		t.Errorf("parseIdentity(DefaultAuthor) = %+v, %v", id, err)
	}
	for _, bad := range []string{"", "name only", "<a@b.c>", "Name <not-an-email>", "Name <a@b.c> trailing"} {
		if _, err := parseIdentity(bad); err == nil {
			t.Errorf("parseIdentity(%q) accepted", bad)
		}
	}
}

func TestAuthEnv(t *testing.T) {
	env := authEnv("https://github.com/octo/app.git", "tok")
	want := []string{
		"GIT_CONFIG_COUNT=2",
		"GIT_CONFIG_KEY_0=http.https://github.com/.extraHeader", "GIT_CONFIG_VALUE_0=",
		"GIT_CONFIG_KEY_1=http.https://github.com/.extraHeader", "GIT_CONFIG_VALUE_1=Authorization: Basic eC1hY2Nlc3MtdG9rZW46dG9r",
	}
	if !slices.Equal(env, want) {
		t.Errorf("authEnv = %q, want %q", env, want)
	}
	for _, remote := range []string{"git@github.com:octo/app.git", "/srv/app.git"} {
		if env := authEnv(remote, "tok"); env != nil {
			t.Errorf("authEnv(%q) = %q, want none: the header is for http(s) remotes", remote, env)
		}
	}
	if env := authEnv("https://github.com/o/r", ""); env != nil {
		t.Errorf("authEnv without token = %q", env)
	}
}

// TestDockerfilesInTree: the commit's files are picked by the CLI walk's
// rules, and the exclude function sees folders and files under the root.
func TestDockerfilesInTree(t *testing.T) {
	entry := func(mode, path string) string {
		return mode + " blob 0123456789abcdef0123456789abcdef01234567\t" + path
	}
	tree := strings.Join([]string{
		entry("100644", "Dockerfile"),
		entry("100755", "a/web.Dockerfile"),
		entry("100644", "a/README.md"),
		entry("120000", "b/Dockerfile"), // a symbolic link
		entry("100644", "vendor/x/Dockerfile"),
		entry("100644", "node_modules/Dockerfile"),
		entry("100644", "legacy/Dockerfile"),
		entry("100644", "c/Containerfile"),
		entry("100644", "c/Dockerfile.dockerignore"),
	}, "\x00") + "\x00"
	root := filepath.FromSlash("/repo")
	var asked []string
	got := dockerfiles(tree, root, func(p string) bool {
		asked = append(asked, filepath.ToSlash(p))
		return filepath.Base(p) == "legacy"
	})
	if want := []string{"Dockerfile", "a/web.Dockerfile", "c/Containerfile"}; !slices.Equal(got, want) {
		t.Errorf("dockerfiles = %q, want %q", got, want)
	}
	if !slices.Contains(asked, "/repo/a") || !slices.Contains(asked, "/repo/a/web.Dockerfile") {
		t.Errorf("exclude asked about %q", asked)
	}
}

// TestRateLimitWaits: the hub waits as long as GitHub asks, within maxWait,
// and gives up with a clear error beyond it.
func TestRateLimitWaits(t *testing.T) {
	f := newFakeHub(t, "octo", "app", testToken)
	h, err := newHub(f.url(), testToken, "octo", "app")
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	h.gap, h.maxWait = 0, time.Minute
	h.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }

	f.with(func() { f.limited = []http.Header{{"Retry-After": {"3"}}, {"Retry-After": {"0"}}} })
	if _, err := h.pulls(context.Background(), DefaultBranch, "all"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(waits, []time.Duration{3 * time.Second, 0}) {
		t.Errorf("waits = %v, want [3s 0s]", waits)
	}

	waits = nil
	f.with(func() { f.limited = []http.Header{{"Retry-After": {"3600"}}} })
	_, err = h.create(context.Background(), "main", DefaultBranch, "t", "b")
	if err == nil || !strings.Contains(err.Error(), "asks to wait 1h0m0s, more than the 1m0s") {
		t.Errorf("create = %v, want a too-long-wait error", err)
	}
	if len(waits) != 0 || len(f.mutations()) != 1 {
		t.Errorf("waited %v and made %q after a too-long wait", waits, f.mutations())
	}

	// Four limited answers in a row: three retries, then the error.
	f.with(func() {
		f.limited = []http.Header{{"Retry-After": {"1"}}, {"Retry-After": {"1"}}, {"Retry-After": {"1"}}, {"Retry-After": {"1"}}}
	})
	if _, err := h.pulls(context.Background(), DefaultBranch, "all"); err == nil {
		t.Error("no error after four rate-limited answers")
	}
	// A 403 that is not about rate limits is not retried.
	if _, err := newFakeHubWithToken(t, "wrong").pulls(context.Background(), DefaultBranch, "all"); err == nil || !strings.Contains(err.Error(), "Bad credentials") {
		t.Errorf("bad token: %v", err)
	}
}

func newFakeHubWithToken(t *testing.T, token string) *hub {
	f := newFakeHub(t, "octo", "app", testToken)
	h, err := newHub(f.url(), token, "octo", "app")
	if err != nil {
		t.Fatal(err)
	}
	h.sleep = func(context.Context, time.Duration) error { t.Error("waited for a non-rate-limit error"); return nil }
	return h
}

// TestPacing: mutating calls are at least gap apart.
func TestPacing(t *testing.T) {
	f := newFakeHub(t, "octo", "app", testToken)
	h, _ := newHub(f.url(), testToken, "octo", "app")
	var waits []time.Duration
	h.gap = time.Hour
	h.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	ctx := context.Background()
	if _, err := h.create(ctx, "main", DefaultBranch, "t", "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.pulls(ctx, DefaultBranch, "all"); err != nil {
		t.Fatal(err)
	}
	if err := h.comment(ctx, 1, "hi"); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] < 59*time.Minute {
		t.Errorf("waits = %v, want one of about the gap before the second mutating call", waits)
	}
}

// TestMeasuredSize: with Measure, a changed file's size line is the measured
// one; a failed measurement keeps the estimate and says why; unchanged files
// are never built.
func TestMeasuredSize(t *testing.T) {
	read := func(path string) ([]byte, error) {
		if path == "same/Dockerfile" {
			return []byte("FROM scratch\n"), nil
		}
		return []byte("FROM debian:12\n"), nil
	}
	var built []string
	c := &Config{Rewrite: fakeRewrite, Measure: func(path string, old, new []byte) (string, error) {
		built = append(built, filepath.ToSlash(path))
		if strings.Contains(path, "broken") {
			return "", errors.New("the rewritten file did not build: RUN make")
		}
		return "measured: 117 MB → 8.3 MB, 3 → 2 layers", nil
	}}
	p := makePlan("/repo", c, []string{"app/Dockerfile", "broken/Dockerfile", "same/Dockerfile"}, read)
	if got := p.files[0].Estimate; got != "measured: 117 MB → 8.3 MB, 3 → 2 layers" {
		t.Errorf("measured file: %q", got)
	}
	if got := p.files[1].Estimate; !strings.Contains(got, "(not measured: the rewritten file did not build: RUN make)") {
		t.Errorf("failed measurement: %q", got)
	}
	if strings.Join(built, " ") != "/repo/app/Dockerfile /repo/broken/Dockerfile" {
		t.Errorf("built %v, want only the changed files", built)
	}
}
