// Command docklean rewrites Dockerfiles into lean ones: Alpine bases, apk
// instead of apt-get, merged RUNs, no package caches left in layers,
// multi-stage Go builds and pinned base images. Like gofmt, it prints the
// rewritten file, a unified diff (-d), the files that would change (-l), or
// rewrites files in place (-w).
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// tuneGC trades memory for speed in the rewrite command: it allocates many
// short-lived parse trees and keeps little (a finished file is printed and
// dropped), so collecting at 5× the live heap instead of 2× saves a fifth of
// the CPU of a big walk for about 20 MB. Five times the live heap of one
// large file is too much, though (a 2 MB Dockerfile's parse trees are some
// 150 MB, 300 MB while a pass's result is parsed next to them: RSS reached
// 900 MB), so a soft limit of rewriteMemLimit caps the growth; the live heap
// of the rewrite command stays below it (a window of files in memory), and
// above it the runtime bounds the collector to half the CPU. A report keeps
// every finding until the end, and gets the defaults: no limit, since below
// the live heap of a report over a huge tree the collector would run without
// pause. GOGC and GOMEMLIMIT, when set, win.
func tuneGC(report bool) {
	if report {
		return
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(rewriteMemLimit)
	}
}

// rewriteMemLimit is the rewrite command's soft memory limit.
const rewriteMemLimit = 256 << 20

// exitError carries an exit status through urfave/cli without printing.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run runs the command line args and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	err := app.Run(args)
	if code, ok := err.(exitError); ok {
		return int(code)
	}
	if err != nil {
		fmt.Fprintf(stderr, "docklean: %v\n", err)
		return 2
	}
	return 0
}

// newApp is the command line, reading stdin and writing stdout and stderr.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version"}
	return &cli.App{
		Name:      "docklean",
		Usage:     "rewrite Dockerfiles into lean ones, safely",
		UsageText: "docklean [flags] [path ...]\ndocklean passes\ndocklean verify [flags] PATH\ndocklean bot [flags] [DIR]",
		Description: "With no path, docklean reads a Dockerfile from standard input and writes the result to\n" +
			"standard output. A file path prints the rewritten file; a folder is walked for\n" +
			"Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile and Containerfile (skipping .git,\n" +
			"vendor and node_modules). Exit status: 0 success, 1 changes found with --check,\n" +
			"2 any error, including a write error on standard output (a full disk, /dev/full);\n" +
			"a closed pipe ends docklean by SIGPIPE, as it does gofmt.",
		Version:         version,
		Reader:          stdin,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		Flags:           rewriteFlags(),
		Action:          rewriteAction,
		Commands:        []*cli.Command{passesCommand, explainCommand, botCommand, verifyCommand},
		ExitErrHandler:  func(*cli.Context, error) {},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			fmt.Fprintf(c.App.ErrWriter, "docklean: %v\n", err)
			return exitError(2)
		},
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"
