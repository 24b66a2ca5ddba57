package transform

import (
	"fmt"
	"path"
	"strings"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/pins"
	"github.com/docklean/docklean/parser"
)

// Package-manager families a converted stage comes from.
const (
	famDebian = "debian"
	famFedora = "fedora"
)

// baseKind says what the alpine pass can do with a stage's base image.
type baseKind int

const (
	baseSkip    baseKind = iota // scratch, already Alpine: nothing to do, nothing to say
	baseUnknown                 // not an image docklean knows: say why only if the stage needs converting
	baseRefuse                  // a known image that cannot become Alpine
	baseConvert
)

// alpineBase is the verdict on a root stage's base image.
type alpineBase struct {
	kind   baseKind
	family string // famDebian or famFedora when kind is baseConvert
	python bool   // the official python image: its pip is not externally managed
	static bool   // golang or rust: builds static binaries unless a C compiler is added
	rust   bool   // the official rust image, whose older Alpine tags lack musl-dev
	image  string // the official image's name (php, node...), "" for ubuntu/debian
	// buildpack is set for buildpack-deps: the tools the stage uses from it
	// are installed (see buildpackNeeds).
	buildpack bool
	// full is the full (buildpack-deps based) tag of an official language
	// image moved to its -alpine tag: ref → to (see fullVariantNeeds).
	full *fullFrom
	// nodeImage: an official node image on glibc (full or slim), whose npm
	// installs may build native code or fetch glibc prebuilt binaries
	nodeImage bool
	musl      bool // baseSkip because it already is Alpine or scratch
	line      int  // where the reason applies
	reason    string
	edits     []Edit
	changes   []alpineMsg
	notes     []alpineMsg
}

// alpineMsg is a finding waiting for the stage's verdict.
type alpineMsg struct {
	line int
	msg  string
}

// fedoraImages are the Fedora-family images (yum, dnf, microdnf) by
// repository path, with or without a registry.
var fedoraImages = map[string]bool{
	"centos": true, "fedora": true, "rockylinux": true, "almalinux": true,
	"oraclelinux": true, "amazonlinux": true, "rockylinux/rockylinux": true,
	"centos/centos": true, "redhat/ubi8": true, "redhat/ubi9": true,
	"redhat/ubi8-minimal": true, "redhat/ubi9-minimal": true,
	"ubi8/ubi": true, "ubi8/ubi-minimal": true, "ubi9/ubi": true, "ubi9/ubi-minimal": true,
	"ubi8": true, "ubi9": true, "ubi8-minimal": true, "ubi9-minimal": true,
	"ubi10/ubi": true, "ubi10/ubi-minimal": true, "almalinux/9-base": true,
}

// fullVariant are the official images whose full (non-slim) Debian tags
// are built on buildpack-deps, with compilers and git.
var fullVariant = map[string]bool{"python": true, "node": true, "ruby": true, "golang": true, "perl": true, "rust": true}

// baseOf decides what happens to the base image of a root stage.
func baseOf(doc *parser.Document, st *parser.Stage, o *Options) alpineBase {
	release := o.Alpine()
	line := st.From.StartLine
	ref, err := expandBase(doc, st.Base)
	if err != nil {
		return alpineBase{kind: baseUnknown, line: line, reason: fmt.Sprintf("FROM %s: %v, so the base image is unknown", st.Base, err)}
	}
	if strings.EqualFold(ref, "scratch") {
		return alpineBase{kind: baseSkip, musl: true}
	}
	r := parseAlpineRef(ref)
	b := alpineBase{kind: baseConvert, line: line, family: famDebian}
	var newRef, via string
	switch {
	case r.official && (r.name == "ubuntu" || r.name == "debian"):
		newRef = r.prefix + "alpine:" + release
	case fedoraImages[r.name] && (r.official || r.prefix != ""):
		b.family = famFedora
		newRef = "alpine:" + release
		if r.official {
			newRef = r.prefix + newRef
		}
	case r.official && r.name == "buildpack-deps" && buildpackRelease(r.tag) != "":
		newRef, b.buildpack = r.prefix+"alpine:"+release, true
	case r.official && r.name == "busybox":
		return alpineBase{kind: baseSkip}
	case r.official:
		tag, ok, reason := images.AlpineVariant(r.name, r.tag)
		if !ok && reason != "already Alpine" && !strings.Contains(st.Base, "$") {
			tag, ok, via = alpineOfPinned(o, r)
		}
		if !ok {
			if reason == "already Alpine" {
				return alpineBase{kind: baseSkip, musl: true}
			}
			return alpineBase{kind: baseRefuse, line: line, reason: reason}
		}
		if r.name == "amazoncorretto" || strings.Contains(r.tag, "ubi") || strings.Contains(r.tag, "al2") || strings.Contains(r.tag, "oraclelinux") {
			b.family = famFedora
		}
		b.python = r.name == "python"
		b.image = r.name
		b.static = r.name == "golang" || r.name == "rust"
		b.rust = r.name == "rust"
		newRef = r.prefix + r.name + ":" + tag
		b.nodeImage = r.name == "node"
		if fullVariant[r.name] && !strings.Contains(r.tag, "slim") && r.name != "node" && r.name != "golang" {
			// node: alpine_unread.go accounts for npm; golang: alpine_go.go
			// for gcc, git, ssh and builds it cannot see.
			b.full = &fullFrom{ref: ref, to: newRef, python: r.name == "python"}
		}
	case r.name == "distroless/static" || strings.HasPrefix(r.name, "distroless/static-"):
		return alpineBase{kind: baseSkip, musl: true}
	default:
		return alpineBase{kind: baseUnknown, line: line, reason: fmt.Sprintf("%s is not an official image with an Alpine variant, so docklean cannot tell what it is built on", ref)}
	}
	if r.digest != "" {
		return alpineBase{kind: baseRefuse, line: line, reason: fmt.Sprintf("the base %s is pinned by digest; docklean cannot know the digest of %s — drop the digest or convert by hand", ref, newRef)}
	}
	why := "the Alpine variant of the same version"
	switch {
	case via != "":
		why = via
	case !strings.Contains(newRef, r.name+":") || r.name == "ubuntu" || r.name == "debian" || b.family == famFedora && r.name != "amazoncorretto":
		why = "Alpine " + release + ", a base of a few MB"
	}
	if !strings.Contains(st.Base, "$") {
		s, e, ok := fromImageSpan(doc, st.From, st.From.Args[0])
		if !ok {
			return alpineBase{kind: baseRefuse, line: line, reason: "docklean could not find the image in the FROM line"}
		}
		b.edits = append(b.edits, Edit{Start: s, End: e, Text: newRef})
		b.changes = append(b.changes, alpineMsg{line, fmt.Sprintf("base %s → %s (%s)", ref, newRef, why)})
		return b
	}
	return b.viaArgs(doc, st, ref, newRef, why)
}

