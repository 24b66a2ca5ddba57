package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

var updateDocs = flag.Bool("update", false, "regenerate docs/cli.md from the CLI definition")

// TestCLIReference keeps docs/cli.md in step with the flags and commands the
// binary really has: it is generated from the CLI definition
// (go test ./cmd/docklean -run CLIReference -update).
func TestCLIReference(t *testing.T) {
	got := cliReference(newApp(nil, nil, nil))
	const path = "../../docs/cli.md"
	if *updateDocs {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Fatalf("docs/cli.md is out of date; run go test ./cmd/docklean -run CLIReference -update")
	}
}

func cliReference(app *cli.App) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# docklean command line\n\n<!-- Generated from the CLI definition by go test ./cmd/docklean -run CLIReference -update; do not edit. -->\n\n")
	fmt.Fprintf(&b, "%s\n\n```\n%s\n```\n\n%s\n\n", app.Usage, app.UsageText, app.Description)
	flagTable(&b, app.VisibleFlags())
	for _, c := range app.VisibleCommands() {
		fmt.Fprintf(&b, "\n## docklean %s\n\n%s\n\n", c.Name, c.Usage)
		if c.UsageText != "" {
			fmt.Fprintf(&b, "```\n%s\n```\n\n", c.UsageText)
		}
		if c.Description != "" {
			fmt.Fprintf(&b, "%s\n\n", c.Description)
		}
		if fs := c.VisibleFlags(); len(fs) > 0 {
			flagTable(&b, fs)
		}
	}
	return b.String()
}

func flagTable(b *strings.Builder, flags []cli.Flag) {
	fmt.Fprintf(b, "| flag | meaning | default |\n| --- | --- | --- |\n")
	for _, f := range flags {
		df, ok := f.(cli.DocGenerationFlag)
		if !ok {
			continue
		}
		var names []string
		for _, n := range f.Names() {
			dash := "--"
			if len(n) == 1 {
				dash = "-"
			}
			names = append(names, "`"+dash+n+"`")
		}
		def := df.GetDefaultText()
		if def == "" {
			def = df.GetValue()
		}
		if def == "false" || def == "" {
			def = " "
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", strings.Join(names, ", "), df.GetUsage(), def)
	}
}
