package bot

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docklean/docklean/internal/files"
	"github.com/docklean/docklean/transform"
)

const testToken = "ghs_TESTtoken0123456789abcdef"

// fakeRewrite stands in for the pipeline, so these tests do not depend on
// what the passes do: it swaps FROM debian:12 for alpine:3.24, except in
// files that run dpkg, which it refuses.
func fakeRewrite(path string, src []byte) (*transform.Result, error) {
	res := &transform.Result{Output: src}
	lines := strings.SplitAfter(string(src), "\n")
	for i, l := range lines {
		if strings.Contains(l, "dpkg") {
			res.Findings = []transform.Finding{{Pass: "alpine", File: path, Line: i + 1, Kind: transform.Refused, Message: "the stage runs dpkg, which Alpine does not have"}}
			return res, nil
		}
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "FROM debian:12") {
			lines[i] = strings.Replace(l, "debian:12", "alpine:3.24", 1)
			res.Findings = append(res.Findings, transform.Finding{Pass: "alpine", File: path, Line: i + 1, Kind: transform.Changed, Message: "debian:12 → alpine:3.24"})
		}
	}
	res.Output = []byte(strings.Join(lines, ""))
	return res, nil
}

// world is a GitHub repository (git over smart HTTP plus the REST API) and
// a CI checkout of it.
type world struct {
	t        *testing.T
	git      *gitServer
	hub      *fakeHub
	checkout string
	argv     [][]string
	sleeps   []time.Duration
	logs     strings.Builder
}

// newWorld makes the repository and the checkout; cloneFlags are added to
// the clone command.
func newWorld(t *testing.T, cloneFlags ...string) *world {
	t.Setenv("HOME", t.TempDir()) // no user git configuration
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	w := &world{t: t, git: newGitServer(t, "octo", "app", testToken), hub: newFakeHub(t, "octo", "app", testToken)}
	w.hub.onDeleteRef = func(branch string) { runGit(t, w.git.bare, "update-ref", "-d", "refs/heads/"+branch) }
	w.git.commitFiles("main", "feat: first version", map[string]string{
		"Dockerfile":     "FROM debian:12\nRUN echo hello\n",
		"svc/Dockerfile": "FROM debian:12\nRUN dpkg -i /tmp/x.deb\n",
		"README.md":      "app\n",
	})
	w.git.commitFiles("main", "fix: typo", map[string]string{"README.md": "the app\n"})

	// The CI checkout: cloned with the token in the environment only, and
	// with the credential actions/checkout persists in .git/config (a stale
	// one here), which the bot must override rather than send twice.
	w.checkout = filepath.Join(t.TempDir(), "app")
	cmd := gitCmd(w.git.url, append(append([]string{"clone", "--quiet"}, cloneFlags...), w.git.url, w.checkout)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	srvRoot := strings.TrimSuffix(w.git.url, "/octo/app.git")
	runGit(t, w.checkout, "config", "http."+srvRoot+"/.extraheader", "AUTHORIZATION: basic "+base64.StdEncoding.EncodeToString([]byte("x-access-token:stale")))
	return w
}

func gitCmd(remote string, args ...string) *exec.Cmd {
	c := exec.Command("git", args...)
	c.Env = testEnv(authEnv(remote, testToken)...)
	return c
}

// run runs the bot on the checkout.
func (w *world) run() error {
	var log bytes.Buffer
	w.hub.reset()
	err := Run(context.Background(), Config{
		Dir:     filepath.Join(w.checkout, "svc"),
		Token:   testToken,
		APIURL:  w.hub.url(),
		Rewrite: fakeRewrite,
		Why:     map[string]string{"alpine": "Alpine images are smaller"},
		Out:     &log,
		Log:     &log,
		record:  func(argv []string) { w.argv = append(w.argv, argv) },
		tuneHub: func(h *hub) {
			h.gap = 0
			h.sleep = func(_ context.Context, d time.Duration) error { w.sleeps = append(w.sleeps, d); return nil }
		},
	})
	w.logs.WriteString(log.String())
	if err != nil {
		w.logs.WriteString(err.Error())
	}
	w.t.Logf("bot:\n%s(err: %v)", log.String(), err)
	return err
}

func (w *world) wantMutations(want ...string) {
	w.t.Helper()
	if got := w.hub.mutations(); !slices.Equal(got, want) {
		w.t.Fatalf("API mutations:\n got %q\nwant %q", got, want)
	}
}

func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("request body %q: %v", body, err)
	}
	return m
}