// alpineOfPinned returns the Alpine variant of the tag the pin pass would
// give r's tag (with --upgrade-eol, the supported release it moves to), when
// r's own tag has none: untagged eclipse-temurin has no Alpine variant,
// eclipse-temurin:25, which pin writes, has. Converting to it in the same
// run keeps docklean idempotent: otherwise the next run would convert what
// pin wrote. via says why, for the finding.
func alpineOfPinned(o *Options, r alpineRef) (tag string, ok bool, via string) {
	from := r.tag
	if from == "" {
		from = "latest"
	}
	pinned := pins.Pinned(r.name, r.tag, o.Pin, o.UpgradeEOL, o.today())
	if pinned == r.tag || pinned == "" {
		return "", false, ""
	}
	tag, ok, _ = images.AlpineVariant(r.name, pinned)
	if !ok {
		return "", false, ""
	}
	if p, _ := pins.Tag(r.name, r.tag, o.Pin); p != pinned {
		return tag, true, fmt.Sprintf("%s:%s has no Alpine variant docklean knows; --upgrade-eol moves it to %s:%s, which has: %s", r.name, from, r.name, pinned, tag)
	}
	return tag, true, fmt.Sprintf("%s:%s has no Alpine variant docklean knows; %s:%s, the same image in the official images of %s, has: %s", r.name, from, r.name, pinned, pins.Date(), tag)
}

// imageArg returns the ARG that names the image (not only its tag or
// registry) in a FROM reference raw that expands to ref, or "": when the
// repository's name is not in the FROM's own text, an ARG chooses the
// image, and with it the distribution (FROM ${BASE_IMAGE}, FROM
// ${IMAGE}:${TAG}). Such an ARG is there to be overridden: cypress's
// factory, phusion's baseimage and the vscode-dev-containers regression
// tests pass Debian and Ubuntu bases through it.
func imageArg(doc *parser.Document, raw, ref string) string {
	name := path.Base(parseAlpineRef(ref).name)
	if strings.Contains(argRef.ReplaceAllString(raw, "\x00"), name) {
		return ""
	}
	ms := argRef.FindAllStringSubmatch(raw, -1)
	for _, m := range ms {
		if v, _ := expandBase(doc, m[0]); strings.Contains(v, name) {
			return m[1] + m[3]
		}
	}
	return ms[0][1] + ms[0][3] // the name is split over ARGs
}

// viaArgs rewrites a FROM that names its image through ARGs: the FROM text
// around the ARGs, when their values survive in the new reference. A FROM
// whose ARG names the image itself is refused (see imageArg).
func (b alpineBase) viaArgs(doc *parser.Document, st *parser.Stage, ref, newRef, why string) alpineBase {
	line := st.From.StartLine
	raw := st.Base
	if name := imageArg(doc, raw, ref); name != "" {
		return alpineBase{kind: baseRefuse, line: line, reason: fmt.Sprintf("FROM %s takes the image itself from ARG %s, which is there to be overridden (--build-arg, compose, CI) with another image, Debian's or not; docklean could rewrite only its default, and the stage must keep working on whatever base the build passes; convert by hand", raw, name)}
	}
	// Keep every ARG in place: find each value, in order, in the new reference.
	var out strings.Builder
	pos := 0
	locs := argRef.FindAllStringSubmatchIndex(raw, -1)
	for _, l := range locs {
		m := raw[l[0]:l[1]]
		v, _ := expandBase(doc, m)
		i := strings.Index(newRef[pos:], v)
		if v == "" || i < 0 {
			return alpineBase{kind: baseRefuse, line: line, reason: fmt.Sprintf("FROM %s becomes %s, which the ARGs in it cannot express; write the FROM by hand", raw, newRef)}
		}
		out.WriteString(newRef[pos : pos+i])
		out.WriteString(m)
		pos += i + len(v)
	}
	out.WriteString(newRef[pos:])
	s, e, ok := fromImageSpan(doc, st.From, st.From.Args[0])
	if !ok {
		return alpineBase{kind: baseRefuse, line: line, reason: "docklean could not find the image in the FROM line"}
	}
	b.edits = append(b.edits, Edit{Start: s, End: e, Text: out.String()})
	b.changes = append(b.changes, alpineMsg{line, fmt.Sprintf("base %s → %s, written %s (%s; other ARG values must have an Alpine tag too)", ref, newRef, out.String(), why)})
	return b
}
