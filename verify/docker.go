package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Docker runs the docker command-line client. It goes through the CLI rather
// than the Engine API so that docklean needs no Docker Go module and honours
// whatever the user configured for docker itself: contexts, DOCKER_HOST, TLS,
// and buildx/BuildKit when installed.
type Docker struct {
	Bin string // the docker binary; "docker" when empty
}

// command is the docker command with args, reading stdin.
func (d *Docker) command(ctx context.Context, stdin io.Reader, args ...string) *exec.Cmd {
	bin := d.Bin
	if bin == "" {
		bin = "docker"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = stdin
	return cmd
}

// output runs docker with args and returns its trimmed standard output; the
// error carries docker's standard error.
func (d *Docker) output(ctx context.Context, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := d.command(ctx, nil, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("docker %s: %s", args[0], msg)
		}
		return "", fmt.Errorf("docker %s: %w", args[0], err)
	}
	return strings.TrimSpace(stdout.String()), nil
}

// labelFlags are the --label flags that put labels ("key=value") on what a
// docker command creates.
func labelFlags(labels []string) []string {
	var args []string
	for _, l := range labels {
		args = append(args, "--label", l)
	}
	return args
}

// Ping checks that the docker client is installed and an engine answers,
// with an error that says what to do when not.
func (d *Docker) Ping(ctx context.Context) error {
	_, err := d.output(ctx, "version", "--format", "{{.Server.Version}}")
	if errors.Is(err, exec.ErrNotFound) {
		return errors.New("the docker command is not installed; see https://docs.docker.com/engine/install/")
	}
	if err != nil {
		return fmt.Errorf("no Docker engine is reachable (%v); start one (e.g. `sudo systemctl start docker`) or set DOCKER_HOST to an engine's address", err)
	}
	return nil
}

// ensureImage makes sure ref is present locally, pulling it when it is not.
func (d *Docker) ensureImage(ctx context.Context, ref string) error {
	if _, err := d.output(ctx, "image", "inspect", "--format", "{{.Id}}", ref); err == nil {
		return nil
	}
	if _, err := d.output(ctx, "pull", "--quiet", ref); err != nil {
		return fmt.Errorf("base image %s is not present locally and cannot be pulled: %v", ref, err)
	}
	return nil
}
