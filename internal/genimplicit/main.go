// Command genimplicit builds transform/data/debian-implicit.tsv: the Debian
// packages whose dependency closure brings, besides commands, something a
// program relies on (fonts, Mesa's DRI drivers, nmap's NSE scripts, the
// Debian archive keyring) that the Alpine packages docklean maps them to do
// not bring, and the Alpine packages to add for it (issue 18 §3).
//
// It works in two steps, so that a fresh clone regenerates the table from
// committed inputs:
//
//  1. extract (run by hand on a Debian bookworm machine): reads
//     `apt-cache dumpavail` and writes internal/genimplicit/input/
//     bookworm-relations.tsv, the relations of the packages reachable
//     from the seeds (see input/SOURCE.md).
//
//     go run ./internal/genimplicit -extract
//
//  2. generate (go generate ./transform, and the drift test): reads the
//     inputs and writes transform/data/debian-implicit.tsv.
//
//     go run ./internal/genimplicit -root .. -out data
//
// A row says: installing the Debian package brings the trigger (through
// Depends, or only through its own Recommends, or the trigger is in every Debian
// base image and the package depends on or recommends it, so it is there
// either way). Packages of the Debian base image are not walked through:
// what they bring is in every Debian image and is no sign that the package
// installed needs it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/debpkg"
	"github.com/docklean/docklean/internal/tsv"
)

func main() {
	extract := flag.Bool("extract", false, "write input/bookworm-relations.tsv from apt-cache dumpavail")
	root := flag.String("root", ".", "repository root")
	out := flag.String("out", "", "folder for debian-implicit.tsv (default ROOT/transform/data)")
	flag.Parse()
	if *out == "" {
		*out = filepath.Join(*root, "transform", "data")
	}
	in := filepath.Join(*root, "internal", "genimplicit", "input")
	if err := run(*extract, *root, in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genimplicit:", err)
		os.Exit(1)
	}
}

func run(extract bool, root, in, out string) error {
	if extract {
		dump, err := exec.Command("apt-cache", "dumpavail").Output()
		if err != nil {
			return err
		}
		rel, err := doExtract(root, dump)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(in, "bookworm-relations.tsv"), rel, 0o644); err != nil {
			return err
		}
	}
	b, err := generate(root, in)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "debian-implicit.tsv"), b, 0o644)
}

// debPkg is a Debian package's relations, first alternatives only.
type debPkg struct {
	base       bool // Priority required or important, or Essential
	deps, recs []string
}

