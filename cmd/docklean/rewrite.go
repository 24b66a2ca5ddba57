package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/docklean/docklean/internal/config"
	"github.com/docklean/docklean/internal/files"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"github.com/urfave/cli/v2"
)

// maxFileSize is the largest Dockerfile docklean reads by default.
const maxFileSize = 10 << 20

// rewriteFlags are the main command's flags, the passes' options
// (optionFlags) last.
func rewriteFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.BoolFlag{Name: "diff", Aliases: []string{"d"}, Usage: "print a unified diff for each changed file (git apply and patch -p1 accept it)"},
		&cli.BoolFlag{Name: "write", Aliases: []string{"w"}, Usage: "write changed files in place (atomically; permissions kept)"},
		&cli.BoolFlag{Name: "list", Aliases: []string{"l"}, Usage: "print the paths of files that would change"},
		&cli.BoolFlag{Name: "check", Usage: "print the diff and exit 1 when any file would change (for CI)"},
		&cli.StringSliceFlag{Name: "only", Usage: "run only these passes (comma-separated names; see docklean passes)"},
		&cli.StringSliceFlag{Name: "skip", Usage: "do not run these passes (comma-separated names)"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print findings (changes and refusals) to standard error as path:line: pass: message"},
		&cli.StringFlag{Name: "alpine-version", Usage: "target Alpine release for the alpine pass", Value: transform.DefaultAlpine},
		&cli.StringFlag{Name: transform.BaseOption.Name, Usage: transform.BaseOption.Doc, Value: transform.BaseOption.Default},
		&cli.StringFlag{Name: "context", Usage: "build context folder the passes may read (default: each Dockerfile's folder)"},
		&cli.StringFlag{Name: "format", Usage: "findings report on standard output: text (with -v, on standard error), json or sarif", Value: "text"},
		&cli.StringFlag{Name: "config", Usage: "read this configuration file instead of the nearest .docklean.yaml"},
		&cli.Int64Flag{Name: "max-size", Usage: "refuse files larger than this many bytes", Value: maxFileSize},
		cpuProfileFlag,
	}, optionFlags()...)
}

// job is one file to process; its results are printed in input order.
type job struct {
	path    string // as given or found; "" for standard input
	cfg     *config.Config
	src     []byte
	res     *transform.Result
	err     error
	changed bool // kept: src and the output are dropped once printed
}

// name is the job's path, or "<stdin>".
func (j *job) name() string {
	if j.path == "" {
		return "<stdin>"
	}
	return j.path
}

// rewriteAction is the main command: rewrite the files and folders given
// (standard input when none) and print, diff, list or write the results.
func rewriteAction(c *cli.Context) error {
	set, err := newSettings(c)
	if err != nil {
		return err
	}
	cfgs, err := newConfigs(c.String("config"))
	if err != nil {
		return err
	}
	format := c.String("format")
	switch format {
	case "text":
	case "json", "sarif":
		if c.Bool("diff") || c.Bool("list") || c.Bool("check") {
			return fmt.Errorf("--format %s writes its report to standard output: it cannot be combined with -d, -l or --check", format)
		}
	default:
		return fmt.Errorf("--format %q: want text, json or sarif", format)
	}
	tuneGC(format != "text")
	if c.Bool("write") && c.NArg() == 0 {
		return errors.New("-w needs a path: cannot write to standard input")
	}
	stopProfile, err := startProfile(c)
	if err != nil {
		return err
	}
	defer stopProfile()
	stderr := c.App.ErrWriter
	var jobs []*job
	status := 0
	if c.NArg() == 0 {
		src, err := readLimited(c.App.Reader, c.Int64("max-size"))
		jobs = append(jobs, &job{src: src, err: err})
	}
	for _, arg := range c.Args().Slice() {
		st, err := os.Stat(arg)
		if err != nil {
			fmt.Fprintf(stderr, "docklean: %v\n", err)
			status = 2
			continue
		}
		if !st.IsDir() {
			jobs = append(jobs, &job{path: arg})
			continue
		}
		found, problems := files.Find(arg, cfgs.excluded)
		for _, p := range problems {
			fmt.Fprintf(stderr, "docklean: %v\n", p)
			status = 2
		}
		for _, p := range found {
			jobs = append(jobs, &job{path: p})
		}
	}

	for _, j := range jobs {
		if j.err == nil {
			j.cfg, j.err = cfgs.forFile(j.path)
		}
	}
	// A write error on standard output (a full disk, /dev/full) sticks in
	// out, which then drops further writes; it is reported once, at the
	// end, with exit status 2, as gofmt does. A closed pipe (EPIPE) on the
	// real standard output ends the process with SIGPIPE, Go's default for
	// file descriptors 1 and 2, like gofmt and cat.
	out := bufio.NewWriter(c.App.Writer)
	bar := startProgress(stderr, len(jobs))
	showDiff := c.Bool("diff") || c.Bool("check")
	color := showDiff && useColor(c.App.Writer)
	report := format != "text"
	anyChange := false
	process(jobs, set, c.Int64("max-size"), bar, func(j *job) {
		bar.around(func() {
			if emit(c, out, j, showDiff, color, report) {
				status = 2
			}
			if bar.active() {
				out.Flush()
			}
		})
		anyChange = anyChange || j.changed
		// Printed: drop the texts; only the reports need the findings.
		j.src = nil
		if j.res != nil {
			j.res.Output = nil
			if !report {
				j.res = nil
			}
		}
	})
	bar.stop()
	switch format {
	case "json":
		err = writeJSON(out, jobs)
	case "sarif":
		err = writeSARIF(out, jobs)
	}
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "docklean: writing standard output: %v\n", err)
		return exitError(2)
	}
	if status == 0 && c.Bool("check") && anyChange {
		status = 1
	}
	if status != 0 {
		return exitError(status)
	}
	return nil
}

