package rebase

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// SlimBase is the verdict of the slim pass on a root stage's base image.
type SlimBase struct {
	Kind   baseKind // baseSkip, baseRefuse or baseConvert
	Ref    string   // the base as the FROM names it (ARGs expanded)
	newRef string
	Line   int
	Reason string
	Code   transform.Code // the slim pass's code of a baseRefuse
	layers []string       // the slim-layers.tsv layers the new base lacks
	// lastSeen is the month the new tag was last published (YYYY-MM),
	// "" when unknown.
	lastSeen string
	Edits    []transform.Edit
	Changes  []AlpineMsg
}

// slimLanguages are the official images whose full tags are built on
// buildpack-deps:X and whose -slim tags on debian:X-slim.
var slimLanguages = map[string]bool{"python": true, "node": true, "ruby": true, "perl": true, "rust": true}

// SlimBaseOf decides what the slim pass does with a root stage's base.
func SlimBaseOf(doc *parser.Document, st *parser.Stage) SlimBase {
	line := st.From.StartLine
	ref, err := stages.ExpandBase(doc, st.Base)
	if err != nil || strings.EqualFold(ref, "scratch") {
		return SlimBase{Kind: BaseSkip}
	}
	r := stages.ParseRef(ref)
	if !r.Official || images.IsAlpine(r.Tag) || strings.ContainsAny(r.Tag, "\"'") || strings.Contains(r.Tag, "windowsservercore") || strings.Contains(r.Tag, "nanoserver") {
		return SlimBase{Kind: BaseSkip}
	}
	tag := r.Tag
	if tag == "" {
		tag = "latest"
	}
	b := SlimBase{Kind: baseConvert, Ref: ref, Line: line}
	var name, newTag string
	switch {
	case slimLanguages[r.Name]:
		if hasToken(tag, "slim") {
			return SlimBase{Kind: BaseSkip}
		}
		name, b.layers = r.Name, []string{"curl", "scm", "full"}
		if r.Name == "python" {
			b.layers = append(b.layers, "python")
		}
		newTag = slimTagOf(r.Name, tag)
	case r.Name == "openjdk":
		if hasToken(tag, "slim") || strings.Contains(tag, "oraclelinux") || strings.Contains(tag, "windows") {
			return SlimBase{Kind: BaseSkip}
		}
		// openjdk's Debian jdk tags are built on buildpack-deps:X-scm,
		// its jre tags on buildpack-deps:X-curl.
		name, b.layers = r.Name, []string{"curl", "scm"}
		if hasToken(tag, "jre") {
			b.layers = []string{"curl"}
		}
		newTag = slimTagOf(r.Name, tag)
	case r.Name == "debian":
		if hasToken(tag, "slim") || strings.Contains(tag, "backports") {
			return SlimBase{Kind: BaseSkip}
		}
		name = "debian"
		if tag == "latest" {
			tag = "stable"
		}
		newTag = slimTagOf("debian", tag)
	case r.Name == "buildpack-deps":
		rel, layer := tag, "full"
		for _, l := range []string{"curl", "scm"} {
			if v, ok := strings.CutSuffix(tag, "-"+l); ok || tag == l {
				rel, layer = v, l
			}
		}
		b.layers = map[string][]string{"curl": {"curl"}, "scm": {"curl", "scm"}, "full": {"curl", "scm", "full"}}[layer]
		if strings.Contains(st.Base, "$") {
			return SlimBase{Kind: BaseRefuse, Line: line, Code: SlimFromArg, Reason: fmt.Sprintf("FROM %s takes the release from an ARG, which may also name an Ubuntu release (ubuntu:X, not debian:X-slim); write the FROM by hand", st.Base)}
		}
		if rel == "" || rel == "latest" {
			return SlimBase{Kind: BaseRefuse, Line: line, Code: SlimUnknownRelease, Reason: fmt.Sprintf("%s names no Debian or Ubuntu release, so the slim image of the same release is unknown; pin the release (buildpack-deps:bookworm)", ref)}
		}
		if slimTagSeen("debian", rel+"-slim") != "" {
			name, newTag = "debian", rel+"-slim"
		} else if t := images.Lookup("ubuntu"); t != nil && t.Tags[rel].LastSeen != "" {
			name, newTag = "ubuntu", rel // Ubuntu's own image is its minimal one
		}
	default:
		return SlimBase{Kind: BaseSkip}
	}
	if newTag == "" {
		return SlimBase{Kind: BaseRefuse, Line: line, Code: SlimNoSlimTag, Reason: fmt.Sprintf("%s has no -slim variant of the same version among the official images docklean knows", ref)}
	}
	if r.Digest != "" {
		return SlimBase{Kind: BaseRefuse, Line: line, Code: SlimDigest, Reason: fmt.Sprintf("the base %s is pinned by digest; docklean cannot know the digest of %s — drop the digest or convert by hand", ref, name+":"+newTag)}
	}
	b.newRef = r.Prefix + name + ":" + newTag
	if name != "ubuntu" {
		b.lastSeen = slimTagSeen(name, newTag)
	}
	why := "the glibc -slim variant of the same version: no compilers, git or -dev packages"
	switch {
	case len(b.layers) == 0:
		why = "the same release without documentation, man pages and translations"
	case name == "ubuntu":
		why = "Ubuntu's own image of the same release: no compilers, git or -dev packages"
	}
	if !strings.Contains(st.Base, "$") {
		s, e, ok := stages.FromImageSpan(doc, st.From, st.From.Args[0])
		if !ok {
			return SlimBase{Kind: BaseRefuse, Line: line, Code: SlimFromArg, Reason: "docklean could not find the image in the FROM line"}
		}
		b.Edits = append(b.Edits, transform.Edit{Start: s, End: e, Text: b.newRef})
		b.Changes = append(b.Changes, AlpineMsg{line, fmt.Sprintf("base %s → %s (%s)", ref, b.newRef, why)})
		return b
	}
	ab := AlpineBase{Kind: baseConvert}.viaArgs(doc, st, ref, b.newRef, why)
	if ab.Kind == BaseRefuse {
		return SlimBase{Kind: BaseRefuse, Line: ab.Line, Code: SlimFromArg, Reason: strings.NewReplacer("an Alpine tag", "a -slim tag", "Alpine tag", "-slim tag").Replace(ab.Reason)}
	}
	b.Edits, b.Changes = ab.Edits, ab.Changes
	for i := range b.Changes {
		b.Changes[i].Msg = strings.NewReplacer("an Alpine tag", "a -slim tag", "Alpine tag", "-slim tag").Replace(b.Changes[i].Msg)
	}
	return b
}

