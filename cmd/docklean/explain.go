package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"github.com/urfave/cli/v2"
)

var explainCommand = &cli.Command{
	Name:      "explain",
	Usage:     "say, stage by stage, what docklean changes and every blocker of what it leaves, with the page that says what to do",
	ArgsUsage: "PATH...",
	Description: "explain runs the passes over each Dockerfile as the main command would, changing nothing,\n" +
		"and prints each stage with the passes that change it and, for what a pass leaves as it is,\n" +
		"every blocker: its code, line and message, and the documentation of the code (what it\n" +
		"means and what you can do). Exit status: 0, or 2 when a file cannot be read or parsed.",
	Flags:  settingsFlags(),
	Action: explainAction,
}

// explainAction is docklean explain.
func explainAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return errors.New("explain needs at least one Dockerfile path")
	}
	settings, err := newSettings(c)
	if err != nil {
		return err
	}
	cfgs, err := newConfigs(c.String("config"))
	if err != nil {
		return err
	}
	out := bufio.NewWriter(c.App.Writer)
	status := 0
	for _, path := range c.Args().Slice() {
		if err := explainFile(out, cfgs, settings, path); err != nil {
			out.Flush()
			fmt.Fprintln(c.App.ErrWriter, errorText(&job{path: path, err: err}))
			status = 2
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(c.App.ErrWriter, "docklean: writing standard output: %v\n", err)
		return exitError(2)
	}
	if status != 0 {
		return exitError(status)
	}
	return nil
}

// explainFile prints the explanation of the Dockerfile at path.
func explainFile(w io.Writer, cfgs *configs, settings *settings, path string) error {
	j := &job{path: path}
	var err error
	if j.cfg, err = cfgs.forFile(path); err != nil {
		return err
	}
	passes, opts, err := settings.forJob(j)
	if err != nil {
		return err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc, err := parser.Parse(src)
	if err != nil {
		return err
	}
	res, err := transform.Process(path, src, passes, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s\n", path)
	for _, st := range doc.Stages {
		writeStage(w, st, stageFindings(doc, st, res.Findings))
	}
	return nil
}

// stageFindings returns the findings on the lines of stage st.
func stageFindings(doc *parser.Document, st *parser.Stage, fs []transform.Finding) []transform.Finding {
	first := st.From.StartLine
	last := doc.LineOf(len(doc.Src))
	if st.Index+1 < len(doc.Stages) {
		last = doc.Stages[st.Index+1].From.StartLine - 1
	}
	var in []transform.Finding
	for _, f := range fs {
		if f.Line >= first && f.Line <= last {
			in = append(in, f)
		}
	}
	return in
}

// writeStage prints one stage: the passes that change it, then every
// blocker with its code and the page that documents it.
func writeStage(w io.Writer, st *parser.Stage, fs []transform.Finding) {
	name := fmt.Sprintf("stage %d", st.Index)
	if st.Name != "" {
		name = fmt.Sprintf("stage %d %q", st.Index, st.Name)
	}
	var changedBy []string
	for _, f := range fs {
		if f.Kind == transform.Changed && !slices.Contains(changedBy, f.Pass) {
			changedBy = append(changedBy, f.Pass)
		}
	}
	verdict := "unchanged"
	if len(changedBy) > 0 {
		verdict = "changed by " + strings.Join(changedBy, ", ")
	}
	fmt.Fprintf(w, "  %s (line %d, FROM %s): %s\n", name, st.From.StartLine, st.Base, verdict)
	for _, f := range fs {
		if f.Kind != transform.Refused {
			continue
		}
		fmt.Fprintf(w, "    blocked: %s, line %d: %s\n      what to do: %s%s\n", f.Code, f.Line, f.Message, docsURL, f.Code.Doc())
	}
}
