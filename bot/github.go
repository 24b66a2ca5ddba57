package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v93/github"
)

// hub is the bot's GitHub client: the few calls it makes, each retried after
// the wait GitHub asks for (Retry-After, X-RateLimit-Reset) when that wait is
// at most maxWait, and mutating calls made one at a time with at least gap
// between them, as GitHub's REST API best practices ask.
type hub struct {
	c           *github.Client
	owner, repo string

	maxWait time.Duration
	gap     time.Duration
	sleep   func(context.Context, time.Duration) error

	mu      sync.Mutex // held for the whole of a mutating call
	lastMut time.Time
}

// newHub returns a hub for owner/repo at apiURL ("" for github.com),
// authenticated with token when it is not "".
func newHub(apiURL, token, owner, repo string) (*hub, error) {
	opts := []github.ClientOptionsFunc{
		github.WithUserAgent("docklean-bot"),
		github.WithTimeout(time.Minute),
		// The hub waits itself, within bounds, instead of failing early.
		github.WithDisableRateLimitCheck(),
	}
	if token != "" {
		opts = append(opts, github.WithAuthToken(token))
	}
	if apiURL != "" {
		opts = append(opts, github.WithURLs(&apiURL, &apiURL))
	}
	c, err := github.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	return &hub{c: c, owner: owner, repo: repo, maxWait: 5 * time.Minute, gap: time.Second, sleep: sleepCtx}, nil
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// call runs f, waiting and retrying (up to 3 times) when GitHub says the
// rate limit is exhausted. what names the call in errors.
func (h *hub) call(ctx context.Context, mutating bool, what string, f func() (*github.Response, error)) error {
	if mutating {
		h.mu.Lock()
		defer h.mu.Unlock()
		if wait := h.gap - time.Since(h.lastMut); wait > 0 {
			if err := h.sleep(ctx, wait); err != nil {
				return err
			}
		}
		defer func() { h.lastMut = time.Now() }()
	}
	for attempt := 0; ; attempt++ {
		resp, err := f()
		if err == nil {
			return nil
		}
		wait, limited := retryAfter(resp)
		if !limited || attempt == 3 {
			return fmt.Errorf("%s: %w", what, err)
		}
		if wait > h.maxWait {
			return fmt.Errorf("%s: GitHub's rate limit asks to wait %s, more than the %s the bot waits: %w", what, wait.Round(time.Second), h.maxWait, err)
		}
		if err := h.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// retryAfter reads how long a rate-limited response asks to wait: its
// Retry-After seconds, or the time until X-RateLimit-Reset when
// X-RateLimit-Remaining is 0 (GitHub's documented primary and secondary
// limits, answered with 403 or 429).
func retryAfter(resp *github.Response) (time.Duration, bool) {
	if resp == nil || resp.Response == nil || (resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests) {
		return 0, false
	}
	hdr := resp.Header
	if s, err := strconv.Atoi(hdr.Get("Retry-After")); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if hdr.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(hdr.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return max(time.Until(time.Unix(reset, 0)), 0), true
		}
	}
	return 0, false
}

// listAll calls list for every page of a listing, 100 items a page, and
// returns the items of all pages. what names the listing in errors.
func listAll[T any](ctx context.Context, h *hub, what string, list func(github.ListOptions) ([]T, *github.Response, error)) ([]T, error) {
	var all []T
	opts := github.ListOptions{PerPage: 100}
	for {
		var page []T
		var resp *github.Response
		err := h.call(ctx, false, what, func() (r *github.Response, err error) {
			page, resp, err = list(opts)
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if resp.NextPage == 0 {
			return all, nil
		}
		opts.Page = resp.NextPage
	}
}

// pulls lists the pull requests in state ("open", "closed" or "all") whose
// head is branch in the repository itself.
func (h *hub) pulls(ctx context.Context, branch, state string) ([]*github.PullRequest, error) {
	return listAll(ctx, h, "listing pull requests", func(lo github.ListOptions) ([]*github.PullRequest, *github.Response, error) {
		return h.c.PullRequests.List(ctx, h.owner, h.repo, &github.PullRequestListOptions{State: state, Head: h.owner + ":" + branch, ListOptions: lo})
	})
}

// errPullExists is returned by create when GitHub answers 422 because a pull
// request for the branch is already open (a concurrent run created it).
var errPullExists = errors.New("a pull request already exists")

// create opens a pull request from branch to base.
func (h *hub) create(ctx context.Context, base, branch, title, body string) (*github.PullRequest, error) {
	var pr *github.PullRequest
	err := h.call(ctx, true, "creating the pull request", func() (r *github.Response, err error) {
		pr, r, err = h.c.PullRequests.Create(ctx, h.owner, h.repo, github.CreatePullRequest{
			Title: &title, Head: branch, Base: base, Body: &body, MaintainerCanModify: new(true),
		})
		return r, err
	})
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusUnprocessableEntity && alreadyExists(er) {
		return nil, errPullExists
	}
	return pr, err
}

// alreadyExists reports whether a 422 answer says the pull request exists.
func alreadyExists(er *github.ErrorResponse) bool {
	for _, e := range er.Errors {
		if strings.HasPrefix(e.Message, "A pull request already exists") {
			return true
		}
	}
	return false
}

// edit sets the pull request's title and body, or closes it when state is
// "closed".
func (h *hub) edit(ctx context.Context, number int, update *github.PullRequest) error {
	return h.call(ctx, true, fmt.Sprintf("updating pull request #%d", number), func() (r *github.Response, err error) {
		_, r, err = h.c.PullRequests.Edit(ctx, h.owner, h.repo, number, update)
		return r, err
	})
}

// comment adds a comment to an issue or pull request.
func (h *hub) comment(ctx context.Context, number int, body string) error {
	return h.call(ctx, true, fmt.Sprintf("commenting on pull request #%d", number), func() (r *github.Response, err error) {
		_, r, err = h.c.Issues.CreateComment(ctx, h.owner, h.repo, number, github.IssueCommentRequest{Body: body})
		return r, err
	})
}

// comments returns the bodies of the comments on an issue or pull request.
func (h *hub) comments(ctx context.Context, number int) ([]string, error) {
	all, err := listAll(ctx, h, fmt.Sprintf("listing comments of #%d", number), func(lo github.ListOptions) ([]*github.IssueComment, *github.Response, error) {
		return h.c.Issues.ListComments(ctx, h.owner, h.repo, number, &github.IssueListCommentsOptions{ListOptions: lo})
	})
	var bodies []string
	for _, c := range all {
		bodies = append(bodies, c.GetBody())
	}
	return bodies, err
}

// label puts labels on a pull request, creating the ones the repository does
// not have yet.
func (h *hub) label(ctx context.Context, number int, labels []string) error {
	for _, name := range labels {
		var resp *github.Response
		err := h.call(ctx, false, "reading label "+name, func() (r *github.Response, err error) {
			_, resp, err = h.c.Issues.GetLabel(ctx, h.owner, h.repo, name)
			return resp, err
		})
		if err == nil {
			continue
		}
		if resp == nil || resp.StatusCode != http.StatusNotFound {
			return err
		}
		err = h.call(ctx, true, "creating label "+name, func() (r *github.Response, err error) {
			_, r, err = h.c.Issues.CreateLabel(ctx, h.owner, h.repo, github.CreateIssueLabelRequest{
				Name: name, Color: new("0e8a16"), Description: new("Pull requests opened by docklean"),
			})
			return r, err
		})
		if err != nil {
			return err
		}
	}
	return h.call(ctx, true, fmt.Sprintf("labelling pull request #%d", number), func() (r *github.Response, err error) {
		_, r, err = h.c.Issues.AddLabelsToIssue(ctx, h.owner, h.repo, number, labels)
		return r, err
	})
}

// deleteBranch deletes branch in the repository.
func (h *hub) deleteBranch(ctx context.Context, branch string) error {
	return h.call(ctx, true, "deleting branch "+branch, func() (*github.Response, error) {
		return h.c.Git.DeleteRef(ctx, h.owner, h.repo, "heads/"+branch)
	})
}
