package transform

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/tsv"
	"github.com/docklean/docklean/transform/data"
)

// The tables under data/ are described in docs/tables.md. debian-alpine.tsv
// and fedora-alpine.tsv are curated by hand; alpine-packages.txt and
// images.tsv are generated from the reference data (internal/refdata, a
// copy of ../shared/data) by:
//
//go:generate go run ../internal/gentables -out data
//go:generate go run ../internal/gendebian -root .. -out data
//go:generate go run ../internal/genimplicit -root .. -out data

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
	imageIndex = sync.OnceValue(func() map[string]string { return sections("images.tsv", data.Images) })
	imageCache sync.Map // image -> *imageTags, parsed on first use
)

// sections maps the headers of text to their sections (see tsv.Sections).
func sections(file, text string) map[string]string {
	m := map[string]string{}
	for name, body := range tsv.Sections(text) {
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

// tsvRows calls row for each data line of an embedded table (comment lines
// starting with # and the header line skipped), panicking with the file and
// line on a line without cols tab-separated fields: the tables are ours, and
// a broken one is a bug the tests catch.
func tsvRows(file, text string, cols int, row func(line int, f []string)) {
	if err := tsv.Rows(text, cols, row); err != nil {
		panic(fmt.Sprintf("transform: data/%s:%v", file, err))
	}
}
