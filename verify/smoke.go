package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"
)

// Run is the outcome of smoke-running one image: a command's exit status
// and output, or for an HTTP probe the response's status code and body.
type Run struct {
	Exit     int    `json:"exit"`
	Stdout   string `json:"stdout"`
	Stderr   string `json:"stderr,omitempty"`
	TimedOut bool   `json:"timed_out,omitempty"`
	HTTP     bool   `json:"http,omitempty"` // Exit is an HTTP status code
	// Err says why the run could not be done at all (docker failed, no port).
	Err string `json:"error,omitempty"`
}

// run runs image with args (its own CMD when args is empty) for at most
// timeout, removing the container afterwards. A run that times out is
// stopped; what it printed until then is kept.
func (d *Docker) run(ctx context.Context, image, name string, args []string, timeout time.Duration, labels []string) Run {
	cargs := append([]string{"run", "--rm", "--name", name}, labelFlags(labels)...)
	cargs = append(append(cargs, image), args...)
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := d.command(rctx, nil, cargs...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := Run{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case rctx.Err() != nil:
		r.TimedOut, r.Exit = true, -1
		d.output(context.WithoutCancel(ctx), "rm", "-f", name)
	case errors.As(err, &exit):
		r.Exit = exit.ExitCode()
		if r.Exit == 125 { // docker itself failed, not the program
			r.Err = strings.TrimSpace(r.Stderr)
		}
	case err != nil:
		r.Exit, r.Err = -1, err.Error()
	}
	return r
}

// probe starts image with its own CMD, publishing its exposed ports, and
// GETs path on the first one until it answers or timeout passes; the run's
// Exit is the HTTP status code and Stdout the body.
func (d *Docker) probe(ctx context.Context, image, name, path string, timeout time.Duration, labels []string) Run {
	args := append([]string{"run", "-d", "-P", "--name", name}, labelFlags(labels)...)
	if _, err := d.output(ctx, append(args, image)...); err != nil {
		return Run{Exit: -1, Err: err.Error()}
	}
	defer d.output(context.WithoutCancel(ctx), "rm", "-f", name)
	ports, err := d.output(ctx, "port", name)
	if err != nil || ports == "" {
		if running, _ := d.output(ctx, "inspect", "--format", "{{.State.Running}}", name); running == "false" {
			return Run{Exit: -1, Stderr: d.logs(ctx, name), Err: "the container exited before it could be probed"}
		}
		return Run{Exit: -1, Err: "the image exposes no port to probe (add EXPOSE)"}
	}
	// "8080/tcp -> 0.0.0.0:32768": the host port is after the last colon.
	first, _, _ := strings.Cut(ports, "\n")
	url := "http://127.0.0.1:" + first[strings.LastIndex(first, ":")+1:] + "/" + strings.TrimPrefix(path, "/")
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(url)
		if err == nil {
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			r := Run{Exit: resp.StatusCode, Stdout: string(body), HTTP: true}
			if err != nil {
				r.Err = err.Error()
			}
			return r
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return Run{Exit: -1, TimedOut: true, Stderr: d.logs(ctx, name), Err: fmt.Sprintf("no answer from %s within %s", url, timeout)}
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// logs is what container name printed, standard output and error together.
func (d *Docker) logs(ctx context.Context, name string) string {
	out, _ := d.command(ctx, nil, "logs", name).CombinedOutput()
	return string(out)
}

// sameRun reports whether two runs behaved the same: same exit status (or HTTP
// status), same output, both finished or both timed out.
func sameRun(a, b Run) bool {
	return a.Err == "" && b.Err == "" && a.Exit == b.Exit && a.TimedOut == b.TimedOut &&
		a.Stdout == b.Stdout && a.Stderr == b.Stderr
}
