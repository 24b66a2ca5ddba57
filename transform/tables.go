package transform

import (
	_ "embed"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/tsv"
)

// The tables under data/ are described in docs/tables.md. debian-alpine.tsv
// and fedora-alpine.tsv are curated by hand; alpine-packages.txt,
// alpine-arches.tsv and images.tsv are generated from the reference data (internal/refdata, a
// copy of ../shared/data) by:
//
//go:generate go run ../internal/gentables -out data
//go:generate go run ../internal/gendebian -root .. -out data
//go:generate go run ../internal/genimplicit -root .. -out data

//go:embed data/debian-alpine.tsv
var debianAlpineTSV string

//go:embed data/fedora-alpine.tsv
var fedoraAlpineTSV string

//go:embed data/alpine-packages.txt
var alpinePackagesTxt string

//go:embed data/alpine-arches.tsv
var alpineArchesTSV string

//go:embed data/images.tsv
var imagesTSV string

// debianToAlpine returns the Alpine packages that replace the Debian or
// Ubuntu package pkg in Alpine release (e.g. "3.24"). ok is false when
// Alpine has no known equivalent: the table says "-", or pkg has no entry
// and no Alpine package of that exact name exists, or a mapped name is not
// in that release. ok with an empty slice means the package is not needed
// on Alpine (drop it). pkg is a bare name: strip version pins (=1.2) and
// architecture qualifiers (:amd64) first.
func debianToAlpine(pkg, release string) (alpine []string, ok bool) {
	return mapPackage(debianTable().names, pkg, release)
}

// fedoraToAlpine is debianToAlpine for yum/dnf/microdnf package names
// (Fedora, RHEL, CentOS, Rocky, Alma, UBI). Group installs (@group) and
// names the table marks "-" are not ok.
func fedoraToAlpine(pkg, release string) ([]string, bool) {
	if strings.HasPrefix(pkg, "@") {
		return nil, false
	}
	return mapPackage(fedoraTable().names, pkg, release)
}

// partialArches returns the architectures Alpine builds package pkg for
// when they are not both x86_64 and aarch64, "" when they are.
func partialArches(pkg string) string { return archTable()[pkg] }

// refusedWhy is the table's reason for a package it maps to "-" (Alpine
// has no such package, or one of that name is other software), "" when
// the table does not refuse pkg.
func refusedWhy(fedora bool, pkg string) string {
	if fedora {
		return fedoraTable().refused[pkg]
	}
	return debianTable().refused[pkg]
}

func mapPackage(table map[string][]string, pkg, release string) ([]string, bool) {
	names, found := table[pkg]
	if !found {
		if alpinePackageExists(pkg, release) {
			return []string{pkg}, true
		}
		return nil, false
	}
	if names == nil {
		return nil, false
	}
	for _, n := range names {
		if !alpinePackageExists(n, release) {
			return nil, false
		}
	}
	return slices.Clone(names), true
}

// alpinePackageExists reports whether name is a package, or a virtual name
// from a package's provides=, in Alpine's main or community repository in
// release (e.g. "3.24"). testing does not count; so:, pc: and cmd: names
// are not known.
func alpinePackageExists(name, release string) bool {
	t := alpineTable()
	i := slices.Index(t.releases, release)
	return i >= 0 && t.mask(name)&(1<<i) != 0
}

// alpineReleases returns the Alpine releases the package data knows, oldest
// first; --alpine-version must be one of them.
func alpineReleases() []string {
	return slices.Clone(alpineTable().releases)
}

// alpineImageTag returns the Alpine variant of the official image
// image:tag (image without a docker.io/library/ prefix, tag "" meaning
// latest): python 3.12-slim-bookworm → 3.12-alpine, node 20 → 20-alpine,
// eclipse-temurin 21-jre-jammy → 21-jre-alpine. The tag it returns exists,
// now or since 2019 (still pullable). It refuses (ok false, with a reason a
// user can act on) when the image or that version never had an Alpine
// variant, when the closest Alpine tag would drop or add a variant (php
// 8.2-apache has no apache-alpine; php 8.2-alpine is not a web server), and
// when the tag is unknown. A tag that is already Alpine, or an image built
// on Alpine (traefik, registry), gives reason "already Alpine": nothing to
// do. Note that the full Debian variants of python, node, ruby and golang
// carry compilers and git (buildpack-deps) and their Alpine variants do not:
// see fullVariantNeeds and alpine_go.go.
func alpineImageTag(image, tag string) (newTag string, ok bool, reason string) {
	if tag == "" {
		tag = "latest"
	}
	const already = "already Alpine"
	if image == "alpine" || alpineTag(tag) {
		return "", false, already
	}
	if strings.Contains(tag, "windowsservercore") || strings.Contains(tag, "nanoserver") {
		return "", false, "a Windows image has no Alpine variant"
	}
	if alpineBased[image] {
		return "", false, already
	}
	tags := imageTagsOf(image)
	if tags == nil || !tags.hasAlpine {
		return "", false, fmt.Sprintf("%s has no Alpine variant among the official images", image)
	}
	row, found := tags.tags[tag]
	switch {
	case !found:
		return "", false, fmt.Sprintf("%s:%s is not a tag docklean knows (it tracks current tags and, since 2019, tags without a patch version), so no Alpine tag can be checked", image, tag)
	case row.alpine == "=":
		return "", false, already
	case row.alpine == "":
		return "", false, fmt.Sprintf("%s:%s never had an Alpine variant", image, tag)
	case !slices.Equal(variants(tag, false), variants(row.alpine, true)):
		return "", false, fmt.Sprintf("%s:%s has no Alpine variant of the same flavour (the closest, %s, is a different image)", image, tag, row.alpine)
	}
	if why := frozenAlpine(image, tag, row, tags); why != "" {
		return "", false, why
	}
	return row.alpine, true, ""
}

