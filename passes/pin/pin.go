// Package pin is the pin pass: it pins floating base image tags, reports
// end-of-life bases and adds digests on request (see its Pass.Doc).
package pin

import (
	"strings"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/pins"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/transform"
)

// Pass pins base image tags (see its Doc).
var Pass = &transform.Pass{
	Name: "pin",
	// pin sees, and pins, the tags alpine, slim and go-multistage emit.
	After: []string{"alpine", "slim", "go-multistage"},
	Doc: `pin floating base images, report end-of-life bases, add digests on request
A base image of an official image that floats (untagged, latest, a major-only
tag such as python:3, or an alias such as node:lts-alpine) is pinned to the
tag of the same image and variant as of the data's date: alpine:latest →
alpine:3.24, python:3-slim → python:3.14-slim (--pin=patch: 3.14.7-slim).
A base whose release reached its end of life (ubuntu:18.04, python:3.8,
node:16, alpine:3.17 …) is reported; --upgrade-eol moves it to the nearest
supported release with the same variant that exists among the official
images. --digests adds the registry digest (alpine:3.24@sha256:…), keeping
the tag; --refresh-digests also updates digests already there.
Left alone, with an info finding: images that are not official images,
tags the tables do not know, bases set by a build argument. Stage names and
scratch are not images and are skipped.`,
	Run: transform.Legacy(runPin),
}

// imageRef is a FROM image reference split into its parts.
type imageRef struct {
	prefix string // registry/namespace as written before an official image's name ("docker.io/library/")
	name   string // repository as written after prefix
	tag    string // "" when untagged
	digest string // "sha256:…" or ""
}

func parseRef(s string) imageRef {
	var r imageRef
	s, r.digest, _ = strings.Cut(s, "@")
	if i := strings.LastIndexByte(s, ':'); i > strings.LastIndexByte(s, '/') {
		s, r.tag = s[:i], s[i+1:]
	}
	for _, p := range []string{"docker.io/library/", "index.docker.io/library/", "registry-1.docker.io/library/", "library/"} {
		if rest, ok := strings.CutPrefix(s, p); ok && !strings.Contains(rest, "/") {
			r.prefix, s = p, rest
			break
		}
	}
	r.name = s
	return r
}

// official reports whether the reference names a Docker official image.
func (r imageRef) official() bool { return !strings.Contains(r.name, "/") }

func (r imageRef) String() string {
	s := r.prefix + r.name
	if r.tag != "" {
		s += ":" + r.tag
	}
	if r.digest != "" {
		s += "@" + r.digest
	}
	return s
}

// short is the image and tag as a user reads them in findings.
func (r imageRef) short() string {
	if r.tag == "" {
		return r.name
	}
	return r.name + ":" + r.tag
}

func runPin(u *transform.Unit) {
	today := u.Opts.Now()
	for _, st := range u.Doc.Stages {
		base := st.Base
		line := st.From.StartLine
		switch {
		case strings.EqualFold(base, "scratch") || st.Parent != nil:
			continue
		case strings.Contains(base, "$"):
			u.Note(line, "base image %s is set by a build argument; pin the argument's value instead", base)
			continue
		}
		ref := parseRef(base)
		next := ref
		if ref.digest == "" {
			next = pinRef(u, line, ref)
			next = checkEOL(u, line, next, today)
		}
		next = addDigest(u, line, next)
		if next == ref {
			continue
		}
		start, end, ok := stages.FromImageSpan(u.Doc, st.From, base)
		if !ok {
			u.Refused(line, "could not find %s in the FROM line to rewrite it", base)
			continue
		}
		u.Replace(start, end, next.String())
	}
}

// pinRef returns ref with a floating tag replaced by the most specific tag
// of the same image that Options.Pin asks for.
func pinRef(u *transform.Unit, line int, ref imageRef) imageRef {
	if !ref.official() {
		if ref.tag == "" || ref.tag == "latest" {
			u.Note(line, "%s is not an official image, so docklean cannot tell which specific tag its latest is; pin it by hand", ref.short())
		}
		return ref
	}
	pinned, known := pins.Tag(ref.name, ref.tag, u.Opts.Pin)
	if !known {
		tag := ref.tag
		if tag == "" {
			tag = "latest"
		}
		version, _ := pins.SplitTag(ref.tag)
		switch {
		case knownRelease(ref.name, tag):
			// a release name (debian:bookworm), or an old release the
			// end-of-life check reports
		case imageCurrent(ref.name, tag) && version == "":
			u.Note(line, "%s moves with new releases, and docklean cannot tell which numbered tag is the same image; pin it by hand", ref.short())
		case !imageCurrent(ref.name, tag):
			u.Note(line, "%s is not among the official images' tags of %s; left as is", ref.short(), pins.Date())
		}
		return ref
	}
	if pinned == ref.tag {
		return ref
	}
	out := ref
	out.tag = pinned
	u.Changed(line, "pinned %s to %s, the same image in the official images of %s (%s moves to each new release)", ref.short(), out.short(), pins.Date(), ref.short())
	return out
}

// knownRelease reports whether an official image's tag names a release
// data/eol.tsv knows: by code name, or by an ended release's version.
func knownRelease(image, tag string) bool {
	if c, ok := pins.ImageCycle(image, tag); ok && (!c.EOL.IsZero() || pins.LeadingVersion(tag) == "") {
		return true
	}
	first, _, _ := strings.Cut(tag, "-")
	for _, p := range []string{"debian", "ubuntu"} {
		if c, ok := pins.CycleOf(p, first); ok && c.Codename == first {
			return true // buildpack-deps:bookworm names a release
		}
	}
	b, ok := pins.VariantBase(image, tag)
	return ok && !b.EOL.IsZero()
}

// imageCurrent reports whether image:tag is among the official images'
// current tags.
func imageCurrent(image, tag string) bool {
	tags := images.Lookup(image)
	return tags != nil && tags.Tags[tag].Current
}

// addDigest resolves ref's digest when Options.Digests asks for it.
func addDigest(u *transform.Unit, line int, ref imageRef) imageRef {
	o := u.Opts
	if !o.Digests && !o.RefreshDigests || ref.digest != "" && !o.RefreshDigests {
		return ref
	}
	if o.Resolve == nil {
		u.Refused(line, "cannot add a digest to %s: no registry resolver was given", ref.short())
		return ref
	}
	bare := ref
	bare.digest = ""
	d, err := o.Resolve(bare.String())
	if err != nil {
		u.Refused(line, "could not resolve the digest of %s: %v", bare.String(), err)
		return ref
	}
	if d == ref.digest {
		return ref
	}
	if ref.digest != "" {
		u.Changed(line, "refreshed the digest of %s to %s", ref.short(), d)
	} else {
		u.Changed(line, "added the digest of %s (%s)", ref.short(), d)
	}
	bare.digest = d
	return bare
}
