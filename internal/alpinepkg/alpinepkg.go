// Package alpinepkg answers which Alpine packages exist, in which Alpine
// release, and which replace a Debian, Ubuntu or Fedora package: the tables
// debian-alpine.tsv, fedora-alpine.tsv and alpine-packages.txt of
// transform/data (docs/tables.md).
package alpinepkg

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/tsv"
	"github.com/docklean/docklean/transform/data"
)

// The tables load on first use, each on its own, so that a run reads only
// what its passes ask for: a whole-table load of alpine-packages.txt costs
// some 30 ms with images.tsv, more than the rest of a one-file run.
var (
	debianTable = sync.OnceValue(func() *packageMap { return parseMapping("debian-alpine.tsv", data.DebianAlpine) })
	longTail    = sync.OnceValue(func() map[string][]string {
		m := map[string][]string{}
		tsvRows("debian-alpine-generated.tsv", data.DebianAlpineGenerated, 4, func(_ int, f []string) { m[f[0]] = strings.Fields(f[1]) })
		return m
	})
	fedoraTable = sync.OnceValue(func() *packageMap { return parseMapping("fedora-alpine.tsv", data.FedoraAlpine) })
	alpineTable = sync.OnceValue(func() *alpinePackages { return parseAlpinePackages(data.AlpinePackages) })
	archTable   = sync.OnceValue(func() map[string]string {
		m := map[string]string{}
		tsvRows("alpine-arches.tsv", data.AlpineArches, 2, func(_ int, f []string) { m[f[0]] = f[1] })
		return m
	})
)

// FromDebian returns the Alpine packages that replace the Debian or
// Ubuntu package pkg in Alpine release (e.g. "3.24"). The curated table
// decides first (a "-" row refuses); a name it lacks takes the generated
// table's row, then an Alpine package of exactly that name. ok is false
// when Alpine has no known equivalent: the curated table says "-", or no
// table has pkg and no Alpine package of that name exists, or a mapped
// name is not in that release. ok with an empty slice means the package
// is not needed on Alpine (drop it). pkg is a bare name: strip version
// pins (=1.2) and architecture qualifiers (:amd64) first.
func FromDebian(pkg, release string) (alpine []string, ok bool) {
	t := debianTable().names
	if _, curated := t[pkg]; !curated {
		if names, generated := longTail()[pkg]; generated {
			return existing(names, release)
		}
	}
	return mapPackage(t, pkg, release)
}

// Generated reports whether FromDebian answers for pkg from the generated
// table (debian-alpine-generated.tsv), which has rows only for names the
// curated table lacks.
func Generated(pkg string) bool {
	_, curated := debianTable().names[pkg]
	_, generated := longTail()[pkg]
	return generated && !curated
}

// FromFedora is FromDebian for yum/dnf/microdnf package names
// (Fedora, RHEL, CentOS, Rocky, Alma, UBI). Group installs (@group) and
// names the table marks "-" are not ok.
func FromFedora(pkg, release string) ([]string, bool) {
	if strings.HasPrefix(pkg, "@") {
		return nil, false
	}
	return mapPackage(fedoraTable().names, pkg, release)
}

// PartialArches returns the architectures Alpine builds package pkg for
// when they are not both x86_64 and aarch64, "" when they are.
func PartialArches(pkg string) string { return archTable()[pkg] }

// RefusedWhy is the table's reason for a package it maps to "-" (Alpine
// has no such package, or one of that name is other software), "" when
// the table does not refuse pkg.
func RefusedWhy(fedora bool, pkg string) string {
	if fedora {
		return fedoraTable().refused[pkg]
	}
	return debianTable().refused[pkg]
}

func mapPackage(table map[string][]string, pkg, release string) ([]string, bool) {
	names, found := table[pkg]
	if !found {
		if Exists(pkg, release) {
			return []string{pkg}, true
		}
		return nil, false
	}
	if names == nil {
		return nil, false
	}
	return existing(names, release)
}

// existing returns names when each is in Alpine release.
func existing(names []string, release string) ([]string, bool) {
	for _, n := range names {
		if !Exists(n, release) {
			return nil, false
		}
	}
	return slices.Clone(names), true
}