// alpineBased lists official images whose Linux tags are all built on
// Alpine although no tag says so.
var alpineBased = map[string]bool{"traefik": true, "registry": true}

// alpineTag reports whether a tag names an Alpine variant: a token
// "alpine" or "alpine3.20"/"alpine3" when split on "-".
func alpineTag(tag string) bool {
	for t := range strings.SplitSeq(tag, "-") {
		if rest, ok := strings.CutPrefix(t, "alpine"); ok && strings.Trim(rest, "0123456789.") == "" {
			return true
		}
	}
	return false
}

// osTokens are the tag tokens that name the base distribution rather than a
// flavour of the image; they are what the Alpine variant replaces. A token
// also matches with a version suffix (ubi9, al2023, centos7, debian13).
var osTokens = map[string]bool{
	"slim": true, "latest": true, "ubuntu": true, "debian": true, "minimal": true,
	"wheezy": true, "jessie": true, "stretch": true, "buster": true, "bullseye": true,
	"bookworm": true, "trixie": true, "forky": true,
	"xenial": true, "bionic": true, "focal": true, "jammy": true, "noble": true, "resolute": true,
	"centos": true, "ubi": true, "al": true, "almalinux": true, "oraclelinux": true,
}

// variants returns the sorted tokens of tag that say which flavour of the
// image it is: the version and variants such as fpm, jre or perl, without
// the distribution tokens (source tags) or Alpine tokens (Alpine tags).
func variants(tag string, isAlpine bool) []string {
	var vs []string
	prev := ""
	for t := range strings.SplitSeq(tag, "-") {
		drop := false
		if isAlpine {
			drop = alpineTag(t) || prev == "alpine" && strings.Trim(t, "0123456789.") == ""
		} else {
			base := strings.TrimRight(t, "0123456789.")
			drop = osTokens[t] || base != "" && osTokens[base] ||
				prev == "ubuntu" && strings.Trim(t, "0123456789.") == ""
		}
		if !drop {
			vs = append(vs, t)
		}
		prev = t
	}
	slices.Sort(vs)
	return vs
}

// imageTag is one tag of an official image in data/images.tsv.
type imageTag struct {
	alpine   string // "=" when the tag is Alpine-based, else the closest Alpine tag or ""
	release  string // Alpine release of that Alpine tag
	current  bool   // the tag exists at the data's HEAD
	lastSeen string // YYYY-MM
}

// imageTags is the known tags of one official image.
type imageTags struct {
	tags      map[string]imageTag
	hasAlpine bool
}

// The tables load on first use, each on its own, so that a run reads only
// what its passes ask for: a whole-table load of alpine-packages.txt and
// images.tsv costs some 30 ms, more than the rest of a one-file run.
var (
	debianTable = sync.OnceValue(func() *packageMap { return parseMapping("debian-alpine.tsv", debianAlpineTSV) })
	fedoraTable = sync.OnceValue(func() *packageMap { return parseMapping("fedora-alpine.tsv", fedoraAlpineTSV) })
	alpineTable = sync.OnceValue(func() *alpinePackages { return parseAlpinePackages(alpinePackagesTxt) })
	archTable   = sync.OnceValue(func() map[string]string {
		m := map[string]string{}
		tsvRows("alpine-arches.tsv", alpineArchesTSV, 2, func(_ int, f []string) { m[f[0]] = f[1] })
		return m
	})
	imageIndex = sync.OnceValue(func() map[string]string { return sections("images.tsv", imagesTSV) })
	imageCache sync.Map // image -> *imageTags, parsed on first use
)

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
	for header, body := range sectionSeq(text) {
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

// sectionSeq yields each "[header]" line of text (brackets removed) with
// the lines after it, up to the next header.
func sectionSeq(text string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for off := nextHeader(text, 0); off >= 0; {
			header, body, _ := strings.Cut(text[off:], "\n")
			next := nextHeader(text, off+len(header))
			if next >= 0 {
				body = body[:next-off-len(header)-1]
			}
			if !yield(strings.Trim(header, "[]"), body) {
				return
			}
			off = next
		}
	}
}

// nextHeader returns the offset of the first '[' at or after off that
// starts a line, or -1. It looks for '[' alone: IndexByte skips the other
// lines much faster than a search for "\n[".
func nextHeader(text string, off int) int {
	for {
		j := strings.IndexByte(text[off:], '[')
		if j < 0 {
			return -1
		}
		off += j
		if off == 0 || text[off-1] == '\n' {
			return off
		}
		off++
	}
}

// sections maps the headers of text to their sections (see sectionSeq).
func sections(file, text string) map[string]string {
	m := map[string]string{}
	for name, body := range sectionSeq(text) {
		if _, dup := m[name]; dup {
			panic("transform: data/" + file + ": duplicate section [" + name + "]")
		}
		m[name] = body
	}
	return m
}

// imageTagsOf returns the known tags of an official image, nil when the
// image is unknown.
func imageTagsOf(image string) *imageTags {
	if t, ok := imageCache.Load(image); ok {
		return t.(*imageTags)
	}
	body, ok := imageIndex()[image]
	if !ok {
		return nil
	}
	t, _ := imageCache.LoadOrStore(image, parseImageTags(body))
	return t.(*imageTags)
}

func parseImageTags(body string) *imageTags {
	img := &imageTags{tags: map[string]imageTag{}}
	for line := range strings.SplitSeq(body, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			panic("transform: data/images.tsv: bad line " + line)
		}
		img.tags[f[0]] = imageTag{alpine: f[1], release: f[2], current: f[3] == "y", lastSeen: f[4]}
		img.hasAlpine = img.hasAlpine || f[1] != ""
	}
	return img
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
