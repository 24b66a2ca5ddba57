package bot

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// git runs git in one repository. A token reaches git only through the child
// process's environment (an http.<origin>.extraHeader set with
// GIT_CONFIG_COUNT), never through arguments, remote URLs or .git/config.
type git struct {
	dir    string
	auth   []string            // environment added to commands that talk to the remote
	secret []string            // strings redacted from error messages
	record func(argv []string) // when set, sees the argv of every command (tests)
}

// authEnv returns the environment that makes git send token to the origin of
// remote, and only there. The first, empty value clears any extraHeader git
// read from its config files (actions/checkout persists one), so exactly one
// Authorization header is sent. Remotes that are not http(s) get none.
func authEnv(remote, token string) []string {
	u, err := url.Parse(remote)
	if token == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil
	}
	key := "http." + u.Scheme + "://" + u.Host + "/.extraHeader"
	cred := base64.StdEncoding.EncodeToString([]byte("x-access-token:" + token))
	return []string{
		"GIT_CONFIG_COUNT=2",
		"GIT_CONFIG_KEY_0=" + key, "GIT_CONFIG_VALUE_0=",
		"GIT_CONFIG_KEY_1=" + key, "GIT_CONFIG_VALUE_1=Authorization: Basic " + cred,
	}
}

// secrets returns the forms of token that could show up in git's output.
func secrets(token string) []string {
	if token == "" {
		return nil
	}
	return []string{token, base64.StdEncoding.EncodeToString([]byte("x-access-token:" + token))}
}

// run runs a local git command and returns its standard output.
func (g *git) run(ctx context.Context, args ...string) (string, error) {
	return g.exec(ctx, nil, nil, args...)
}

// remote runs a git command that talks to the remote, with credentials.
func (g *git) remote(ctx context.Context, args ...string) (string, error) {
	return g.exec(ctx, g.auth, nil, args...)
}

// exec runs git with args, env added to its environment and stdin as its
// input, and returns its standard output; the error carries what git said,
// secrets redacted.
func (g *git) exec(ctx context.Context, env []string, stdin []byte, args ...string) (string, error) {
	argv := append([]string{"git"}, args...)
	if g.record != nil {
		g.record(argv)
	}
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	cmd.Env = append(cmd.Env, env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		for _, s := range g.secret {
			msg = strings.ReplaceAll(msg, s, "***")
		}
		return out.String(), &gitError{cmd: args[0], msg: msg}
	}
	return out.String(), nil
}

// gitError is a failed git command with what git said.
type gitError struct {
	cmd string // the git subcommand
	msg string
}

func (e *gitError) Error() string { return "git " + e.cmd + ": " + e.msg }

// line runs a local git command and returns its output's first line.
func (g *git) line(ctx context.Context, args ...string) (string, error) {
	out, err := g.run(ctx, args...)
	s, _, _ := strings.Cut(out, "\n")
	return s, err
}

// remoteHeads returns the tips of the given branches on the remote; a branch
// that does not exist is absent from the map.
func (g *git) remoteHeads(ctx context.Context, remote string, branches ...string) (map[string]string, error) {
	args := []string{"ls-remote", "--heads", remote}
	for _, b := range branches {
		args = append(args, "refs/heads/"+b)
	}
	out, err := g.remote(ctx, args...)
	if err != nil {
		return nil, err
	}
	heads := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		sha, ref, ok := strings.Cut(l, "\t")
		if ok {
			heads[strings.TrimPrefix(ref, "refs/heads/")] = sha
		}
	}
	return heads, nil
}

// fetch fetches branches from remote into refs/remotes/REMOTE/.
func (g *git) fetch(ctx context.Context, remote string, branches ...string) error {
	args := []string{"fetch", "--quiet", "--no-tags", remote}
	for _, b := range branches {
		args = append(args, "+refs/heads/"+b+":refs/remotes/"+remote+"/"+b)
	}
	_, err := g.remote(ctx, args...)
	return err
}

// commitTree writes a commit whose tree is base's tree with files replaced
// and whose only parent is base. It uses a temporary index, so neither the
// working tree nor the user's index is touched.
func (g *git) commitTree(ctx context.Context, base string, files map[string][]byte, msg string, author identity) (string, error) {
	idx, err := os.CreateTemp("", "docklean-index-*")
	if err != nil {
		return "", err
	}
	idx.Close()
	os.Remove(idx.Name()) // git wants to create it itself
	defer os.Remove(idx.Name())
	env := []string{"GIT_INDEX_FILE=" + idx.Name()}
	if _, err := g.exec(ctx, env, nil, "read-tree", base); err != nil {
		return "", err
	}
	for _, path := range slices.Sorted(maps.Keys(files)) {
		blob, err := g.exec(ctx, nil, files[path], "hash-object", "-w", "--stdin")
		if err != nil {
			return "", err
		}
		entry, err := g.line(ctx, "ls-tree", base, "--", path)
		mode, _, _ := strings.Cut(entry, " ")
		if err != nil || mode == "" {
			return "", fmt.Errorf("%s is not in %s: %v", path, base, err)
		}
		info := mode + "," + strings.TrimSpace(blob) + "," + path
		if _, err := g.exec(ctx, env, nil, "update-index", "--cacheinfo", info); err != nil {
			return "", err
		}
	}
	tree, err := g.exec(ctx, env, nil, "write-tree")
	if err != nil {
		return "", err
	}
	commitEnv := []string{
		"GIT_AUTHOR_NAME=" + author.name, "GIT_AUTHOR_EMAIL=" + author.email,
		"GIT_COMMITTER_NAME=" + author.name, "GIT_COMMITTER_EMAIL=" + author.email,
	}
	sha, err := g.exec(ctx, commitEnv, []byte(msg), "commit-tree", strings.TrimSpace(tree), "-p", base, "-F", "-")
	return strings.TrimSpace(sha), err
}

// foreignCommits returns the commits in base..tip not both authored and
// committed by id, as "sha author <email>" lines.
func (g *git) foreignCommits(ctx context.Context, base, tip string, id identity) ([]string, error) {
	out, err := g.run(ctx, "log", "--format=%H%x00%an%x00%ae%x00%ce", base+".."+tip)
	if err != nil {
		return nil, err
	}
	var foreign []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(l, "\x00")
		if len(f) == 4 && (!strings.EqualFold(f[2], id.email) || !strings.EqualFold(f[3], id.email)) {
			foreign = append(foreign, fmt.Sprintf("%.12s by %s <%s>", f[0], f[1], f[2]))
		}
	}
	return foreign, nil
}

// errStale is returned by push when the branch moved since the bot read it.
var errStale = errors.New("the branch changed on the remote since the bot read it (someone pushed to it); not overwriting")

// push sets refs/heads/BRANCH on remote to commit if it is still at lease
// ("" means the branch must not exist yet).
func (g *git) push(ctx context.Context, remote, branch, lease, commit string) error {
	ref := "refs/heads/" + branch
	_, err := g.remote(ctx, "push", "--force-with-lease="+ref+":"+lease, remote, commit+":"+ref)
	// git refuses with "stale info" when the branch moved before it asked the
	// server, and the server with "is at X but expected Y" when it moved
	// while the push was on its way.
	var ge *gitError
	if errors.As(err, &ge) && (strings.Contains(ge.msg, "(stale info)") || strings.Contains(ge.msg, " but expected ")) {
		return fmt.Errorf("%w (%s)", errStale, ge.msg)
	}
	return err
}
