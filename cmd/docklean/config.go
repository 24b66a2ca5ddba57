package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/docklean/docklean/internal/config"
	"github.com/docklean/docklean/transform"
	"github.com/urfave/cli/v2"
)

// configs finds the configuration of each file: the one named by --config,
// or the nearest .docklean.yaml up to the repository root.
type configs struct {
	explicit *config.Config
	finder   config.Finder
}

// newConfigs returns the configurations for --config path ("" when not
// given).
func newConfigs(path string) (*configs, error) {
	cs := &configs{}
	if path != "" {
		c, err := config.Load(path)
		if err != nil {
			return nil, err
		}
		cs.explicit = c
	}
	return cs, nil
}

// forFile returns the configuration of the file at path ("" for standard
// input), nil when there is none.
func (cs *configs) forFile(path string) (*config.Config, error) {
	if cs.explicit != nil {
		return cs.explicit, nil
	}
	if path == "" {
		path = "Dockerfile" // standard input: the current folder's configuration
	}
	return cs.finder.For(path)
}

// excluded is the walk's filter: paths the configuration excludes.
func (cs *configs) excluded(path string) bool {
	c, err := cs.forFile(path)
	return err == nil && c.Excluded(path)
}

// settingsFlags are the flags that configure the rewrite in settings: the
// main command's, shared by the bot and verify commands.
func settingsFlags() []cli.Flag {
	shared := map[string]bool{"only": true, "skip": true, "alpine-version": true, "go-runtime": true, "cache-mounts": true, "config": true}
	var flags []cli.Flag
	for _, f := range rewriteFlags() {
		if shared[f.Names()[0]] {
			flags = append(flags, f)
		}
	}
	return flags
}

// settings merges flags, the file's configuration and the defaults.
func settings(c *cli.Context, j *job) ([]*transform.Pass, *transform.Options, error) {
	cfg := j.cfg
	if cfg == nil {
		cfg = &config.Config{}
	}
	only := splitNames(c.StringSlice("only"))
	if len(only) == 0 {
		only = cfg.Passes.Only
	}
	skip := append(splitNames(c.StringSlice("skip")), cfg.Passes.Skip...)
	passes, err := transform.Select(only, skip)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", cfg.Path, err)
	}
	opts := &transform.Options{
		AlpineVersion: pick(c, "alpine-version", cfg.AlpineVersion),
		GoRuntime:     pick(c, "go-runtime", cfg.GoRuntime),
		CacheMounts:   c.Bool("cache-mounts") || cfg.CacheMounts,
		Packages:      cfg.Packages,
		Images:        cfg.Images,
	}
	if err := pinOptions(c, opts); err != nil {
		return nil, nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", cfg.Path, err) // flags were checked already
	}
	switch {
	case c.String("context") != "":
		opts.Context = os.DirFS(c.String("context"))
	case j.path != "":
		opts.Context = os.DirFS(filepath.Dir(j.path))
	}
	return slices.Clip(passes), opts, nil
}

// pick returns the flag's value when it was given, else the configuration's
// value when set, else the flag's default.
func pick(c *cli.Context, flag, fromConfig string) string {
	if !c.IsSet(flag) && fromConfig != "" {
		return fromConfig
	}
	return c.String(flag)
}
