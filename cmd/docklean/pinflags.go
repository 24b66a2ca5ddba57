package main

import (
	"fmt"

	"github.com/docklean/docklean/internal/registry"
	"github.com/docklean/docklean/transform"
	"github.com/urfave/cli/v2"
)

// pinFlags are the pin pass's flags; rewriteFlags appends them and
// pinOptions reads them.
func pinFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "pin", Usage: "how specific pinned base tags are: minor (python:3.14) or patch (python:3.14.7)", Value: "minor"},
		&cli.BoolFlag{Name: "upgrade-eol", Usage: "pin: move end-of-life bases to the nearest supported release of the same variant"},
		&cli.BoolFlag{Name: "digests", Usage: "pin: add registry digests to base images (image:tag@sha256:…; needs network and honours ~/.docker/config.json)"},
		&cli.BoolFlag{Name: "refresh-digests", Usage: "pin: like --digests, and also update digests already there"},
	}
}

// pinOptions copies the pin flags into o; with --digests it gives the pass
// a resolver that asks the registries.
func pinOptions(c *cli.Context, o *transform.Options) error {
	switch p := c.String("pin"); p {
	case "minor", "patch":
		o.Pin = p
	default:
		return fmt.Errorf("--pin %q: want minor or patch", p)
	}
	o.UpgradeEOL = c.Bool("upgrade-eol")
	o.Digests, o.RefreshDigests = c.Bool("digests"), c.Bool("refresh-digests")
	if o.Digests || o.RefreshDigests {
		o.Resolve = (&registry.Resolver{}).Resolve
	}
	return nil
}
