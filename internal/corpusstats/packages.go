package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/alpinepkg"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
)

// Package coverage (issue 16 §1): the Debian package names the corpus's
// apt stages install, and whether the alpine pass can translate each one.
// The pass itself is the oracle: a name counts as mapped when a one-line
// stage installing only it converts, so the figure follows whatever tables
// (curated or generated) the pass uses.

var (
	aptInstallArgs = regexp.MustCompile(`\b(?:apt-get|apt|aptitude)\b[^;&|\n]*?\sinstall\b([^;&|)\n]*)`)
	debName        = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
)

// aptNames returns the package names the RUNs of stage s install with apt:
// literal words after install, without options, versions (name=1.2) and
// words holding variables or globs.
func aptNames(doc *parser.Document, s *parser.Stage) []string {
	var names []string
	for _, in := range s.Instructions {
		if in.Keyword != "run" {
			continue
		}
		text := strings.ReplaceAll(doc.Text(in), "\\\n", " ")
		for _, m := range aptInstallArgs.FindAllStringSubmatch(text, -1) {
			for _, w := range strings.Fields(m[1]) {
				if strings.HasPrefix(w, "#") {
					break
				}
				if strings.HasPrefix(w, "-") {
					continue
				}
				w, _, _ = strings.Cut(w, "=")
				if debName.MatchString(w) {
					names = append(names, w)
				}
			}
		}
	}
	return names
}

// curatedNames reads the first column of the curated table
// transform/data/debian-alpine.tsv, when it can be found from dir.
func curatedNames(dir string) map[string]bool {
	m := map[string]bool{}
	b, err := os.ReadFile(filepath.Join(dir, "transform", "data", "debian-alpine.tsv"))
	if err != nil {
		return nil
	}
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "debian\t") {
			continue
		}
		name, _, _ := strings.Cut(l, "\t")
		m[name] = true
	}
	return m
}

// nameMapped asks the alpine pass whether a stage installing only name
// converts (with a CMD: a file with none is a base image the pass leaves).
func nameMapped(name string, alpineOnly []*transform.Pass) bool {
	src := []byte("FROM debian:12\nRUN apt-get update && apt-get install -y " + name + "\nCMD [\"sh\"]\n")
	r, err := transform.Process("Dockerfile", src, alpineOnly, &transform.Options{})
	return err == nil && r.Changed(src)
}

// printCoverage prints, over the distinct names and over their uses (one per
// file that installs the name), the share the pass maps, split into names
// with a row in the curated table, in the generated one
// (debian-alpine-generated.tsv) and the others, and the most used names it
// cannot map.
func printCoverage(w io.Writer, uses map[string]int, curated map[string]bool) {
	alpineOnly, err := passes.Select([]string{"alpine"}, nil)
	if err != nil {
		panic(err)
	}
	var names []string
	for n := range uses {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if uses[names[i]] != uses[names[j]] {
			return uses[names[i]] > uses[names[j]]
		}
		return names[i] < names[j]
	})
	type tally struct{ names, uses int }
	var cur, gen, other, unknown, all tally
	var missing []string
	for _, n := range names {
		u := uses[n]
		all.names++
		all.uses += u
		switch {
		case !nameMapped(n, alpineOnly):
			unknown.names++
			unknown.uses += u
			missing = append(missing, n)
		case curated[n]:
			cur.names++
			cur.uses += u
		case alpinepkg.Generated(n):
			gen.names++
			gen.uses += u
		default:
			other.names++
			other.uses += u
		}
	}
	pct := func(a, b int) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
	}
	fmt.Fprintf(w, "\npackage names installed with apt\tdistinct\tuses (files)\n")
	fmt.Fprintf(w, "all\t%d\t%d\n", all.names, all.uses)
	fmt.Fprintf(w, "mapped, row in the curated table\t%d (%s)\t%d (%s)\n", cur.names, pct(cur.names, all.names), cur.uses, pct(cur.uses, all.uses))
	fmt.Fprintf(w, "mapped, row in the generated table\t%d (%s)\t%d (%s)\n", gen.names, pct(gen.names, all.names), gen.uses, pct(gen.uses, all.uses))
	fmt.Fprintf(w, "mapped otherwise (same name in Alpine)\t%d (%s)\t%d (%s)\n", other.names, pct(other.names, all.names), other.uses, pct(other.uses, all.uses))
	fmt.Fprintf(w, "not mapped (the stage is refused)\t%d (%s)\t%d (%s)\n", unknown.names, pct(unknown.names, all.names), unknown.uses, pct(unknown.uses, all.uses))
	if len(missing) > 40 {
		missing = missing[:40]
	}
	var top []string
	for _, n := range missing {
		top = append(top, fmt.Sprintf("%s (%d)", n, uses[n]))
	}
	fmt.Fprintf(w, "most used names not mapped: %s\n", strings.Join(top, ", "))
}
