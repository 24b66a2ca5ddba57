package main

import (
	"fmt"
	"strings"

	"github.com/docklean/docklean/transform"
	"github.com/urfave/cli/v2"
)

// passesCommand is docklean passes.
var passesCommand = &cli.Command{
	Name:  "passes",
	Usage: "list every pass, in pipeline order, with its documentation",
	Action: func(c *cli.Context) error {
		for i, p := range transform.All() {
			if i > 0 {
				fmt.Fprintln(c.App.Writer)
			}
			fmt.Fprintf(c.App.Writer, "%s\n", p.Name)
			for _, l := range strings.Split(strings.TrimSpace(p.Doc), "\n") {
				fmt.Fprintf(c.App.Writer, "    %s\n", l)
			}
		}
		return nil
	},
}
