// Package bot proposes docklean's rewrite of a repository as one pull
// request, and keeps that pull request up to date: it finds the Dockerfiles
// in a git checkout, rewrites them, commits the result on a branch it owns
// (regenerated from the current base on every run, pushed with
// --force-with-lease), and opens, updates or closes the pull request through
// the GitHub API.
package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
	"github.com/google/go-github/v93/github"
)

// Defaults for Config.
const (
	DefaultBranch = "docklean/optimize"
	DefaultAuthor = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
	DefaultLabel  = "docklean"
)

// Config is one bot run.
type Config struct {
	Dir        string   // a folder in the git checkout
	Branch     string   // the bot's branch; "" means DefaultBranch
	Base       string   // the branch to propose to; "" means the checked-out branch
	Remote     string   // the git remote; "" means origin
	Repo       string   // "owner/name" on GitHub; "" means read from the remote's URL
	APIURL     string   // GitHub API root; "" means https://api.github.com/
	Token      string   // GitHub token; needed unless DryRun
	DryRun     bool     // print what would be done; touch nothing
	AllowDirty bool     // run even if the working tree has uncommitted changes
	Author     string   // commit author and committer, "Name <email>"; "" means DefaultAuthor
	Labels     []string // labels for the pull request; nil means DefaultLabel

	// Exclude, if set, is asked about every file and folder of the walk (its
	// path on disk) and leaves out those it returns true for: the seam for
	// per-repository configuration.
	Exclude func(path string) bool
	// Rewrite rewrites one Dockerfile, read from the base commit; path is
	// where it is in the checkout. The CLI runs the pipeline; tests inject
	// their own.
	Rewrite func(path string, src []byte) (*transform.Result, error)
	// Measure, when set, builds a changed file before and after with the
	// local Docker engine and returns the measured sizes ("measured: 912 MB
	// → 9.8 MB, 11 → 4 layers"); the pull request shows them instead of the
	// estimate. path is the file's path on disk, for its build context.
	Measure func(path string, old, new []byte) (string, error)
	// Why maps a pass name to why it changes things; nil means the summaries
	// of passes.All().
	Why map[string]string

	Out io.Writer // the dry-run report
	Log io.Writer // progress and warnings

	record  func(argv []string) // tests: sees every git argv
	tuneHub func(*hub)          // tests: rate-limit waits and pacing
}

// identity is a git author.
type identity struct{ name, email string }

// parseIdentity parses "Name <email>".
func parseIdentity(s string) (identity, error) {
	name, email, ok := strings.Cut(s, "<")
	name, email = strings.TrimSpace(name), strings.TrimSuffix(strings.TrimSpace(email), ">")
	if !ok || name == "" || !strings.Contains(email, "@") || strings.ContainsAny(email, "<> \n") || !strings.HasSuffix(s, ">") {
		return identity{}, fmt.Errorf("--author %q: want \"Name <email>\"", s)
	}
	return identity{name, email}, nil
}

