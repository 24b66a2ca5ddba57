package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/config"
	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
	"github.com/urfave/cli/v2"
)

// mergedOptions runs command (the main command when "") with args against
// the configuration file yaml (none when "") and returns the options a
// file gets.
func mergedOptions(t *testing.T, command string, args []string, yaml string) (*transform.Options, error) {
	t.Helper()
	var cfg *config.Config
	if yaml != "" {
		path := filepath.Join(t.TempDir(), config.FileName)
		if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		var err error
		if cfg, err = config.Load(path); err != nil {
			return nil, err
		}
	}
	var opts *transform.Options
	action := func(c *cli.Context) error {
		set, err := newSettings(c)
		if err != nil {
			return err
		}
		_, opts, err = set.forJob(&job{cfg: cfg})
		return err
	}
	app := newApp(nil, io.Discard, io.Discard)
	app.Action = action
	for i, c := range app.Commands { // copies: the commands are variables
		c := *c
		c.Action = action
		app.Commands[i] = &c
	}
	argv := []string{"docklean"}
	if command != "" {
		argv = append(argv, command)
	}
	if err := app.Run(append(argv, args...)); err != nil {
		return nil, err
	}
	return opts, nil
}

// TestOptionPrecedence checks every pass option of every command that
// rewrites: the flag beats the configuration file, which beats the
// default; a boolean is on when either turns it on.
func TestOptionPrecedence(t *testing.T) {
	for _, cmd := range []string{"", "explain", "bot", "verify"} {
		for _, o := range passes.Options() {
			// want is the value of o with flags and a file setting o to cfg.
			check := func(flags []string, cfg, want string) {
				t.Helper()
				yaml := ""
				if cfg != "" {
					yaml = o.Name + ": " + cfg + "\n"
				}
				opts, err := mergedOptions(t, cmd, flags, yaml)
				if err != nil {
					t.Errorf("docklean %s %v, config %q: %v", cmd, flags, yaml, err)
					return
				}
				var got string
				if o.IsBool() {
					got = strconv.FormatBool(opts.Bool(o))
				} else {
					got = opts.String(o)
				}
				if got != want {
					t.Errorf("docklean %s %v, config %q: %s is %q, want %q", cmd, flags, yaml, o.Name, got, want)
				}
			}
			if o.IsBool() {
				check(nil, "", "false")
				check(nil, "true", "true")
				check([]string{"--" + o.Name}, "", "true")
				check([]string{"--" + o.Name}, "false", "true")
				check([]string{"--" + o.Name + "=false"}, "true", "true")
				continue
			}
			a, b := o.Values[0], o.Values[len(o.Values)-1]
			check(nil, "", o.Default)
			check(nil, b, b)
			check([]string{"--" + o.Name, a}, "", a)
			check([]string{"--" + o.Name, a}, b, a)
			if _, err := mergedOptions(t, cmd, []string{"--" + o.Name, "nope"}, ""); err == nil || !strings.Contains(err.Error(), o.Name+` "nope": want `) {
				t.Errorf("docklean %s --%s nope: %v, want an error naming the option and its values", cmd, o.Name, err)
			}
		}
	}
}

// TestBasePrecedence: --base beats the file's base, which beats auto; the
// bot's --base is a branch, so there only the file chooses.
func TestBasePrecedence(t *testing.T) {
	for _, c := range []struct {
		cmd  string
		args []string
		yaml string
		want transform.BaseMode
	}{
		{"", nil, "", transform.BaseAuto},
		{"", nil, "base: slim\n", transform.BaseSlim},
		{"", []string{"--base", "alpine"}, "base: slim\n", transform.BaseAlpine},
		{"explain", []string{"--base", "alpine"}, "base: slim\n", transform.BaseAlpine},
		{"verify", nil, "base: slim\n", transform.BaseSlim},
		{"bot", []string{"--base", "main"}, "base: slim\n", transform.BaseSlim},
		{"bot", []string{"--base", "main"}, "", transform.BaseAuto},
	} {
		opts, err := mergedOptions(t, c.cmd, c.args, c.yaml)
		if err != nil || opts.Base != c.want {
			t.Errorf("docklean %s %v, config %q: %v, %v; want base %v", c.cmd, c.args, c.yaml, opts, err, c.want)
		}
	}
	if _, err := mergedOptions(t, "", []string{"--base", "musl"}, ""); err == nil || err.Error() != `base "musl": want auto, alpine or slim` {
		t.Errorf("--base musl: %v", err)
	}
}

// TestOptionFlags checks that the flags of the passes' options are built
// from their declarations, on every command that rewrites.
func TestOptionFlags(t *testing.T) {
	app := newApp(nil, nil, nil)
	for _, o := range passes.Options() {
		for _, c := range append([]*cli.Command{{Name: "docklean", Flags: app.Flags}}, app.Commands...) {
			if c.Name == "passes" {
				continue
			}
			i := slices.IndexFunc(c.Flags, func(f cli.Flag) bool { return f.Names()[0] == o.Name })
			if i < 0 {
				t.Errorf("%s has no flag --%s", c.Name, o.Name)
				continue
			}
			f := c.Flags[i].(cli.DocGenerationFlag)
			_, isBool := c.Flags[i].(*cli.BoolFlag)
			if f.GetUsage() != o.Doc || isBool != o.IsBool() || !isBool && f.GetValue() != o.Default {
				t.Errorf("%s --%s: usage %q, default %q, boolean %v; want the declaration's", c.Name, o.Name, f.GetUsage(), f.GetValue(), isBool)
			}
		}
	}
}
