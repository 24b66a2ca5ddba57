package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/docklean/docklean/transform"
	"github.com/docklean/docklean/verify"
	"github.com/urfave/cli/v2"
	"mvdan.cc/sh/v3/shell"
)

var verifyCommand = &cli.Command{
	Name:      "verify",
	Usage:     "build the Dockerfile and its rewrite with the local Docker engine, compare sizes, layers and build times, and smoke-run both",
	ArgsUsage: "PATH",
	Description: "verify rewrites PATH in memory, builds the original and the rewrite with `docker build`\n" +
		"(no cache, same context), measures both images and runs both (their own CMD/ENTRYPOINT,\n" +
		"the --smoke command, or an HTTP GET with --http) with a timeout, comparing exit status and\n" +
		"output. The images and containers it makes are labelled docklean.verify and removed\n" +
		"afterwards unless --keep. Exit status: 0 the rewrite builds and behaves the same,\n" +
		"1 it fails to build or behaves differently, 2 any other error (no engine, a base image\n" +
		"that cannot be pulled, a bad flag).",
	Flags: append([]cli.Flag{
		&cli.StringFlag{Name: "context", Usage: "build context folder (default: the Dockerfile's folder)"},
		&cli.StringFlag{Name: "smoke", Usage: "arguments for `docker run IMAGE` instead of the image's CMD, split like a shell would (quotes kept, no variables)"},
		&cli.StringFlag{Name: "http", Usage: "start each image with its own CMD and compare the response to a GET of this path on its first EXPOSEd port"},
		&cli.DurationFlag{Name: "timeout", Usage: "time limit for each smoke run", Value: verify.DefaultTimeout},
		&cli.BoolFlag{Name: "compressed", Usage: "also measure the gzip size of the layers (what a push stores), via docker save"},
		&cli.BoolFlag{Name: "keep", Usage: "keep the two images (tagged docklean-verify:ID-original and -rewritten)"},
		&cli.BoolFlag{Name: "json", Usage: "print the report as JSON"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "print the findings and the build progress to standard error"},
	}, settingsFlags()...),
	Action: verifyAction,
}

// verifyJSON is the --json document.
type verifyJSON struct {
	Path     string                  `json:"path"`
	Changed  bool                    `json:"changed"`
	OK       bool                    `json:"ok"`
	Measured string                  `json:"measured,omitempty"`
	Estimate *transform.SizeEstimate `json:"estimate,omitempty"`
	Report   *verify.Report          `json:"report"`
	Findings []transform.Finding     `json:"findings"`
}

// verifyAction rewrites the Dockerfile argument in memory and verifies the
// rewrite against it with the local Docker engine.
func verifyAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return errors.New("verify needs exactly one Dockerfile path")
	}
	path := c.Args().First()
	if c.String("smoke") != "" && c.String("http") != "" {
		return errors.New("--smoke and --http are alternatives: give one")
	}
	var smoke []string
	if s := c.String("smoke"); s != "" {
		var err error
		if smoke, err = shell.Fields(s, func(string) string { return "" }); err != nil {
			return fmt.Errorf("--smoke: %v", err)
		}
	}
	set, err := newSettings(c)
	if err != nil {
		return err
	}
	cfgs, err := newConfigs(c.String("config"))
	if err != nil {
		return err
	}
	j := &job{path: path}
	if j.cfg, err = cfgs.forFile(path); err != nil {
		return err
	}
	passes, opts, err := set.forJob(j)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	res, err := transform.Process(path, src, passes, opts)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	stderr := c.App.ErrWriter
	if c.Bool("verbose") {
		for _, f := range res.Findings {
			fmt.Fprintln(stderr, f)
		}
	}
	if !res.Changed(src) {
		fmt.Fprintf(stderr, "docklean: %s: no pass changes this file; verifying it against itself\n", path)
	}
	contextDir := c.String("context")
	if contextDir == "" {
		contextDir = filepath.Dir(path)
	}
	cfg := verify.Config{
		Original: src, Rewritten: res.Output, Context: contextDir,
		Smoke: smoke, HTTP: c.String("http"), Timeout: c.Duration("timeout"),
		Compressed: c.Bool("compressed"), Keep: c.Bool("keep"),
	}
	if c.Bool("verbose") {
		cfg.Progress = stderr
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt)
	defer stop()
	rep, err := (&verify.Docker{}).Verify(ctx, cfg)
	if err != nil {
		return err
	}
	estimate := res.Estimate
	if c.Bool("json") {
		out := verifyJSON{Path: path, Changed: res.Changed(src), OK: rep.OK(), Measured: rep.Summary(),
			Report: rep, Findings: append([]transform.Finding{}, res.Findings...)}
		if out.Measured == "" {
			out.Estimate = estimate
		}
		if err := encodeJSON(c.App.Writer, out); err != nil {
			return err
		}
	} else {
		rep.Write(c.App.Writer)
		if rep.Summary() == "" && estimate != nil {
			fmt.Fprintln(c.App.Writer, estimate)
		}
	}
	if !rep.OK() {
		return exitError(1)
	}
	return nil
}