// defaults fills in the fields left empty.
func (c *Config) defaults() {
	if c.Branch == "" {
		c.Branch = DefaultBranch
	}
	if c.Remote == "" {
		c.Remote = "origin"
	}
	if c.Author == "" {
		c.Author = DefaultAuthor
	}
	if c.Labels == nil {
		c.Labels = []string{DefaultLabel}
	}
	if c.Why == nil {
		c.Why = map[string]string{}
		for _, p := range passes.All() {
			c.Why[p.Name] = p.Summary()
		}
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

// Run does one bot run.
func Run(ctx context.Context, c Config) error {
	c.defaults()
	author, err := parseIdentity(c.Author)
	if err != nil {
		return err
	}
	if !c.DryRun && c.Token == "" {
		return errors.New("no GitHub token: set GITHUB_TOKEN (or the variable named by --token-env), or use --dry-run")
	}
	g := &git{dir: c.Dir, record: c.record}
	top, err := g.line(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return fmt.Errorf("%s is not in a git repository: %v", c.Dir, err)
	}
	g.dir = top
	if !c.AllowDirty {
		st, err := g.run(ctx, "status", "--porcelain", "--untracked-files=no")
		if err != nil {
			return err
		}
		if st != "" {
			return fmt.Errorf("the working tree has uncommitted changes:\n%scommit or stash them, or pass --allow-dirty", st)
		}
	}
	base := c.Base
	if base == "" {
		if base, err = g.line(ctx, "symbolic-ref", "--quiet", "--short", "HEAD"); err != nil {
			return errors.New("HEAD is detached, so the base branch is unknown: pass --base BRANCH")
		}
	}
	if c.DryRun {
		return dryRun(ctx, &c, g, top, base)
	}
	return live(ctx, &c, g, top, base, author)
}

// planAt rewrites the Dockerfiles of commit.
func planAt(ctx context.Context, c *Config, g *git, top, commit string) (*plan, error) {
	tree, err := g.run(ctx, "ls-tree", "-r", "-z", commit)
	if err != nil {
		return nil, err
	}
	p := makePlan(top, c, dockerfiles(tree, top, c.Exclude), func(path string) ([]byte, error) {
		s, err := g.run(ctx, "cat-file", "blob", commit+":"+path)
		return []byte(s), err
	})
	for _, f := range p.files {
		if f.Err != nil {
			fmt.Fprintf(c.Log, "warning: %s: %v\n", f.Path, f.Err)
		}
	}
	return p, nil
}

// dryRun prints what a live run would push and propose for the base
// branch, reading it locally (or from the remote-tracking branch), and
// touches nothing.
func dryRun(ctx context.Context, c *Config, g *git, top, base string) error {
	commit := "HEAD"
	if c.Base != "" {
		commit = base
		if _, err := g.run(ctx, "rev-parse", "--verify", "--quiet", base+"^{commit}"); err != nil {
			commit = c.Remote + "/" + base
		}
	}
	p, err := planAt(ctx, c, g, top, commit)
	if err != nil {
		return err
	}
	if len(p.changed()) == 0 {
		fmt.Fprintf(c.Out, "Nothing to change: no branch, no pull request.\n")
		return nil
	}
	t := titleAt(ctx, g, commit)
	fmt.Fprintf(c.Out, "Dry run: nothing was pushed and no pull request was touched.\n\n")
	fmt.Fprintf(c.Out, "Branch: %s (based on %s)\n\n", c.Branch, base)
	fmt.Fprintf(c.Out, "Commit message:\n%s\n", indent(commitMessage(t, p)))
	fmt.Fprintf(c.Out, "Pull request title: %s\n\n", t)
	fmt.Fprintf(c.Out, "Pull request body:\n%s\n", indent(body(p, c.Why)))
	fmt.Fprintf(c.Out, "Diff:\n%s", p.diff)
	return nil
}

// titleAt is the title for a change on commit, in the style of its 20
// latest subjects.
func titleAt(ctx context.Context, g *git, commit string) string {
	subjects, _ := g.run(ctx, "log", "-n", "20", "--format=%s", commit)
	return title(lines(subjects))
}

// lines splits s into lines, ignoring leading and trailing white space.
func lines(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// indent indents each non-empty line of s by four spaces.
func indent(s string) string {
	var b strings.Builder
	for _, l := range lines(strings.TrimRight(s, "\n")) {
		if l != "" {
			b.WriteString("    ")
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// ownerRepo reads "owner/name" from a remote URL: https://host/owner/name.git,
// ssh://git@host/owner/name or git@host:owner/name.git.
func ownerRepo(remote string) (string, string, error) {
	path := remote
	if u, err := url.Parse(remote); err == nil && u.Scheme != "" && u.Host != "" {
		path = u.Path
	} else if _, after, ok := strings.Cut(remote, ":"); ok {
		path = after
	}
	parts := strings.Split(strings.TrimSuffix(strings.Trim(path, "/"), ".git"), "/")
	if len(parts) < 2 || parts[len(parts)-2] == "" || parts[len(parts)-1] == "" {
		return "", "", fmt.Errorf("cannot tell the GitHub repository from the remote URL; pass --repo OWNER/NAME")
	}
	return parts[len(parts)-2], parts[len(parts)-1], nil
}

// pullState finds the bot's open pull request, and whether a pull request
// with the fingerprint fp was closed without being merged.
func pullState(pulls []*github.PullRequest, fp string) (open *github.PullRequest, rejected *github.PullRequest) {
	for _, pr := range pulls {
		switch {
		case pr.GetState() == "open" && open == nil:
			open = pr
		case pr.GetState() == "closed" && pr.MergedAt == nil && fp != "" && fingerprintOf(pr.GetBody()) == fp && rejected == nil:
			rejected = pr
		}
	}
	return open, rejected
}