// Exists reports whether name is a package, or a virtual name
// from a package's provides=, in Alpine's main or community repository in
// release (e.g. "3.24"). testing does not count; so:, pc: and cmd: names
// are not known.
func Exists(name, release string) bool {
	t := alpineTable()
	i := slices.Index(t.releases, release)
	return i >= 0 && t.mask(name)&(1<<i) != 0
}

// Releases returns the Alpine releases the package data knows, oldest
// first; --alpine-version must be one of them.
func Releases() []string {
	return slices.Clone(alpineTable().releases)
}

// alpinePackages is data/alpine-packages.txt: groups of names, each name
// in exactly the releases of its group.
type alpinePackages struct {
	releases []string // oldest first
	groups   []alpineGroup
}

type alpineGroup struct {
	mask  uint8  // bit i: in releases[i]
	names string // one name a line, sorted, as the generator writes them
}

func parseAlpinePackages(text string) *alpinePackages {
	t := &alpinePackages{}
	for header, body := range tsv.Sections(text) {
		g := alpineGroup{names: body}
		for _, r := range strings.Fields(header) {
			i := slices.Index(t.releases, r)
			if i < 0 {
				i = len(t.releases)
				t.releases = append(t.releases, r)
			}
			g.mask |= 1 << i
		}
		t.groups = append(t.groups, g)
	}
	if len(t.releases) > 8 || !slices.IsSorted(t.releases) {
		panic("transform: data/alpine-packages.txt: want at most 8 releases, oldest first")
	}
	return t
}

// mask returns the releases name is in, bit i for releases[i].
func (t *alpinePackages) mask(name string) uint8 {
	var m uint8
	for _, g := range t.groups {
		if hasLine(g.names, name) {
			m |= g.mask
		}
	}
	return m
}

// hasLine reports whether the sorted lines of text include line: a binary
// search over the text itself, so the table needs no loading.
func hasLine(text, line string) bool {
	lo, hi := 0, len(text) // text[lo:hi] is whole lines
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(text[lo:mid], '\n') + 1
		end := hi
		if i := strings.IndexByte(text[start:hi], '\n'); i >= 0 {
			end = start + i
		}
		switch l := text[start:end]; {
		case l == line:
			return true
		case l < line:
			lo = end + 1
		default:
			hi = start
		}
	}
	return false
}

// packageMap is a curated Debian or Fedora → Alpine table.
type packageMap struct {
	names   map[string][]string // nil for "-", empty for "drop it"
	refused map[string]string   // the note of each "-" row
}

// parseMapping reads a curated table: a header line, then lines
// "from<TAB>to<TAB>note" where to is space-separated names, "-" for no
// equivalent, or empty for "drop it". Lines starting with # are comments.
func parseMapping(file, text string) *packageMap {
	m := map[string][]string{}
	refused := map[string]string{}
	tsvRows(file, text, 3, func(line int, f []string) {
		if f[0] == "" || (f[1] == "-" || f[1] == "") && strings.TrimSpace(f[2]) == "" {
			panic(fmt.Sprintf("transform: data/%s:%d: want from<TAB>to<TAB>note (a note is required for - and drops): %q", file, line, strings.Join(f, "\t")))
		}
		if _, dup := m[f[0]]; dup {
			panic(fmt.Sprintf("transform: data/%s:%d: duplicate entry %s", file, line, f[0]))
		}
		switch f[1] {
		case "-":
			m[f[0]] = nil
			refused[f[0]] = strings.TrimSpace(f[2])
		default:
			m[f[0]] = append([]string{}, strings.Fields(f[1])...)
		}
	})
	return &packageMap{names: m, refused: refused}
}

// tsvRows calls row for each data line of an embedded table (comment lines
// starting with # and the header line skipped), panicking with the file and
// line on a line without cols tab-separated fields: the tables are ours, and
// a broken one is a bug the tests catch.
func tsvRows(file, text string, cols int, row func(line int, f []string)) {
	if err := tsv.Rows(text, cols, row); err != nil {
		panic(fmt.Sprintf("transform: data/%s:%v", file, err))
	}
}
