package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/go-github/v93/github"
)

// live does a run that pushes and talks to GitHub.
func live(ctx context.Context, c *Config, g *git, top, base string, author identity) error {
	remoteURL, err := g.line(ctx, "remote", "get-url", c.Remote)
	if err != nil {
		return fmt.Errorf("no git remote %q: %v", c.Remote, err)
	}
	owner, repo, err := splitRepo(c.Repo)
	if c.Repo == "" {
		owner, repo, err = ownerRepo(remoteURL)
	}
	if err != nil {
		return err
	}
	g.auth, g.secret = authEnv(remoteURL, c.Token), secrets(c.Token)

	heads, err := g.remoteHeads(ctx, c.Remote, base, c.Branch)
	if err != nil {
		return err
	}
	baseSha, tip := heads[base], heads[c.Branch]
	if baseSha == "" {
		return fmt.Errorf("the remote has no branch %q to base the pull request on", base)
	}
	fetch := []string{base}
	if tip != "" {
		fetch = append(fetch, c.Branch)
	}
	if err := g.fetch(ctx, c.Remote, fetch...); err != nil {
		return err
	}
	p, err := planAt(ctx, c, g, top, baseSha)
	if err != nil {
		return err
	}

	h, err := newHub(c.APIURL, c.Token, owner, repo)
	if err != nil {
		return err
	}
	if c.tuneHub != nil {
		c.tuneHub(h)
	}
	pulls, err := h.pulls(ctx, c.Branch, "all")
	if err != nil {
		return err
	}
	var foreign []string
	if tip != "" {
		if foreign, err = g.foreignCommits(ctx, baseSha, tip, author); err != nil {
			return err
		}
	}

	if len(p.changed()) == 0 {
		return retire(ctx, c, h, pulls, tip, foreign)
	}
	fp := p.fingerprint()
	open, rejected := pullState(pulls, fp)
	if open == nil && rejected != nil {
		fmt.Fprintf(c.Log, "Pull request #%d proposed this same change and was closed without merging; not proposing it again.\n", rejected.GetNumber())
		return nil
	}
	if len(foreign) > 0 {
		return stopForeign(ctx, c, h, open, foreign)
	}

	t := titleAt(ctx, g, baseSha)
	commit, err := g.commitTree(ctx, baseSha, p.changed(), commitMessage(t, p), author)
	if err != nil {
		return err
	}
	if same, err := sameChange(ctx, g, tip, commit); err != nil {
		return err
	} else if same {
		fmt.Fprintf(c.Log, "Branch %s already has this change on %.12s.\n", c.Branch, baseSha)
	} else {
		if err := g.push(ctx, c.Remote, c.Branch, tip, commit); err != nil {
			return fmt.Errorf("pushing %s: %w", c.Branch, err)
		}
		fmt.Fprintf(c.Log, "Pushed %.12s to %s (based on %s at %.12s).\n", commit, c.Branch, base, baseSha)
	}

	pr, err := propose(ctx, c, h, open, base, t, body(p, c.Why), fp)
	if err != nil {
		return err
	}
	if missing := missingLabels(pr, c.Labels); len(missing) > 0 {
		if err := h.label(ctx, pr.GetNumber(), missing); err != nil {
			fmt.Fprintf(c.Log, "warning: could not label pull request #%d: %v\n", pr.GetNumber(), err)
		}
	}
	return nil
}

// missingLabels returns the labels in want that pr does not have.
func missingLabels(pr *github.PullRequest, want []string) []string {
	var missing []string
	for _, w := range want {
		if !slices.ContainsFunc(pr.Labels, func(l *github.Label) bool { return l.GetName() == w }) {
			missing = append(missing, w)
		}
	}
	return missing
}

// splitRepo splits --repo's OWNER/NAME; "" gives "", "" and no error.
func splitRepo(s string) (string, string, error) {
	owner, name, ok := strings.Cut(s, "/")
	if s != "" && (!ok || owner == "" || name == "" || strings.Contains(name, "/")) {
		return "", "", fmt.Errorf("--repo %q: want OWNER/NAME", s)
	}
	return owner, name, nil
}

