// Command genlongtail builds transform/data/debian-alpine-generated.tsv:
// Alpine equivalents of Debian packages that the curated
// debian-alpine.tsv has no row for, each derived by a rule from the
// packages' own data and written with its evidence (issue 16 §1). A
// package no rule decides gets no row: docklean then refuses it, as
// before.
//
// The rules (rules.go) match a Debian package's source package to the
// Alpine origin (aport) of the same name and upstream version line, then:
//
//   - dev: a -dev package, when its source builds no other -dev package,
//     maps to the origin's -dev subpackage;
//   - lib: a library package maps to the Alpine package that ships its
//     libraries, per the origin's split functions, when Debian ships the
//     same sonames from bookworm to sid and Alpine's version lies between;
//   - tools: a package of commands maps to the Alpine packages that ship
//     each of them, per the origin's split functions and cmd: evidence.
//
// It works in two steps, so that a fresh clone regenerates the table from
// inputs committed under internal/genlongtail/input/ (see SOURCE.md there):
//
//  1. extract (run by hand; needs Debian's archive and an aports clone at
//     the commit of the reference data): keeps, for the Debian names in
//     input/candidates.txt, their packages' source, version, commands and
//     libraries (bookworm, trixie), their sources' -dev packages and
//     sonames (bookworm, trixie, sid), and the split functions of the
//     Alpine origins they match.
//
//     go run ./internal/genlongtail -extract -debian /tmp/deb -aports /path/to/aports
//
//  2. generate (go generate ./transform, and the drift test):
//
//     go run ./internal/genlongtail -root .. -out data
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	extract := flag.Bool("extract", false, "rebuild the committed inputs from Debian's indexes and aports")
	debian := flag.String("debian", "", "extract: folder with bookworm/, trixie/ and sid/, each holding Packages.xz and Contents-amd64.gz (and Contents-all.gz for bookworm and trixie)")
	aports := flag.String("aports", "", "extract: a clone of alpinelinux/aports (or a mirror) at the reference data's commit")
	root := flag.String("root", ".", "repository root")
	out := flag.String("out", "", "folder for debian-alpine-generated.tsv (default ROOT/transform/data)")
	report := flag.Bool("report", false, "print the candidates no rule decides, with the reason, and the rules' answer for the curated rows")
	flag.Parse()
	if *out == "" {
		*out = filepath.Join(*root, "transform", "data")
	}
	in := filepath.Join(*root, "internal", "genlongtail", "input")
	if err := run(*extract, *report, *root, in, *out, *debian, *aports); err != nil {
		fmt.Fprintln(os.Stderr, "genlongtail:", err)
		os.Exit(1)
	}
}

func run(extract, report bool, root, in, out, debian, aports string) error {
	if extract {
		if debian == "" || aports == "" {
			return fmt.Errorf("-extract needs -debian and -aports")
		}
		if err := doExtract(in, debian, aports); err != nil {
			return err
		}
	}
	d, err := loadInputs(root, in)
	if err != nil {
		return err
	}
	if report {
		d.printReport(os.Stdout)
	}
	return os.WriteFile(filepath.Join(out, "debian-alpine-generated.tsv"), d.table(), 0o644)
}

// doExtract rewrites the inputs debian.tsv, sources.tsv and aports.tsv
// from the full indexes.
func doExtract(in, debianDir, aportsDir string) error {
	cands, err := readCandidates(in)
	if err != nil {
		return err
	}
	alp, err := loadAlpine()
	if err != nil {
		return err
	}
	pkgs, srcs, err := extractDebian(debianDir, cands)
	if err != nil {
		return err
	}
	if err := writeDebian(in, pkgs, srcs); err != nil {
		return err
	}
	origins := map[string]bool{}
	for _, p := range pkgs {
		if o := alp.originFor(p.source); o != "" {
			origins[o] = true
		}
	}
	return extractAports(in, aportsDir, alp, origins)
}

// readCandidates reads input/candidates.txt: one Debian name a line,
// # comments.
func readCandidates(in string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(in, "candidates.txt"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out, nil
}
