// Package images knows the tags of the official Docker images and their
// Alpine variants, from images.tsv of transform/data (docs/tables.md): the
// tags that exist now or existed since 2019, and the Alpine tag that
// replaces each.
package images

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/tsv"
	"github.com/docklean/docklean/transform/data"
)

// images.tsv loads on first use, one image at a time: a whole-table load
// costs some 30 ms, more than the rest of a one-file run.
var (
	imageIndex = sync.OnceValue(func() map[string]string { return sections("images.tsv", data.Images) })
	imageCache sync.Map // image -> *Image, parsed on first use
)

// AlpineVariant returns the Alpine variant of the official image
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
// see fullVariantNeeds and passes/alpine/go.go.
func AlpineVariant(image, tag string) (newTag string, ok bool, reason string) {
	if tag == "" {
		tag = "latest"
	}
	const already = "already Alpine"
	if image == "alpine" || IsAlpine(tag) {
		return "", false, already
	}
	if strings.Contains(tag, "windowsservercore") || strings.Contains(tag, "nanoserver") {
		return "", false, "a Windows image has no Alpine variant"
	}
	if alpineBased[image] {
		return "", false, already
	}
	tags := Lookup(image)
	if tags == nil || !tags.hasAlpine {
		return "", false, fmt.Sprintf("%s has no Alpine variant among the official images", image)
	}
	row, found := tags.Tags[tag]
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

// IsAlpine reports whether a tag names an Alpine variant: a token
// "alpine" or "alpine3.20"/"alpine3" when split on "-".
func IsAlpine(tag string) bool {
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
			drop = IsAlpine(t) || prev == "alpine" && strings.Trim(t, "0123456789.") == ""
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

// Tag is one tag of an official image in data/images.tsv.
type Tag struct {
	alpine   string // "=" when the tag is Alpine-based, else the closest Alpine tag or ""
	release  string // Alpine release of that Alpine tag
	Current  bool   // the tag exists at the data's HEAD
	LastSeen string // YYYY-MM
}

// Image is the known tags of one official image.
type Image struct {
	Tags      map[string]Tag
	hasAlpine bool
}

// frozenAlpine says why image:tag must not move to its closest Alpine tag
// because that tag's software is older (issue 18 §5, never older): the
// Alpine tag stopped being published before the tag itself did (a frozen
// -alpine line: tomcat:7-alpine last built 2019-05 while tomcat:7 was
// updated until 2021-07). The months come from the official-images
// snapshots in data/images.tsv (last_seen, monthly); "" when the Alpine
// tag was published as long as the tag.
func frozenAlpine(image, tag string, row Tag, tags *Image) string {
	a, ok := tags.Tags[row.alpine]
	if !ok || a.LastSeen == "" || row.LastSeen == "" || a.LastSeen >= row.LastSeen {
		return ""
	}
	return fmt.Sprintf("%s:%s's Alpine variant %s was last published in %s, while %s:%s was updated until %s: the Alpine line is frozen and its software older; keep the base, or move to a newer version that has a current Alpine tag", image, tag, row.alpine, a.LastSeen, image, tag, row.LastSeen)
}

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

// Lookup returns the known tags of an official image, nil when the
// image is unknown.
func Lookup(image string) *Image {
	if t, ok := imageCache.Load(image); ok {
		return t.(*Image)
	}
	body, ok := imageIndex()[image]
	if !ok {
		return nil
	}
	t, _ := imageCache.LoadOrStore(image, parseImageTags(body))
	return t.(*Image)
}

func parseImageTags(body string) *Image {
	img := &Image{Tags: map[string]Tag{}}
	for line := range strings.SplitSeq(body, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			panic("transform: data/images.tsv: bad line " + line)
		}
		img.Tags[f[0]] = Tag{alpine: f[1], release: f[2], Current: f[3] == "y", LastSeen: f[4]}
		img.hasAlpine = img.hasAlpine || f[1] != ""
	}
	return img
}