// sameChange reports whether the branch tip is commit but for its dates:
// same tree, same parents.
func sameChange(ctx context.Context, g *git, tip, commit string) (bool, error) {
	if tip == "" {
		return false, nil
	}
	want, err := g.run(ctx, "rev-parse", commit+"^{tree}", commit+"^@")
	if err != nil {
		return false, err
	}
	have, err := g.run(ctx, "rev-parse", tip+"^{tree}", tip+"^@")
	return want == have, err
}

// propose updates the open pull request when the change differs from the one
// it describes, or creates one; a create that loses a race with another run
// (422, already exists) finds that pull request and updates it.
func propose(ctx context.Context, c *Config, h *hub, open *github.PullRequest, base, title, body, fp string) (*github.PullRequest, error) {
	if open == nil {
		pr, err := h.create(ctx, base, c.Branch, title, body)
		if err == nil {
			fmt.Fprintf(c.Log, "Opened pull request #%d.\n", pr.GetNumber())
			return pr, nil
		}
		if !errors.Is(err, errPullExists) {
			return nil, err
		}
		pulls, err := h.pulls(ctx, c.Branch, "open")
		if err != nil {
			return nil, err
		}
		if open, _ = pullState(pulls, ""); open == nil {
			return nil, errors.New("GitHub says a pull request for the branch exists but does not list it; run the bot again")
		}
	}
	if fingerprintOf(open.GetBody()) == fp && open.GetTitle() == title {
		fmt.Fprintf(c.Log, "Pull request #%d is up to date.\n", open.GetNumber())
		return open, nil
	}
	if err := h.edit(ctx, open.GetNumber(), &github.PullRequest{Title: &title, Body: &body}); err != nil {
		return nil, err
	}
	fmt.Fprintf(c.Log, "Updated pull request #%d.\n", open.GetNumber())
	return open, nil
}

// retire closes the bot's open pull request, with a comment, when there is
// nothing to change any more, and deletes the branch unless someone else
// committed to it.
func retire(ctx context.Context, c *Config, h *hub, pulls []*github.PullRequest, tip string, foreign []string) error {
	open, _ := pullState(pulls, "")
	if open == nil {
		fmt.Fprintf(c.Log, "Nothing to change: no branch, no pull request.\n")
		return nil
	}
	if err := h.comment(ctx, open.GetNumber(), closingComment); err != nil {
		return err
	}
	if err := h.edit(ctx, open.GetNumber(), &github.PullRequest{State: new("closed")}); err != nil {
		return err
	}
	fmt.Fprintf(c.Log, "Nothing to change any more: closed pull request #%d.\n", open.GetNumber())
	if tip == "" {
		return nil
	}
	if len(foreign) > 0 {
		fmt.Fprintf(c.Log, "Kept branch %s: it has commits by others.\n", c.Branch)
		return nil
	}
	if err := h.deleteBranch(ctx, c.Branch); err != nil {
		return err
	}
	fmt.Fprintf(c.Log, "Deleted branch %s.\n", c.Branch)
	return nil
}

// stopForeign leaves a branch someone else committed to alone, and says so
// once on the pull request.
func stopForeign(ctx context.Context, c *Config, h *hub, open *github.PullRequest, foreign []string) error {
	fmt.Fprintf(c.Log, "Not updating %s: it has commits by someone other than the bot (%s).\n", c.Branch, strings.Join(foreign, ", "))
	if open == nil {
		return nil
	}
	comments, err := h.comments(ctx, open.GetNumber())
	if err != nil {
		return err
	}
	for _, body := range comments {
		if strings.Contains(body, foreignMarker) {
			return nil
		}
	}
	return h.comment(ctx, open.GetNumber(), foreignComment(c.Branch, foreign))
}
