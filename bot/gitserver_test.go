package bot

import (
	"encoding/base64"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// gitServer serves bare repositories over git's smart HTTP protocol with
// git http-backend run through net/http/cgi, behind a handler that accepts
// exactly one Authorization header: Basic x-access-token:TOKEN.
type gitServer struct {
	t     *testing.T
	root  string // GIT_PROJECT_ROOT
	url   string // of the owner/repo.git repository
	bare  string // its folder
	token string

	mu         sync.Mutex
	beforePush func() // runs once, before the server tells the next pusher where its branches are
	duringPush func() // runs once, after that, before the pushed objects are received
	denyPush   string // when set, pushes get 403 with this message
}

func newGitServer(t *testing.T, owner, repo, token string) *gitServer {
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		skipOutsideCI(t, "git --exec-path: %v", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		skipOutsideCI(t, "no git http-backend: %v", err)
	}
	s := &gitServer{t: t, root: t.TempDir(), token: token}
	s.bare = filepath.Join(s.root, owner, repo+".git")
	runGit(t, "", "init", "--quiet", "--bare", "--initial-branch=main", s.bare)
	runGit(t, s.bare, "config", "http.receivepack", "true")
	h := &cgi.Handler{Path: backend, Env: []string{"GIT_PROJECT_ROOT=" + s.root, "GIT_HTTP_EXPORT_ALL=1"}}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+token))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Values("Authorization"); len(got) != 1 || got[0] != want {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "Invalid username or token.", http.StatusUnauthorized)
			return
		}
		push := r.URL.Query().Get("service") == "git-receive-pack" || strings.HasSuffix(r.URL.Path, "/git-receive-pack")
		s.mu.Lock()
		deny := s.denyPush
		var hook func()
		switch {
		case push && r.Method == http.MethodGet:
			hook, s.beforePush = s.beforePush, nil
		case push && r.Method == http.MethodPost:
			hook, s.duringPush = s.duringPush, nil
		}
		s.mu.Unlock()
		if push && deny != "" {
			http.Error(w, deny, http.StatusForbidden)
			return
		}
		if hook != nil {
			hook()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL + "/" + owner + "/" + repo + ".git"
	return s
}

// with runs f (which sets the server's knobs) under the server's lock.
func (s *gitServer) with(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// testEnv is the environment of every git command the tests run: no user or
// system configuration, and a fixed identity for commits the tests make.
func testEnv(extra ...string) []string {
	return append(os.Environ(), append([]string{
		"GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Hu Man", "GIT_AUTHOR_EMAIL=human@example.com",
		"GIT_COMMITTER_NAME=Hu Man", "GIT_COMMITTER_EMAIL=human@example.com",
	}, extra...)...)
}

// runGit runs git in dir as a human would and returns its trimmed output.
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = testEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// commitFiles commits files (path → content; "" deletes) on branch of the
// bare repository as a human, without going through the HTTP server, and
// returns the new commit.
func (s *gitServer) commitFiles(branch, msg string, files map[string]string) string {
	t := s.t
	t.Helper()
	work := t.TempDir()
	runGit(t, "", "clone", "--quiet", s.bare, work)
	if runGit(t, work, "ls-remote", "origin", "refs/heads/"+branch) != "" {
		runGit(t, work, "checkout", "--quiet", branch)
	}
	for p, content := range files {
		full := filepath.Join(work, p)
		if content == "" {
			os.Remove(full)
			continue
		}
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runGit(t, work, "add", "-A")
	runGit(t, work, "commit", "--quiet", "-m", msg)
	runGit(t, work, "push", "--quiet", "origin", "HEAD:refs/heads/"+branch)
	return runGit(t, work, "rev-parse", "HEAD")
}

// head returns the tip of branch in the bare repository, "" if none.
func (s *gitServer) head(branch string) string {
	cmd := exec.Command("git", "rev-parse", "--verify", "--quiet", "refs/heads/"+branch)
	cmd.Dir = s.bare
	out, _ := cmd.Output()
	return strings.TrimSpace(string(out))
}

// show returns the content of rev:path in the bare repository.
func (s *gitServer) show(rev, path string) string {
	return runGit(s.t, s.bare, "show", rev+":"+path)
}

// skipOutsideCI skips the test for lack of a tool, or fails it in CI
// (CI=1, set by .ci/run), which installs every tool the tests use.
func skipOutsideCI(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "1" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (CI=1 makes this a failure)", args...)
}