// doExtract reduces a dumpavail to the relations of the packages reachable
// from the seeds.
func doExtract(root string, dump []byte) ([]byte, error) {
	pkgs := map[string]*debPkg{}
	providers := map[string][]string{}
	err := debpkg.Stanzas(bytes.NewReader(dump), func(f map[string]string) {
		name := f["Package"]
		if pkgs[name] != nil {
			return
		}
		p := &debPkg{base: f["Priority"] == "required" || f["Priority"] == "important" || f["Essential"] == "yes",
			deps: debpkg.FirstAlts(f["Pre-Depends"] + "," + f["Depends"]), recs: debpkg.FirstAlts(f["Recommends"])}
		pkgs[name] = p
		for _, v := range debpkg.Names(f["Provides"]) {
			providers[v] = append(providers[v], name)
		}
	})
	if err != nil {
		return nil, err
	}
	resolve := func(ns []string) []string {
		var out []string
		for _, n := range ns {
			if pkgs[n] == nil && len(providers[n]) > 0 {
				n = slices.Min(providers[n])
			}
			if pkgs[n] != nil && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out
	}
	seeds, err := seedNames(root)
	if err != nil {
		return nil, err
	}
	var queue []string
	for n, p := range pkgs {
		if seeds[n] || p.base {
			queue = append(queue, n)
		}
	}
	keep := map[string]bool{}
	for len(queue) > 0 {
		n := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if keep[n] || pkgs[n] == nil {
			continue
		}
		keep[n] = true
		p := pkgs[n]
		p.deps, p.recs = resolve(p.deps), resolve(p.recs)
		queue = append(append(queue, p.deps...), p.recs...)
	}
	trig, err := triggers(root)
	if err != nil {
		return nil, err
	}
	keep = ancestors(pkgs, keep, trig)
	var b bytes.Buffer
	b.WriteString("# Debian bookworm (amd64, main) relations from apt-cache dumpavail; written by go run ./internal/genimplicit -extract (see SOURCE.md).\n")
	b.WriteString("# Columns: package, base (r = required/important/Essential, - = not), Pre-Depends+Depends, Recommends (first alternative; a virtual name is its first provider by name).\n")
	b.WriteString("package\tbase\tdepends\trecommends\n")
	for _, n := range sortedKeys(keep) {
		p := pkgs[n]
		base := "-"
		if p.base {
			base = "r"
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", n, base, strings.Join(p.deps, " "), strings.Join(p.recs, " "))
	}
	return b.Bytes(), nil
}

// ancestors keeps, of the kept packages, the triggers and those from
// which one is reached (through Depends and Recommends, not through a base
// package): no other package can have a row.
func ancestors(pkgs map[string]*debPkg, keep map[string]bool, trig [][]string) map[string]bool {
	rev := map[string][]string{}
	for n := range keep {
		if p := pkgs[n]; !p.base {
			for _, d := range append(slices.Clone(p.deps), p.recs...) {
				rev[d] = append(rev[d], n)
			}
		}
	}
	out := map[string]bool{}
	var queue []string
	for _, t := range trig {
		queue = append(queue, t[0])
	}
	for len(queue) > 0 {
		n := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if out[n] || !keep[n] {
			continue
		}
		out[n] = true
		queue = append(queue, rev[n]...)
	}
	return out
}

// triggers reads transform/data/implicit-triggers.tsv (without its
// header): trigger, class, alpine, satisfied, evidence.
func triggers(root string) ([][]string, error) {
	return readTSV(filepath.Join(root, "transform", "data", "implicit-triggers.tsv"), 5)
}

// seedNames are the Debian names docklean maps to Alpine: the rows of
// debian-alpine.tsv with Alpine packages, and every Alpine package name
// (a Debian package of that name maps to itself).
func seedNames(root string) (map[string]bool, error) {
	seeds := map[string]bool{}
	m, err := mapping(root)
	if err != nil {
		return nil, err
	}
	for d, a := range m {
		if len(a) > 0 && a[0] != "-" {
			seeds[d] = true
		}
	}
	alp, err := alpineNames(root)
	for n := range alp {
		seeds[n] = true
	}
	return seeds, err
}

// generate writes the table from the committed inputs.
func generate(root, in string) ([]byte, error) {
	rel, err := readTSV(filepath.Join(in, "bookworm-relations.tsv"), 4)
	if err != nil {
		return nil, err
	}
	pkgs := map[string]*debPkg{}
	for _, f := range rel {
		pkgs[f[0]] = &debPkg{base: f[1] == "r", deps: strings.Fields(f[2]), recs: strings.Fields(f[3])}
	}
	trig, err := triggers(root)
	if err != nil {
		return nil, err
	}
	m, err := mapping(root)
	if err != nil {
		return nil, err
	}
	alp, err := alpineNames(root)
	if err != nil {
		return nil, err
	}
	for _, t := range trig {
		for _, a := range strings.Fields(t[2]) {
			if a != "-" && !alp[a] {
				return nil, fmt.Errorf("implicit-triggers.tsv: %s is not an Alpine package", a)
			}
		}
	}
	var b bytes.Buffer
	b.WriteString("# Debian packages whose closure brings a non-command need (fonts, DRI drivers, companion data, keyrings) that their Alpine packages lack.\n")
	b.WriteString("# Generated by internal/genimplicit from internal/genimplicit/input (see SOURCE.md there); do not edit.\n")
	b.WriteString("# when: depends = always installed with it; recommends = only when apt installs Recommends; base = in every Debian image and used by it.\n")
	b.WriteString("# trigger: a row of implicit-triggers.tsv (what Alpine needs instead, and why); chain: the Debian relations (-> Depends, ~> Recommends).\n")
	b.WriteString("debian\twhen\ttrigger\tchain\n")
	for _, n := range sortedKeys(pkgs) {
		mapped, ok := m[n]
		if !ok && alp[n] {
			mapped = []string{n}
		}
		if len(mapped) == 0 || mapped[0] == "-" || pkgs[n].base {
			continue
		}
		for _, t := range trig {
			if slices.ContainsFunc(mapped, func(a string) bool { return strings.HasPrefix(a, t[3]) }) {
				continue // the Alpine packages it maps to give it
			}
			when, chain := reach(pkgs, n, t[0])
			if when == "" {
				continue
			}
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", n, when, t[0], strings.Join(chain, " "))
		}
	}
	return b.Bytes(), nil
}

// reach finds how installing from brings the trigger: "depends" through
// Depends alone, "recommends" only with Recommends, "base" when the trigger
// is in every Debian image and from depends on or recommends it; "" when it
// does not. chain is the path, a Recommends edge marked "~>".
func reach(pkgs map[string]*debPkg, from, trigger string) (string, []string) {
	if c := path(pkgs, from, trigger, false); c != nil {
		if pkgs[trigger] != nil && pkgs[trigger].base {
			return "base", c
		}
		return "depends", c
	}
	if c := path(pkgs, from, trigger, true); c != nil {
		if pkgs[trigger] != nil && pkgs[trigger].base {
			return "base", c
		}
		return "recommends", c
	}
	return "", nil
}

// path is the shortest chain from one package to another (breadth first,
// in the order of the relations), not walking through base packages. With
// recs, the package's own Recommends count too, and only they: what it
// recommends is what it uses directly (data, fonts, plugins, keyrings);
// a Recommends further down names a program of another package (gcc ~>
// libc6-dev -> libc-dev-bin ~> libc-devtools reaches fonts through
// memusagestat, which a gcc stage does not run).
func path(pkgs map[string]*debPkg, from, to string, recs bool) []string {
	type edge struct {
		prev string
		rec  bool
	}
	seen := map[string]edge{from: {}}
	queue := []string{from}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == to {
			var out []string
			for n != from {
				e := seen[n]
				arrow := "->"
				if e.rec {
					arrow = "~>"
				}
				out = append([]string{arrow, n}, out...)
				n = e.prev
			}
			return append([]string{from}, out...)
		}
		p := pkgs[n]
		if p == nil || n != from && p.base {
			continue
		}
		next := func(ns []string, rec bool) {
			for _, d := range ns {
				if _, ok := seen[d]; !ok {
					seen[d] = edge{n, rec}
					queue = append(queue, d)
				}
			}
		}
		next(p.deps, false)
		if recs && n == from {
			next(p.recs, true)
		}
	}
	return nil
}

// mapping reads transform/data/debian-alpine.tsv: Debian name → Alpine
// names ("-" refused, none dropped), and for the names it lacks the rows
// of debian-alpine-generated.tsv (internal/genlongtail), as
// alpinepkg.FromDebian does.
func mapping(root string) (map[string][]string, error) {
	rows, err := readTSV(filepath.Join(root, "transform", "data", "debian-alpine.tsv"), 3)
	if err != nil {
		return nil, err
	}
	m := map[string][]string{}
	for _, f := range rows {
		m[f[0]] = strings.Fields(f[1])
	}
	gen, err := readTSV(filepath.Join(root, "transform", "data", "debian-alpine-generated.tsv"), 4)
	for _, f := range gen {
		if _, curated := m[f[0]]; !curated {
			m[f[0]] = strings.Fields(f[1])
		}
	}
	return m, err
}

// alpineNames reads the Alpine package names of every release in
// transform/data/alpine-packages.txt.
func alpineNames(root string) (map[string]bool, error) {
	b, err := os.ReadFile(filepath.Join(root, "transform", "data", "alpine-packages.txt"))
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, names := range tsv.Sections(string(b)) {
		for _, n := range strings.Fields(names) {
			out[n] = true
		}
	}
	return out, nil
}

// readTSV returns the rows of a table (tsv.Rows: comments and the header
// skipped), each with exactly cols fields.
func readTSV(name string, cols int) ([][]string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var rows [][]string
	err = tsv.Rows(string(b), cols, func(_ int, f []string) { rows = append(rows, f) })
	if err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	return rows, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