// python reports whether the base is the official python image, whose
// own python3 the -slim variant keeps.
func (b SlimBase) python() bool { return slices.Contains(b.layers, "python") }

// hasToken reports whether tag has tok among its "-"-separated tokens.
func hasToken(tag, tok string) bool {
	return slices.Contains(strings.Split(tag, "-"), tok)
}

// slimTagOf returns the -slim tag of image:tag that exists in the images
// table or data/slim-history.tsv ("" when none): "slim" inserted among the
// tag's tokens, so that the version and every other variant stay (python
// 3.12-bookworm → 3.12-slim-bookworm, node 22-bookworm → 22-bookworm-slim,
// latest → slim, debian stretch → stretch-slim).
func slimTagOf(image, tag string) string {
	if tag == "latest" {
		if t := images.Lookup(image); t != nil {
			if _, ok := t.Tags["slim"]; ok {
				return "slim"
			}
		}
		return ""
	}
	toks := strings.Split(tag, "-")
	for i := len(toks); i >= 0; i-- {
		c := strings.Join(slices.Concat(toks[:i], []string{"slim"}, toks[i:]), "-")
		if slimTagSeen(image, c) != "" {
			return c
		}
	}
	return ""
}

// slimTagSeen returns the month image:tag was last published, from the
// images table or, for a tag no longer published that the table lacks,
// data/slim-history.tsv; "" when neither has it.
func slimTagSeen(image, tag string) string {
	if t := images.Lookup(image); t != nil {
		if row, ok := t.Tags[tag]; ok {
			return cmp.Or(row.LastSeen, "?")
		}
	}
	return slimHistory()[image][tag]
}

// manFoldersSince is the first month the official -slim images kept the
// empty /usr/share/man/man* folders (debuerreotype/debuerreotype#116,
// merged 2021-07-30, closing #10): before, update-alternatives failed to
// link the man pages of packages such as postgresql-client and openjdk.
const manFoldersSince = "2021-08"

// Manless reports whether the new base of s lacks /usr/share/man/man*
// (see SlimBase.manless).
func (s *SlimScan) Manless() bool { return s.base.manless() }

// manless reports whether the new base was last published before its
// -slim image kept the /usr/share/man/man* folders.
func (b SlimBase) manless() bool {
	return b.lastSeen != "" && b.lastSeen != "?" && b.lastSeen < manFoldersSince
}