// emit prints what the flags ask for about one finished job: its error,
// findings, listed name, diff, written file or rewritten text. It reports
// whether the job failed.
func emit(c *cli.Context, out *bufio.Writer, j *job, showDiff, color, report bool) (failed bool) {
	stderr := c.App.ErrWriter
	if j.err != nil {
		out.Flush()
		fmt.Fprintln(stderr, errorText(j))
		return true
	}
	if c.Bool("verbose") {
		out.Flush()
		for _, f := range j.res.Findings {
			fmt.Fprintln(stderr, f)
		}
		if j.res.Estimate != nil {
			fmt.Fprintf(stderr, "%s: %s\n", j.name(), j.res.Estimate)
		}
	}
	if c.Bool("list") && j.changed {
		fmt.Fprintln(out, j.name())
	}
	if showDiff && j.changed {
		d := files.Diff(diffPath(j.name()), j.src, j.res.Output)
		if color {
			d = colorDiff(d)
		}
		out.Write(d)
	}
	if c.Bool("write") && j.changed {
		if err := files.WriteAtomic(j.path, j.res.Output); err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "docklean: %v\n", err)
			failed = true
		}
	}
	if !c.Bool("list") && !showDiff && !c.Bool("write") && !report {
		out.Write(j.res.Output)
	}
	return failed
}

// process rewrites the jobs on all cores and hands each to done in input
// order, as soon as it and every job before it are finished. Workers run at
// most window jobs ahead of done, so a walk of any size holds a bounded
// number of files in memory, and output starts with the first file.
func process(jobs []*job, set *settings, maxSize int64, bar *progress, done func(*job)) {
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	window := 16 * workers
	work := make(chan int)
	slots := make(chan struct{}, window) // one per job handed out and not yet done
	go func() {
		for i := range jobs {
			slots <- struct{}{}
			work <- i
		}
		close(work)
	}()
	finished := make(chan int, window)
	for range workers {
		go func() {
			for i := range work {
				processOne(jobs[i], set, maxSize)
				bar.tick()
				finished <- i
			}
		}()
	}
	// The jobs out are next, next+1, … next+window-1 at most, so i%window
	// names a job's place in ready.
	ready := make([]bool, window)
	for next := 0; next < len(jobs); {
		i := <-finished
		ready[i%window] = true
		for ; next < len(jobs) && ready[next%window]; next++ {
			ready[next%window] = false
			done(jobs[next])
			<-slots
		}
	}
}

// processOne reads and rewrites one job, recording the outcome in it.
func processOne(j *job, set *settings, maxSize int64) {
	if j.err != nil {
		return
	}
	if j.path != "" {
		j.src, j.err = readFile(j.path, maxSize)
		if j.err != nil {
			return
		}
	}
	passes, opts, err := set.forJob(j)
	if err != nil {
		j.err = err
		return
	}
	j.res, j.err = transform.Process(j.name(), j.src, passes, opts)
	if j.err == nil {
		for i := range j.res.Findings {
			j.res.Findings[i].File = j.name()
		}
		j.changed = j.res.Changed(j.src)
	}
}

// readFile reads the file at path, refusing one larger than maxSize bytes.
func readFile(path string, maxSize int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, maxSize)
}

// readLimited reads r to its end, refusing more than maxSize bytes.
func readLimited(r io.Reader, maxSize int64) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err == nil && int64(len(src)) > maxSize {
		err = fmt.Errorf("larger than %d bytes (see --max-size)", maxSize)
	}
	return src, err
}

// errorText says what went wrong with a file, starting with its name (and
// line, when known).
func errorText(j *job) string {
	var pe *parser.Error
	var perr *os.PathError
	switch {
	case errors.As(j.err, &pe) && pe.Line > 0:
		return fmt.Sprintf("%s:%d: %s", j.name(), pe.Line, pe.Msg)
	case errors.As(j.err, &perr):
		return perr.Error()
	default:
		return fmt.Sprintf("%s: %v", j.name(), j.err)
	}
}

// diffPath is the path shown in diff headers: slash-separated and relative
// when possible, so that git apply and patch -p1 find the file.
func diffPath(p string) string {
	if filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
				p = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// splitNames splits repeated, comma-separated pass name flags into names.
func splitNames(vals []string) []string {
	var names []string
	for _, v := range vals {
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	}
	return names
}
