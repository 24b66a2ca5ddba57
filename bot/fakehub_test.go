package bot

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeHub is an httptest server that answers the REST calls the bot makes
// the way GitHub documents them (docs.github.com/rest: pulls, issues
// comments and labels, git refs), for repository owner/repo and one token.
type fakeHub struct {
	t           *testing.T
	srv         *httptest.Server
	owner, repo string
	token       string

	inFlight atomic.Int32 // mutating requests being served

	mu       sync.Mutex
	pulls    []*fakePull
	labels   map[string]bool
	comments map[int][]string
	reqs     []fakeReq

	// knobs
	limited     []http.Header // answers for the next requests: 403/429 with these headers
	raceCreate  bool          // the next create loses a race: the PR appears, the call gets 422
	labelFails  bool          // label calls answer 500
	onDeleteRef func(branch string)
}

type fakePull struct {
	Number int      `json:"number"`
	State  string   `json:"state"`
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Head   string   `json:"-"`
	Base   string   `json:"-"`
	Merged bool     `json:"-"`
	Labels []string `json:"-"`
}

// fakeReq is one request the server got.
type fakeReq struct {
	Method, Path, Query string
	Body                string
}

func (r fakeReq) String() string { return r.Method + " " + r.Path }

func newFakeHub(t *testing.T, owner, repo, token string) *fakeHub {
	f := &fakeHub{t: t, owner: owner, repo: repo, token: token, labels: map[string]bool{}, comments: map[int][]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeHub) url() string { return f.srv.URL + "/" }

// mutations returns the non-GET requests, as "METHOD PATH".
func (f *fakeHub) mutations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var m []string
	for _, r := range f.reqs {
		if r.Method != http.MethodGet {
			m = append(m, r.String())
		}
	}
	return m
}

// query returns the query of the last request with this method and path.
func (f *fakeHub) query(method, path string) url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.reqs) - 1; i >= 0; i-- {
		if f.reqs[i].Method == method && f.reqs[i].Path == path {
			q, _ := url.ParseQuery(f.reqs[i].Query)
			return q
		}
	}
	return nil
}

// last returns the body of the last request with this method and path.
func (f *fakeHub) last(method, path string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.reqs) - 1; i >= 0; i-- {
		if f.reqs[i].Method == method && f.reqs[i].Path == path {
			return f.reqs[i].Body
		}
	}
	f.t.Fatalf("no %s %s request; got %v", method, path, f.reqs)
	return ""
}

// with runs fn (which sets knobs or edits pull requests) under the lock.
func (f *fakeHub) with(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}

func (f *fakeHub) commentsOn(n int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.comments[n])
}

func (f *fakeHub) reset() {
	f.mu.Lock()
	f.reqs = nil
	f.mu.Unlock()
}

// pull returns a copy of pull request n.
func (f *fakeHub) pull(n int) fakePull {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *f.pulls[n-1]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeHub) pullJSON(p *fakePull) map[string]any {
	labels := []map[string]any{}
	for _, l := range p.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	var merged any
	if p.Merged {
		merged = "2026-01-01T00:00:00Z"
	}
	return map[string]any{
		"number": p.Number, "state": p.State, "title": p.Title, "body": p.Body, "merged_at": merged,
		"head":   map[string]any{"ref": p.Head, "label": f.owner + ":" + p.Head},
		"base":   map[string]any{"ref": p.Base},
		"labels": labels,
	}
}

