package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/docklean/docklean/internal/config"
	"github.com/docklean/docklean/internal/registry"
	"github.com/docklean/docklean/passes"
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
// main command's, shared by the explain, bot and verify commands, less those
// named in except (the bot's --base names a branch).
func settingsFlags(except ...string) []cli.Flag {
	shared := map[string]bool{"only": true, "skip": true, "alpine-version": true, "base": true, "config": true}
	for _, o := range passes.Options() {
		shared[o.Name] = true
	}
	var flags []cli.Flag
	for _, f := range rewriteFlags() {
		if shared[f.Names()[0]] && !slices.Contains(except, f.Names()[0]) {
			flags = append(flags, f)
		}
	}
	return flags
}

// optionFlags are the flags of the passes' options (passes.Options), built
// from their declarations: --NAME, with the option's Doc as its usage.
func optionFlags() []cli.Flag {
	var flags []cli.Flag
	for _, o := range passes.Options() {
		if o.IsBool() {
			flags = append(flags, &cli.BoolFlag{Name: o.Name, Usage: o.Doc})
		} else {
			flags = append(flags, &cli.StringFlag{Name: o.Name, Usage: o.Doc, Value: o.Default})
		}
	}
	return flags
}

// settings gives each file its passes and options: flags first, then the
// file's configuration, then the defaults. They depend only on the flags and
// the configuration, so they are worked out once per configuration and
// shared by its files (and so is the digest resolver, with its answers).
type settings struct {
	c  *cli.Context
	mu sync.Mutex
	m  map[*config.Config]*merged
}

type merged struct {
	passes []*transform.Pass
	opts   transform.Options // without Context, which is per file
	err    error
}

// newSettings returns the settings of the command c, once its flags are
// checked: the pass names, the Alpine release, the base and the passes'
// options.
func newSettings(c *cli.Context) (*settings, error) {
	if _, err := passes.Select(splitNames(c.StringSlice("only")), splitNames(c.StringSlice("skip"))); err != nil {
		return nil, err
	}
	if err := (&transform.Options{AlpineVersion: c.String("alpine-version")}).Validate(); err != nil {
		return nil, err
	}
	if !isBot(c) {
		if _, err := transform.ParseBase(c.String("base")); err != nil {
			return nil, err
		}
	}
	for _, o := range passes.Options() {
		if !o.IsBool() {
			if err := o.Check(c.String(o.Name)); err != nil {
				return nil, err
			}
		}
	}
	return &settings{c: c, m: map[*config.Config]*merged{}}, nil
}

// forJob returns the passes and options for j; safe for concurrent use.
func (s *settings) forJob(j *job) ([]*transform.Pass, *transform.Options, error) {
	s.mu.Lock()
	e := s.m[j.cfg]
	if e == nil {
		e = merge(s.c, j.cfg)
		s.m[j.cfg] = e
	}
	s.mu.Unlock()
	if e.err != nil {
		return nil, nil, e.err
	}
	opts := e.opts
	switch {
	case s.c.String("context") != "":
		opts.Context = os.DirFS(s.c.String("context"))
	case j.path != "":
		opts.Context = os.DirFS(filepath.Dir(j.path))
	}
	return e.passes, &opts, nil
}

// merge merges the flags, checked by newSettings, with cfg (nil for none),
// checked when it was read.
func merge(c *cli.Context, cfg *config.Config) *merged {
	if cfg == nil {
		cfg = &config.Config{}
	}
	only := splitNames(c.StringSlice("only"))
	if len(only) == 0 {
		only = cfg.Passes.Only
	}
	skip := append(splitNames(c.StringSlice("skip")), cfg.Passes.Skip...)
	passes, err := passes.Select(only, skip)
	if err != nil {
		return &merged{err: fmt.Errorf("%s: %v", cfg.Path, err)}
	}
	e := &merged{passes: slices.Clip(passes), opts: transform.Options{
		AlpineVersion: pick(c, "alpine-version", cfg.AlpineVersion),
		Packages:      cfg.Packages,
		Images:        cfg.Images,
		// Called only by a pass whose options ask for digests.
		Resolve: (&registry.Resolver{}).Resolve,
	}}
	if err := e.opts.Validate(); err != nil {
		return &merged{err: fmt.Errorf("%s: %v", cfg.Path, err)} // flags were checked already
	}
	if e.opts.Base, err = transform.ParseBase(pickBase(c, cfg.Base)); err != nil {
		return &merged{err: err} // checked already
	}
	if err := setOptions(c, cfg, &e.opts); err != nil {
		return &merged{err: err} // checked already
	}
	return e
}

// setOptions sets the passes' options in o from the flags and cfg: a
// boolean is on when its flag or the file turns it on, an enum is picked.
func setOptions(c *cli.Context, cfg *config.Config, o *transform.Options) error {
	for _, opt := range passes.Options() {
		var v string
		if opt.IsBool() {
			v = strconv.FormatBool(c.Bool(opt.Name) || cfg.Options[opt.Name] == "true")
		} else {
			v = pick(c, opt.Name, cfg.Options[opt.Name])
		}
		if err := o.Set(opt, v); err != nil {
			return err
		}
	}
	return nil
}

// isBot reports whether c is the bot command's, whose --base is the branch
// of the pull request.
func isBot(c *cli.Context) bool { return c.Command != nil && c.Command.Name == "bot" }

// pickBase is pick for --base, which the bot command does not have (its
// --base is the branch of the pull request): there only the configuration
// chooses.
func pickBase(c *cli.Context, fromConfig string) string {
	if isBot(c) {
		return fromConfig
	}
	return pick(c, "base", fromConfig)
}

// pick returns the flag's value when it was given, else the configuration's
// value when set, else the flag's default.
func pick(c *cli.Context, flag, fromConfig string) string {
	if !c.IsSet(flag) && fromConfig != "" {
		return fromConfig
	}
	return c.String(flag)
}