const branch = "refs/heads/" + DefaultBranch

func TestEndToEnd(t *testing.T) {
	w := newWorld(t)
	g := w.git
	botEmail := "41898282+github-actions[bot]@users.noreply.github.com"

	// 1. First run: a branch with one commit on main, a pull request, a label
	// created and put on it. The first API call is rate limited (primary
	// limit, reset in 10 s, far enough that a loaded machine still calls
	// before it): the bot waits (a recorded, not a real, sleep) and retries.
	w.hub.with(func() {
		w.hub.limited = append(w.hub.limited, map[string][]string{
			"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {strconv.FormatInt(time.Now().Add(10*time.Second).Unix(), 10)},
		})
	})
	if err := w.run(); err != nil {
		t.Fatal(err)
	}
	if len(w.sleeps) != 1 || w.sleeps[0] <= 0 || w.sleeps[0] > 11*time.Second {
		t.Errorf("waits for the rate limit = %v, want one of about 10s", w.sleeps)
	}
	w.wantMutations("POST /repos/octo/app/pulls", "POST /repos/octo/app/labels", "POST /repos/octo/app/issues/1/labels")
	tip := g.head(DefaultBranch)
	if parent := runGit(t, g.bare, "rev-parse", tip+"^"); parent != g.head("main") {
		t.Fatalf("bot commit's parent %s, want main %s", parent, g.head("main"))
	}
	if who := runGit(t, g.bare, "log", "-1", "--format=%ae %ce", tip); who != botEmail+" "+botEmail {
		t.Errorf("bot commit by %q", who)
	}
	if got := g.show(tip, "Dockerfile"); got != "FROM alpine:3.24\nRUN echo hello" {
		t.Errorf("rewritten Dockerfile = %q", got)
	}
	if got := g.show(tip, "svc/Dockerfile"); !strings.Contains(got, "debian:12") {
		t.Errorf("refused file changed: %q", got)
	}
	if q := w.hub.query("GET", "/repos/octo/app/pulls"); q.Get("head") != "octo:"+DefaultBranch || q.Get("state") != "all" {
		t.Errorf("pull requests listed with %v, want head=octo:%s&state=all", q, DefaultBranch)
	}
	create := decode(t, w.hub.last("POST", "/repos/octo/app/pulls"))
	wantDiff := files.Diff("Dockerfile", []byte("FROM debian:12\nRUN echo hello\n"), []byte("FROM alpine:3.24\nRUN echo hello\n"))
	prBody, _ := create["body"].(string)
	for _, want := range []string{
		"| `alpine` | 1 | debian:12 → alpine:3.24 | Alpine images are smaller |",
		"- line 2, `alpine`, not changed: the stage runs dpkg, which Alpine does not have",
		"`# docklean:ignore=PASS`", "--skip PASS",
		fingerprintMarker + (&plan{diff: wantDiff}).fingerprint() + " -->",
	} {
		if !strings.Contains(prBody, want) {
			t.Errorf("pull request body lacks %q:\n%s", want, prBody)
		}
	}
	if create["title"] != "chore(docker): slim down Dockerfiles with docklean" || create["head"] != DefaultBranch || create["base"] != "main" {
		t.Errorf("create request = %v", create)
	}
	if l := decode(t, w.hub.last("POST", "/repos/octo/app/labels")); l["name"] != DefaultLabel || l["color"] == "" {
		t.Errorf("label request = %v", l)
	}
	if got := w.hub.last("POST", "/repos/octo/app/issues/1/labels"); got != `["docklean"]`+"\n" {
		t.Errorf("add labels request = %q", got)
	}

	// 2. Nothing new: no push, no API change.
	if err := w.run(); err != nil {
		t.Fatal(err)
	}
	w.wantMutations()
	if g.head(DefaultBranch) != tip {
		t.Fatal("the branch was pushed again with nothing new")
	}

	// 3. main moves on (the checkout does not): the commit is regenerated on
	// the new main and the body updated, as the change grew. GitHub asks for
	// a pause first (secondary limit, Retry-After: 1).
	w.hub.with(func() { w.hub.limited = append(w.hub.limited, map[string][]string{"Retry-After": {"1"}}) })
	newMain := g.commitFiles("main", "feat: worker", map[string]string{"worker/Dockerfile": "FROM debian:12 AS w\n"})
	if err := w.run(); err != nil {
		t.Fatal(err)
	}
	if w.sleeps[len(w.sleeps)-1] != time.Second {
		t.Errorf("Retry-After: 1 waited %v", w.sleeps[len(w.sleeps)-1])
	}
	w.wantMutations("PATCH /repos/octo/app/pulls/1")
	tip = g.head(DefaultBranch)
	if parent := runGit(t, g.bare, "rev-parse", tip+"^"); parent != newMain {
		t.Fatalf("regenerated commit's parent %s, want new main %s", parent, newMain)
	}
	if n := runGit(t, g.bare, "rev-list", "--count", "main.."+tip); n != "1" {
		t.Errorf("%s commits on the branch, want 1", n)
	}
	if edit := decode(t, w.hub.last("PATCH", "/repos/octo/app/pulls/1")); !strings.Contains(edit["body"].(string), "### `worker/Dockerfile`") {
		t.Errorf("updated body lacks the new file: %v", edit["body"])
	}

	// 4. A human pushes to the bot's branch while the bot's push is on its
	// way: the lease makes the server refuse, and the human's commit stays.
	g.commitFiles("main", "docs: readme", map[string]string{"README.md": "the app, documented\n"})
	g.with(func() {
		g.duringPush = func() {
			g.commitFiles(DefaultBranch, "tweak", map[string]string{"Dockerfile": "FROM alpine:3.23\nRUN echo hello\n"})
		}
	})
	err := w.run()
	if !errors.Is(err, errStale) {
		t.Fatalf("run = %v, want the force-with-lease refusal", err)
	}
	human := g.head(DefaultBranch)
	if who := runGit(t, g.bare, "log", "-1", "--format=%an: %s", human); who != "Hu Man: tweak" {
		t.Fatalf("branch at %q, want the human's commit", who)
	}
	w.wantMutations()

	// 5. From now on the branch has someone else's commit: the bot stops
	// updating it and says so once.
	for range 2 {
		if err := w.run(); err != nil {
			t.Fatal(err)
		}
	}
	if g.head(DefaultBranch) != human {
		t.Fatal("the bot overwrote the human's commit")
	}
	if c := w.hub.commentsOn(1); len(c) != 1 || !strings.Contains(c[0], foreignMarker) || !strings.Contains(c[0], "Hu Man") {
		t.Fatalf("comments = %q, want one about the foreign commit", c)
	}

	// 6. The humans close the pull request without merging and delete the
	// branch: the same change is not proposed again.
	w.hub.with(func() { w.hub.pulls[0].State = "closed" })
	runGit(t, g.bare, "update-ref", "-d", branch)
	if err := w.run(); err != nil {
		t.Fatal(err)
	}
	w.wantMutations()
	if g.head(DefaultBranch) != "" {
		t.Fatal("branch pushed for a change the humans closed")
	}
	if !strings.Contains(w.logs.String(), "closed without merging") {
		t.Error("the log does not say why nothing was done")
	}

	// 7. A new change; creating the pull request races with another run
	// (422 "already exists"): the bot finds that pull request and updates
	// it. Labelling fails, which does not fail the run.
	g.commitFiles("main", "feat: api", map[string]string{"api/Dockerfile": "FROM debian:12\n"})
	w.hub.with(func() { w.hub.raceCreate, w.hub.labelFails = true, true })
	if err := w.run(); err != nil {
		t.Fatal(err)
	}
	w.wantMutations("POST /repos/octo/app/pulls", "PATCH /repos/octo/app/pulls/2")
	if p := w.hub.pull(2); p.Title != "chore(docker): slim down Dockerfiles with docklean" || !strings.Contains(p.Body, "### `api/Dockerfile`") {
		t.Errorf("raced pull request not updated: %+v", p)
	}
	if !strings.Contains(w.logs.String(), "warning: could not label pull request #2") {
		t.Error("label failure not reported")
	}
	if g.head(DefaultBranch) == "" {
		t.Fatal("branch not pushed")
	}
	w.hub.with(func() { w.hub.labelFails = false })

	// 8. Everything is lean on main now: the pull request is closed with a
	// comment and the branch deleted.
	g.commitFiles("main", "feat: alpine everywhere", map[string]string{
		"Dockerfile": "FROM alpine:3.24\n", "worker/Dockerfile": "FROM alpine:3.24 AS w\n", "api/Dockerfile": "FROM alpine:3.24\n",
	})
	if err := w.run(); err != nil {
		t.Fatal(err)
	}
	w.wantMutations("POST /repos/octo/app/issues/2/comments", "PATCH /repos/octo/app/pulls/2", "DELETE /repos/octo/app/git/refs/heads/docklean/optimize")
	if decode(t, w.hub.last("PATCH", "/repos/octo/app/pulls/2"))["state"] != "closed" || w.hub.pull(2).State != "closed" {
		t.Error("pull request not closed")
	}
	if g.head(DefaultBranch) != "" {
		t.Error("branch not deleted")
	}

	// 9. No push permission: the server's message is reported.
	g.commitFiles("main", "feat: back to debian", map[string]string{"Dockerfile": "FROM debian:12\n"})
	g.with(func() { g.denyPush = "Permission to octo/app.git denied to docklean-bot." })
	err = w.run()
	if err == nil || !strings.Contains(err.Error(), "Permission to octo/app.git denied to docklean-bot.") {
		t.Fatalf("run = %v, want the server's refusal", err)
	}

	// The token never left the environment of git's child processes.
	cfg, _ := os.ReadFile(filepath.Join(w.checkout, ".git", "config"))
	for _, secret := range secrets(testToken) {
		if strings.Contains(string(cfg), secret) {
			t.Errorf(".git/config holds the token:\n%s", cfg)
		}
		for _, argv := range w.argv {
			if strings.Contains(strings.Join(argv, " "), secret) {
				t.Errorf("git argv holds the token: %q", argv)
			}
		}
		if strings.Contains(w.logs.String(), secret) {
			t.Errorf("logs hold the token:\n%s", w.logs.String())
		}
	}
	if len(w.argv) < 20 || !slices.ContainsFunc(w.argv, func(a []string) bool { return len(a) > 1 && a[1] == "push" }) {
		t.Errorf("argv not recorded: %q", w.argv)
	}
	if remote := runGit(t, w.checkout, "remote", "get-url", "origin"); remote != g.url {
		t.Errorf("remote URL changed to %q", remote)
	}
}

