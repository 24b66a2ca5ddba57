package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/docklean/docklean/passes"
	"github.com/urfave/cli/v2"
)

// passesCommand is docklean passes.
var passesCommand = &cli.Command{
	Name:  "passes",
	Usage: "list every pass, in pipeline order, with its documentation and its options",
	Action: func(c *cli.Context) error {
		var b strings.Builder
		for i, p := range passes.All() {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s\n", p.Name)
			for _, l := range strings.Split(strings.TrimSpace(p.Doc), "\n") {
				fmt.Fprintf(&b, "    %s\n", l)
			}
			for _, o := range p.Options {
				fmt.Fprintf(&b, "    option --%s (.docklean.yaml %s): %s\n", o.Name, o.Name, o.Doc)
			}
		}
		if _, err := io.WriteString(c.App.Writer, b.String()); err != nil {
			fmt.Fprintf(c.App.ErrWriter, "docklean: writing standard output: %v\n", err)
			return exitError(2)
		}
		return nil
	},
}
