// Package pin is the pin pass: it pins floating base image tags, reports
// end-of-life bases and adds digests on request (see its Pass.Doc).
package pin

import (
	"strings"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/passname"
	"github.com/docklean/docklean/internal/pins"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// Pass pins base image tags (see its Doc).
var Pass = &transform.Pass{
	Name: passname.Pin,
	// pin sees, and pins, the tags alpine, slim and go-multistage emit.
	After: []string{passname.Alpine, passname.Slim, passname.GoMultistage},
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
	URL: "docs/pin.md",
	Rules: []transform.Rule{
		{Code: codeFloatingTag, Summary: "a floating tag of an official image was pinned to the specific tag of the same image"},
		{Code: codeBuildArg, Summary: "the base image is set by a build argument, so pin cannot pin it"},
		{Code: codeNotOfficial, Summary: "an untagged or latest image that is not an official image cannot be pinned"},
		{Code: codeUnknownTag, Summary: "an official image's tag is not among the tags in the data"},
		{Code: codeMovingTag, Summary: "an official floating tag has no numbered tag of the same image to pin to"},
		{Code: codeEndOfLife, Summary: "the base image's release reached its end of life (--upgrade-eol moves it)"},
		{Code: codeEOLVariant, Summary: "the distribution release a variant names (-buster, -alpine3.17) reached its end of life"},
		{Code: codeDigest, Summary: "the registry digest of the base image was added or refreshed"},
		{Code: codeDigestUnresolved, Summary: "the digest of the base image could not be resolved"},
		{Code: codeFromNotFound, Summary: "the image could not be found in the FROM line to rewrite it"},
	},
	// pin and upgrade-eol are in internal/pins: alpine reads them too.
	Options: []*transform.Option{pins.PrecisionOption, pins.UpgradeEOLOption, digests, refreshDigests},
	Run:     func(u *transform.Unit) error { runPin(u); return nil },
}

// The digest options; they need Options.Resolve.
var (
	digests = &transform.Option{
		Name: "digests",
		Doc:  "pin: add registry digests to base images (image:tag@sha256:…; needs network and honours ~/.docker/config.json)",
	}
	refreshDigests = &transform.Option{
		Name: "refresh-digests",
		Doc:  "pin: like --digests, and also update digests already there",
	}
)

// The codes pin reports (docs/pin.md, section Codes).
const (
	codeFloatingTag      transform.Code = "pin/floating-tag"
	codeBuildArg         transform.Code = "pin/build-arg"
	codeNotOfficial      transform.Code = "pin/not-official"
	codeUnknownTag       transform.Code = "pin/unknown-tag"
	codeMovingTag        transform.Code = "pin/moving-tag"
	codeEndOfLife        transform.Code = "pin/end-of-life"
	codeEOLVariant       transform.Code = "pin/eol-variant"
	codeDigest           transform.Code = "pin/digest"
	codeDigestUnresolved transform.Code = "pin/digest-unresolved"
	codeFromNotFound     transform.Code = "pin/from-not-found"
)

// fromTx records what pin does to one FROM line: tx holds the rewrite of
// the image word with its changes and notes; what pin cannot do (move an
// ended release, add a digest) goes into a transaction of its own,
// opened on the first such blocker, so that it does not hold back the
// pinning that can land.
type fromTx struct {
	u      *transform.Unit
	st     *parser.Stage
	line   int
	tx     *transform.Tx
	cannot *transform.Tx
}

// refuse records a blocker of what pin cannot do for the stage.
func (f *fromTx) refuse(code transform.Code, format string, args ...any) {
	if f.cannot == nil {
		f.cannot = f.u.Begin()
		f.cannot.Cover(f.st)
	}
	f.cannot.Refuse(f.line, code, format, args...)
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
			u.Begin().Note(line, codeBuildArg, "base image %s is set by a build argument; pin the argument's value instead", base)
			continue
		}
		f := &fromTx{u: u, st: st, line: line, tx: u.Begin()}
		ref := parseRef(base)
		next := ref
		if ref.digest == "" {
			next = pinRef(f, ref)
			next = checkEOL(f, next, today)
		}
		next = addDigest(f, next)
		if next == ref {
			continue
		}
		start, end, ok := stages.FromImageSpan(u.Doc, st.From, base)
		if !ok {
			f.tx.Refuse(line, codeFromNotFound, "could not find %s in the FROM line to rewrite it", base)
			continue
		}
		f.tx.Replace(start, end, next.String())
	}
}

// pinRef returns ref with a floating tag replaced by the most specific tag
// of the same image that pins.PrecisionOption asks for.
func pinRef(f *fromTx, ref imageRef) imageRef {
	if !ref.official() {
		if ref.tag == "" || ref.tag == "latest" {
			f.tx.Note(f.line, codeNotOfficial, "%s is not an official image, so docklean cannot tell which specific tag its latest is; pin it by hand", ref.short())
		}
		return ref
	}
	pinned, known := pins.Tag(ref.name, ref.tag, pins.PrecisionOf(f.u.Opts))
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
			f.tx.Note(f.line, codeMovingTag, "%s moves with new releases, and docklean cannot tell which numbered tag is the same image; pin it by hand", ref.short())
		case !imageCurrent(ref.name, tag):
			f.tx.Note(f.line, codeUnknownTag, "%s is not among the official images' tags of %s; left as is", ref.short(), pins.Date())
		}
		return ref
	}
	if pinned == ref.tag {
		return ref
	}
	out := ref
	out.tag = pinned
	f.tx.Changed(f.line, codeFloatingTag, "pinned %s to %s, the same image in the official images of %s (%s moves to each new release)", ref.short(), out.short(), pins.Date(), ref.short())
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

// addDigest resolves ref's digest when the option digests or
// refresh-digests asks for it.
func addDigest(f *fromTx, ref imageRef) imageRef {
	o := f.u.Opts
	refresh := o.Bool(refreshDigests)
	if !o.Bool(digests) && !refresh || ref.digest != "" && !refresh {
		return ref
	}
	if o.Resolve == nil {
		f.refuse(codeDigestUnresolved, "cannot add a digest to %s: no registry resolver was given", ref.short())
		return ref
	}
	bare := ref
	bare.digest = ""
	d, err := o.Resolve(bare.String())
	if err != nil {
		f.refuse(codeDigestUnresolved, "could not resolve the digest of %s: %v", bare.String(), err)
		return ref
	}
	if d == ref.digest {
		return ref
	}
	if ref.digest != "" {
		f.tx.Changed(f.line, codeDigest, "refreshed the digest of %s to %s", ref.short(), d)
	} else {
		f.tx.Changed(f.line, codeDigest, "added the digest of %s (%s)", ref.short(), d)
	}
	bare.digest = d
	return bare
}
