package rebase

import (
	"fmt"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/tsv"
	"github.com/docklean/docklean/transform/data"
)

// data/slim-layers.tsv is generated from the docker-library Dockerfiles of
// the full images (see internal/genslim, run by the go:generate line in
// transform/tables.go); slim-commands.tsv and slim-builds.tsv are curated
// by hand (see docs/slim.md); slim-history.tsv is extracted from
// docker-library/official-images' history (the command is in its header).

// slimCmd is a command a full image has and its -slim variant lacks.
type slimCmd struct{ pkg, layer string }

// slimBuild is what docklean knows of a Python package or gem (name
// prefixed gem:): kind pure, wheel or build, and the Debian packages it
// needs on a -slim image.
type slimBuild struct {
	kind  string
	needs []string
}

var (
	// slimLayers maps a layer (curl, scm, full, python) to its packages.
	slimLayers = sync.OnceValue(func() map[string][]string {
		m := map[string][]string{}
		tsv.MustRows("slim-layers.tsv", data.SlimLayers, 2, func(_ int, f []string) {
			m[f[0]] = append(m[f[0]], f[1])
		})
		return m
	})
	// slimCommands maps a command name to its package and layer.
	slimCommands = sync.OnceValue(func() map[string]slimCmd {
		m := map[string]slimCmd{}
		tsv.MustRows("slim-commands.tsv", data.SlimCommands, 3, func(line int, f []string) {
			for _, c := range strings.Fields(f[2]) {
				if _, dup := m[c]; dup {
					panic(fmt.Sprintf("transform: data/slim-commands.tsv:%d: command %s twice", line, c))
				}
				m[c] = slimCmd{f[0], f[1]}
			}
		})
		return m
	})
	// slimHistory maps image and -slim tag no longer published to the
	// month it was last published (YYYY-MM).
	slimHistory = sync.OnceValue(func() map[string]map[string]string {
		m := map[string]map[string]string{}
		tsv.MustRows("slim-history.tsv", data.SlimHistory, 3, func(line int, f []string) {
			if m[f[0]] == nil {
				m[f[0]] = map[string]string{}
			}
			if _, dup := m[f[0]][f[1]]; dup {
				panic(fmt.Sprintf("rebase: data/slim-history.tsv:%d: %s:%s twice", line, f[0], f[1]))
			}
			m[f[0]][f[1]] = f[2]
		})
		return m
	})
	slimBuilds = sync.OnceValue(func() map[string]slimBuild {
		m := map[string]slimBuild{}
		tsv.MustRows("slim-builds.tsv", data.SlimBuilds, 3, func(line int, f []string) {
			if f[1] != "pure" && f[1] != "wheel" && f[1] != "build" {
				panic(fmt.Sprintf("transform: data/slim-builds.tsv:%d: kind %q", line, f[1]))
			}
			if _, dup := m[f[0]]; dup {
				panic(fmt.Sprintf("transform: data/slim-builds.tsv:%d: %s twice", line, f[0]))
			}
			m[f[0]] = slimBuild{f[1], strings.Fields(f[2])}
		})
		return m
	})
)
