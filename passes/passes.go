// Package passes lists docklean's passes, one package each below this
// folder, and chooses among them. The pipeline that runs them is package
// transform's.
package passes

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/docklean/docklean/passes/alpine"
	"github.com/docklean/docklean/passes/cachecleanup"
	"github.com/docklean/docklean/passes/gomultistage"
	"github.com/docklean/docklean/passes/pin"
	"github.com/docklean/docklean/passes/runmerge"
	"github.com/docklean/docklean/passes/slim"
	"github.com/docklean/docklean/transform"
)

// all is every pass in pipeline order, derived once from their After
// lists; a cycle or an unknown name there, or two options of one name, is
// a programming error and panics on first use, so no run starts with a bad
// order or an ambiguous option.
var all = sync.OnceValue(func() []*transform.Pass {
	order, err := transform.Order([]*transform.Pass{alpine.Pass, cachecleanup.Pass, gomultistage.Pass, pin.Pass, runmerge.Pass, slim.Pass})
	if err != nil {
		panic("passes: " + err.Error())
	}
	seen := map[string]string{}
	for _, p := range order {
		for _, o := range p.Options {
			if by, ok := seen[o.Name]; ok {
				panic(fmt.Sprintf("passes: option %s of %s is also one of %s", o.Name, p.Name, by))
			}
			seen[o.Name] = p.Name
		}
	}
	return order
})

// All returns every pass in pipeline order: each after the passes its
// After names.
func All() []*transform.Pass { return all() }

// Options returns the options every pass declares, in pipeline order:
// the CLI's flags and the configuration file's keys for them.
func Options() []*transform.Option {
	var opts []*transform.Option
	for _, p := range All() {
		opts = append(opts, p.Options...)
	}
	return opts
}

// Option returns the option of a pass named name, nil when none.
func Option(name string) *transform.Option {
	for _, o := range Options() {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// Select returns the passes named in only (all when empty) minus those in
// skip, in pipeline order. Unknown names are an error.
func Select(only, skip []string) ([]*transform.Pass, error) {
	for _, n := range append(slices.Clone(only), skip...) {
		if !slices.ContainsFunc(All(), func(p *transform.Pass) bool { return p.Name == n }) {
			var known []string
			for _, p := range All() {
				known = append(known, p.Name)
			}
			return nil, fmt.Errorf("unknown pass %q (passes: %s)", n, strings.Join(known, ", "))
		}
	}
	var ps []*transform.Pass
	for _, p := range All() {
		if (len(only) == 0 || slices.Contains(only, p.Name)) && !slices.Contains(skip, p.Name) {
			ps = append(ps, p)
		}
	}
	return ps, nil
}