// TestPushLease: a human pushes to the bot's branch after the bot read it
// and before it pushes; git's own --force-with-lease check refuses.
func TestPushLease(t *testing.T) {
	w := newWorld(t)
	g := w.git
	if err := w.run(); err != nil {
		t.Fatal(err)
	}
	g.commitFiles("main", "feat: worker", map[string]string{"worker/Dockerfile": "FROM debian:12\n"})
	g.with(func() {
		g.beforePush = func() { g.commitFiles(DefaultBranch, "mine", map[string]string{"x": "y\n"}) }
	})
	if err := w.run(); !errors.Is(err, errStale) || !strings.Contains(err.Error(), "stale info") {
		t.Fatalf("run = %v, want git's stale-info refusal", err)
	}
	if who := runGit(t, g.bare, "log", "-1", "--format=%an: %s", g.head(DefaultBranch)); who != "Hu Man: mine" {
		t.Fatalf("branch at %q, want the human's commit", who)
	}
}

// TestShallowCheckout: a depth-1 checkout (actions/checkout's default) is
// enough; the bot fetches what it needs, sees its own earlier commit as its
// own, and regenerates it on the new base.
func TestShallowCheckout(t *testing.T) {
	w := newWorld(t, "--depth=1")
	g := w.git
	if err := w.run(); err != nil {
		t.Fatal(err)
	}
	newMain := g.commitFiles("main", "feat: worker", map[string]string{"worker/Dockerfile": "FROM debian:12\n"})
	if err := w.run(); err != nil {
		t.Fatal(err)
	}
	w.wantMutations("PATCH /repos/octo/app/pulls/1")
	if parent := runGit(t, g.bare, "rev-parse", g.head(DefaultBranch)+"^"); parent != newMain {
		t.Fatalf("parent %s, want %s", parent, newMain)
	}
}
