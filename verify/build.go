package verify

import (
	"bytes"
	"context"
	"os"
	"strings"
	"time"
)

// Build is the outcome of building one Dockerfile.
type Build struct {
	OK       bool          `json:"ok"`
	Duration time.Duration `json:"duration_ns"`
	// Step is the build step that failed, as the builder printed it
	// ("Step 4/7 : RUN make" or "[build 4/7] RUN make"); "" on success.
	Step string `json:"failed_step,omitempty"`
	// Log is the end of the builder's output when the build failed.
	Log string `json:"log,omitempty"`

	intermediates []string // images the classic builder made on the way
}

// logTail is how many lines of a failed build's output are kept.
const logTail = 40

// build builds dockerfile with contextDir as the build context, tags the
// result and labels it. The cache is not used, so build times compare.
func (d *Docker) build(ctx context.Context, dockerfile []byte, contextDir, tag string, labels []string) Build {
	args := append([]string{"build", "--no-cache", "--rm", "--force-rm", "-f", "-", "-t", tag}, labelFlags(labels)...)
	args = append(args, contextDir)
	var out bytes.Buffer
	cmd := d.command(ctx, bytes.NewReader(dockerfile), args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "DOCKER_CLI_HINTS=false")
	start := time.Now()
	err := cmd.Run()
	b := Build{OK: err == nil, Duration: time.Since(start), intermediates: intermediates(out.String())}
	if err != nil {
		if ctx.Err() != nil {
			out.WriteString("\n" + ctx.Err().Error())
		}
		b.Step = failedStep(out.String())
		b.Log = tail(out.String(), logTail)
	}
	return b
}

// failedStep finds the step a failed build stopped at, in the classic
// builder's output ("Step 3/5 : RUN ...", the last one started) or
// BuildKit's (" > [stage 3/5] RUN ...:" in its error summary).
func failedStep(log string) string {
	step := ""
	for _, l := range strings.Split(log, "\n") {
		l = strings.TrimRight(l, "\r")
		switch {
		case strings.HasPrefix(l, "Step "):
			step = l
		case strings.HasPrefix(l, " > ["):
			return strings.TrimSuffix(strings.TrimPrefix(l, " > "), ":")
		}
	}
	return step
}

// intermediates lists the images a classic build made, in the order it made
// them: the " ---> ID" lines after each step, except the FROM steps' (that
// image is the base, not the build's). BuildKit makes none.
func intermediates(log string) []string {
	var ids []string
	from := false
	for _, l := range strings.Split(log, "\n") {
		l = strings.TrimRight(l, "\r")
		if strings.HasPrefix(l, "Step ") {
			_, instr, _ := strings.Cut(l, " : ")
			from = strings.HasPrefix(strings.ToUpper(instr), "FROM ")
			continue
		}
		id, ok := strings.CutPrefix(l, " ---> ")
		if !ok || from || len(id) != 12 || strings.Trim(id, "0123456789abcdef") != "" {
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
