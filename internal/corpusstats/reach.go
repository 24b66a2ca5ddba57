package main

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// family is the class of image a file's final stage ends on, for the reach
// breakdown (issue 17): what a smaller glibc or musl base could be.
type family string

const (
	famUbuntu     family = "ubuntu (the official image is Ubuntu's minimal one: no -slim variant)"
	famDebian     family = "debian:X (→ debian:X-slim)"
	famBuildpack  family = "buildpack-deps (→ debian:X-slim / ubuntu:X)"
	famSlimLang   family = "python/node/ruby/perl/rust (→ -slim)"
	famOpenJDK    family = "openjdk (→ -slim where the tag exists)"
	famGolang     family = "golang (→ go multi-stage or golang:alpine)"
	famOtherLang  family = "other official image with no -slim variant (php, nginx, httpd, gcc, maven, eclipse-temurin, …)"
	famUnfamiliar family = "other"
)

// familyOf classes the image a final stage ends on.
func familyOf(ref string) family {
	name, _, _ := strings.Cut(strings.ToLower(ref), "@")
	name, _, _ = strings.Cut(name, ":")
	name = strings.TrimPrefix(strings.TrimPrefix(name, "docker.io/"), "library/")
	switch name {
	case "ubuntu":
		return famUbuntu
	case "debian":
		return famDebian
	case "buildpack-deps":
		return famBuildpack
	case "python", "node", "ruby", "perl", "rust":
		return famSlimLang
	case "openjdk":
		return famOpenJDK
	case "golang":
		return famGolang
	}
	if langImages[name] {
		return famOtherLang
	}
	return famUnfamiliar
}

// slimLeft strips the stage and image a slim refusal starts with.
var slimLeft = regexp.MustCompile(`^stage (\d+|"[^"]*") left (on \S+|unchanged): `)

// blocker is why a file's final stage keeps its full base: the refusal of
// the slim pass (or else go-multistage, or else alpine) on a line of a
// stage that shares the final stage's root image, as a pattern; "(no
// refusal)" when none of them said anything.
func blocker(doc *parser.Document, findings []transform.Finding) string {
	final := doc.Stages[len(doc.Stages)-1]
	root := final
	for root.Parent != nil {
		root = root.Parent
	}
	inTree := func(line int) bool {
		for _, s := range doc.Stages {
			r := s
			for r.Parent != nil {
				r = r.Parent
			}
			if r == root && line >= s.From.StartLine && line <= s.Instructions[len(s.Instructions)-1].EndLine {
				return true
			}
		}
		return false
	}
	for _, pass := range []string{"slim", "go-multistage", "alpine"} {
		for _, f := range findings {
			if f.Kind == transform.Refused && f.Pass == pass && inTree(f.Line) {
				return pass + ": " + pattern(slimLeft.ReplaceAllString(f.Message, ""))
			}
		}
	}
	return "(no refusal)"
}

// printReach prints the files whose final stage is on a full image: how
// many get a smaller final base, per family, and the blockers of the rest.
func (st *stats) printReach(w io.Writer) {
	type counts struct{ files, smaller int }
	fams := map[family]*counts{}
	blocks := map[family]map[string]int{}
	var full, smaller int
	for _, f := range st.files {
		if f.err != "" || !f.fullFinal {
			continue
		}
		full++
		c := fams[f.family]
		if c == nil {
			c = &counts{}
			fams[f.family] = c
			blocks[f.family] = map[string]int{}
		}
		c.files++
		if f.smaller {
			smaller++
			c.smaller++
			continue
		}
		blocks[f.family][f.blocker]++
	}
	fmt.Fprintf(w, "\nfiles whose final stage is on a full image, by family: smaller final base / files\n")
	fmt.Fprintf(w, "%d / %d\tall\n", smaller, full)
	names := make([]family, 0, len(fams))
	for k := range fams {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return fams[names[i]].files > fams[names[j]].files })
	for _, n := range names {
		fmt.Fprintf(w, "%d / %d\t%s\n", fams[n].smaller, fams[n].files, n)
		for _, b := range sortedCounts(blocks[n]) {
			fmt.Fprintf(w, "\t%4d  %s\n", b.v, b.k)
		}
	}
}

type kv struct {
	k string
	v int
}

// sortedCounts returns m by count, then key.
func sortedCounts(m map[string]int) []kv {
	var rs []kv
	for k, v := range m {
		rs = append(rs, kv{k, v})
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].v != rs[j].v {
			return rs[i].v > rs[j].v
		}
		return rs[i].k < rs[j].k
	})
	return rs
}

// printLeft lists the files whose final stage is on a full image and keeps
// its base: file, base, blocker.
func (st *stats) printLeft(w io.Writer) {
	fmt.Fprintf(w, "\nfiles whose final stage keeps its full base (file, base, blocker)\n")
	for _, f := range st.files {
		if f.err == "" && f.fullFinal && !f.smaller {
			fmt.Fprintf(w, "%s\t%s\t%s\n", f.rel, f.base, f.blocker)
		}
	}
}