func (f *fakeHub) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodGet {
		// GitHub asks for mutating calls one at a time: a second one
		// arriving while this one is served (held a little) is an error.
		if f.inFlight.Add(1) > 1 {
			f.t.Errorf("mutating request %s %s while another is in flight", r.Method, r.URL.Path)
		}
		defer f.inFlight.Add(-1)
		time.Sleep(5 * time.Millisecond)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, fakeReq{r.Method, r.URL.Path, r.URL.RawQuery, string(body)})
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		writeJSON(w, 401, map[string]any{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	w.Header().Set("X-RateLimit-Limit", "5000")
	if len(f.limited) > 0 {
		h := f.limited[0]
		f.limited = f.limited[1:]
		status := 403
		msg := map[string]any{"message": "API rate limit exceeded for installation.", "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}
		if h.Get("Retry-After") != "" {
			status = 429
			msg = map[string]any{"message": "You have exceeded a secondary rate limit.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}
		}
		for k, v := range h {
			w.Header()[k] = v
		}
		writeJSON(w, status, msg)
		return
	}
	w.Header().Set("X-RateLimit-Remaining", "4999")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))

	prefix := "/repos/" + f.owner + "/" + f.repo + "/"
	path, ok := strings.CutPrefix(r.URL.Path, prefix)
	if !ok {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	parts := strings.Split(path, "/")
	switch {
	case r.Method == "GET" && path == "pulls":
		f.listPulls(w, r)
	case r.Method == "POST" && path == "pulls":
		f.createPull(w, body)
	case r.Method == "PATCH" && len(parts) == 2 && parts[0] == "pulls":
		f.editPull(w, parts[1], body)
	case len(parts) == 3 && parts[0] == "issues" && parts[2] == "comments":
		f.issueComments(w, r.Method, parts[1], body)
	case len(parts) == 2 && parts[0] == "labels" && r.Method == "GET":
		if f.labelFails {
			writeJSON(w, 500, map[string]any{"message": "Server Error"})
		} else if f.labels[parts[1]] {
			writeJSON(w, 200, map[string]any{"name": parts[1]})
		} else {
			writeJSON(w, 404, map[string]any{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/issues/labels#get-a-label"})
		}
	case path == "labels" && r.Method == "POST":
		var l struct{ Name, Color string }
		json.Unmarshal(body, &l)
		if f.labels[l.Name] {
			writeJSON(w, 422, map[string]any{"message": "Validation Failed", "errors": []any{map[string]any{"resource": "Label", "code": "already_exists", "field": "name"}}})
			return
		}
		f.labels[l.Name] = true
		writeJSON(w, 201, map[string]any{"name": l.Name, "color": l.Color})
	case len(parts) == 3 && parts[0] == "issues" && parts[2] == "labels" && r.Method == "POST":
		var names []string
		json.Unmarshal(body, &names)
		n, _ := strconv.Atoi(parts[1])
		if n < 1 || n > len(f.pulls) {
			writeJSON(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		var out []map[string]any
		for _, name := range names {
			f.labels[name] = true // GitHub creates missing labels here too
			f.pulls[n-1].Labels = append(f.pulls[n-1].Labels, name)
			out = append(out, map[string]any{"name": name})
		}
		writeJSON(w, 200, out)
	case r.Method == "DELETE" && strings.HasPrefix(path, "git/refs/heads/"):
		branch := strings.TrimPrefix(path, "git/refs/heads/")
		if f.onDeleteRef != nil {
			f.onDeleteRef(branch)
		}
		w.WriteHeader(204)
	default:
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
	}
}

func (f *fakeHub) listPulls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var out []map[string]any
	for i := len(f.pulls) - 1; i >= 0; i-- { // newest first, as GitHub sorts by default
		p := f.pulls[i]
		if (state == "all" || p.State == state) && (q.Get("head") == "" || q.Get("head") == f.owner+":"+p.Head) {
			out = append(out, f.pullJSON(p))
		}
	}
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, 200, out)
}

func (f *fakeHub) createPull(w http.ResponseWriter, body []byte) {
	var in struct{ Title, Head, Base, Body string }
	if err := json.Unmarshal(body, &in); err != nil || in.Title == "" || in.Head == "" || in.Base == "" {
		writeJSON(w, 422, map[string]any{"message": "Validation Failed"})
		return
	}
	if f.raceCreate {
		f.raceCreate = false
		f.pulls = append(f.pulls, &fakePull{Number: len(f.pulls) + 1, State: "open", Title: "racer", Body: "opened by a concurrent run", Head: in.Head, Base: in.Base})
	}
	for _, p := range f.pulls {
		if p.State == "open" && p.Head == in.Head {
			writeJSON(w, 422, map[string]any{
				"message":           "Validation Failed",
				"errors":            []any{map[string]any{"resource": "PullRequest", "code": "custom", "message": fmt.Sprintf("A pull request already exists for %s:%s.", f.owner, in.Head)}},
				"documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
			})
			return
		}
	}
	p := &fakePull{Number: len(f.pulls) + 1, State: "open", Title: in.Title, Body: in.Body, Head: in.Head, Base: in.Base}
	f.pulls = append(f.pulls, p)
	writeJSON(w, 201, f.pullJSON(p))
}

func (f *fakeHub) editPull(w http.ResponseWriter, num string, body []byte) {
	n, _ := strconv.Atoi(num)
	if n < 1 || n > len(f.pulls) {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	var in struct{ Title, Body, State *string }
	json.Unmarshal(body, &in)
	p := f.pulls[n-1]
	if in.Title != nil {
		p.Title = *in.Title
	}
	if in.Body != nil {
		p.Body = *in.Body
	}
	if in.State != nil {
		p.State = *in.State
	}
	writeJSON(w, 200, f.pullJSON(p))
}

func (f *fakeHub) issueComments(w http.ResponseWriter, method, num string, body []byte) {
	n, _ := strconv.Atoi(num)
	if n < 1 || n > len(f.pulls) {
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	}
	if method == "GET" {
		out := []map[string]any{}
		for i, c := range f.comments[n] {
			out = append(out, map[string]any{"id": i + 1, "body": c})
		}
		writeJSON(w, 200, out)
		return
	}
	var in struct{ Body string }
	json.Unmarshal(body, &in)
	f.comments[n] = append(f.comments[n], in.Body)
	writeJSON(w, 201, map[string]any{"id": len(f.comments[n]), "body": in.Body})
}
