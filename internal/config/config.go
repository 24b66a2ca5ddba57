// Package config reads .docklean.yaml, the per-repository configuration
// shared by the CLI and the bot.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
	"go.yaml.in/yaml/v3"
)

// FileName is the configuration file docklean looks for.
const FileName = ".docklean.yaml"

// Config is the content of a .docklean.yaml file.
type Config struct {
	Path string `yaml:"-"` // where it was read from ("" for the zero config)

	// Passes selects passes: Only runs just these, Skip switches these off.
	Passes struct {
		Only []string `yaml:"only"`
		Skip []string `yaml:"skip"`
	} `yaml:"passes"`
	AlpineVersion string `yaml:"alpine-version"`
	// Base is auto, alpine or slim (transform.ParseBase), "" when not set.
	Base string `yaml:"base"`
	// Options holds the passes' options the file sets (passes.Options),
	// each under its name: a boolean as "true" or "false", an enum as one
	// of its values (an empty one is not set).
	Options map[string]string `yaml:"-"`
	// Packages maps extra Debian package names to Alpine package names.
	Packages map[string][]string `yaml:"packages"`
	// Images maps in-house base images (name without tag) to their Alpine
	// counterparts, e.g. registry.example.com/base/debian: registry.example.com/base/alpine.
	Images map[string]string `yaml:"images"`
	// Exclude lists slash-separated glob patterns (relative to the folder of
	// the configuration file; "**" matches any number of folders) of paths
	// docklean leaves alone.
	Exclude []string `yaml:"exclude"`

	exclude []*regexp.Regexp
}

// fileError is a configuration error with its file and line (0 when
// unknown).
type fileError struct {
	file string
	line int
	msg  string
}

func (e *fileError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg)
	}
	return fmt.Sprintf("%s: %s", e.file, e.msg)
}

var (
	lineRE    = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownRE = regexp.MustCompile(`^field (\S+) not found in type .*$`)
)

// parse reads the configuration file named file, whose content is data.
// Unknown keys and values of the wrong type are errors naming the file and
// line; of several, the first in the file.
func parse(file string, data []byte) (*Config, error) {
	// The passes' options are not fields of Config: the inline map takes
	// every key Config does not know, and parseOptions checks it against
	// the passes' declarations.
	var raw struct {
		Config `yaml:",inline"`
		Rest   map[string]yaml.Node `yaml:",inline"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var errs []*fileError
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, yamlError(file, err)
		}
		for _, e := range te.Errors {
			errs = append(errs, yamlError(file, &yaml.TypeError{Errors: []string{e}}))
		}
	}
	c := &raw.Config
	c.Path = file
	c.Options, errs = parseOptions(file, data, raw.Rest, errs)
	if len(errs) > 0 {
		return nil, slices.MinFunc(errs, func(a, b *fileError) int { return a.line - b.line })
	}
	if _, err := transform.ParseBase(c.Base); err != nil {
		return nil, &fileError{file: file, line: keyLine(data, "base"), msg: err.Error()}
	}
	for _, pat := range c.Exclude {
		re, err := globRegexp(pat)
		if err != nil {
			return nil, &fileError{file: file, line: keyLine(data, "exclude"), msg: fmt.Sprintf("exclude pattern %q: %v", pat, err)}
		}
		c.exclude = append(c.exclude, re)
	}
	return c, nil
}

// parseOptions reads the keys Config does not know as the passes' options
// (Config.Options), appending to errs an error for each that is not one or
// has a value its option does not allow.
func parseOptions(file string, data []byte, keys map[string]yaml.Node, errs []*fileError) (map[string]string, []*fileError) {
	var vals map[string]string
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		n := keys[key]
		line := keyLine(data, key)
		if line == 0 {
			line = n.Line
		}
		opt := passes.Option(key)
		if opt == nil {
			errs = append(errs, &fileError{file: file, line: line, msg: "unknown key " + key})
			continue
		}
		var v string
		var err error
		if opt.IsBool() {
			var b bool
			err = n.Decode(&b)
			v = strconv.FormatBool(b)
		} else {
			err = n.Decode(&v)
		}
		if err != nil {
			errs = append(errs, yamlError(file, err))
			continue
		}
		if v == "" {
			continue
		}
		if err := opt.Check(v); err != nil {
			errs = append(errs, &fileError{file: file, line: line, msg: err.Error()})
			continue
		}
		if vals == nil {
			vals = map[string]string{}
		}
		vals[key] = v
	}
	return vals, errs
}

// yamlError turns a YAML decoding error into a fileError with the line.
func yamlError(file string, err error) *fileError {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		return &fileError{file: file, line: n, msg: unknownRE.ReplaceAllString(m[2], "unknown key $1")}
	}
	return &fileError{file: file, msg: strings.TrimPrefix(msg, "yaml: ")}
}

// keyLine finds the line of a top-level key, for errors about its value.
func keyLine(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, key+":") {
			return i + 1
		}
	}
	return 0
}

// globRegexp turns a slash-separated glob with "**" into a regexp.
func globRegexp(pat string) (*regexp.Regexp, error) {
	if _, err := path.Match(strings.ReplaceAll(pat, "**", "*"), ""); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; {
		case strings.HasPrefix(pat[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(pat[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("(?:/.*)?$")
	return regexp.Compile(b.String())
}

// Excluded reports whether path (a file or folder) is excluded by the
// configuration's patterns, which are relative to the configuration's folder.
func (c *Config) Excluded(p string) bool {
	if c == nil || len(c.exclude) == 0 {
		return false
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(filepath.Dir(c.Path), abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, re := range c.exclude {
		if re.MatchString(rel) {
			return true
		}
	}
	return false
}

// Finder finds the configuration that applies to a file: the nearest
// .docklean.yaml in the file's folder or above it, up to the repository root
// (the first folder holding .git). Results are cached per folder; it is safe
// for concurrent use.
type Finder struct {
	mu    sync.Mutex
	cache map[string]result
}

// result is a cached lookup of Finder.
type result struct {
	c   *Config
	err error
}

// For returns the configuration for the file at path, or nil when none.
func (f *Finder) For(file string) (*Config, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	return f.dir(filepath.Dir(abs))
}

// dir returns the configuration for the files in dir.
func (f *Finder) dir(dir string) (*Config, error) {
	f.mu.Lock()
	if r, ok := f.cache[dir]; ok {
		f.mu.Unlock()
		return r.c, r.err
	}
	f.mu.Unlock()
	var r result
	p := filepath.Join(dir, FileName)
	if data, err := os.ReadFile(p); err == nil {
		r.c, r.err = parse(p, data)
	} else if !errors.Is(err, os.ErrNotExist) {
		r.err = err
	} else if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		if parent := filepath.Dir(dir); parent != dir {
			r.c, r.err = f.dir(parent)
		}
	}
	f.mu.Lock()
	if f.cache == nil {
		f.cache = map[string]result{}
	}
	f.cache[dir] = r
	f.mu.Unlock()
	return r.c, r.err
}

// Load reads the configuration file at path (for --config).
func Load(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return parse(file, data)
}
