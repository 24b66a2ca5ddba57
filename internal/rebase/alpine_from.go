// Package rebase is what the alpine and slim passes share about moving a
// stage to another base image: the verdict on a root stage's base (the
// Alpine variant, alpine_from.go; the -slim variant, slim_base.go) and the
// scan of what a tree of stages uses of the packages a full Debian-based
// image has and the new base lacks (slim_scan.go and the files it calls),
// which slim runs for its own conversions and alpine for full and
// buildpack-deps images.
package rebase

import (
	"fmt"
	"path"
	"strings"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/pins"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// Package-manager families a converted stage comes from.
const (
	FamDebian = "debian"
	FamFedora = "fedora"
)

// baseKind says what the alpine pass can do with a stage's base image.
type baseKind int

const (
	BaseSkip    baseKind = iota // scratch, already Alpine: nothing to do, nothing to say
	BaseUnknown                 // not an image docklean knows: say why only if the stage needs converting
	BaseRefuse                  // a known image that cannot become Alpine
	baseConvert
)

// AlpineBase is the verdict on a root stage's base image.
type AlpineBase struct {
	Kind   baseKind
	Family string // famDebian or famFedora when kind is baseConvert
	Python bool   // the official python image: its pip is not externally managed
	Static bool   // golang or rust: builds static binaries unless a C compiler is added
	Rust   bool   // the official rust image, whose older Alpine tags lack musl-dev
	Image  string // the official image's name (php, node...), "" for ubuntu/debian
	// Buildpack is set for buildpack-deps: the tools the stage uses from it
	// are installed (see BuildpackNeeds).
	Buildpack bool
	// Full is the full (buildpack-deps based) tag of an official language
	// image moved to its -alpine tag: ref → to (see fullVariantNeeds).
	Full *fullFrom
	// NodeImage: an official node image on glibc (full or slim), whose npm
	// installs may build native code or fetch glibc prebuilt binaries
	NodeImage bool
	Musl      bool // baseSkip because it already is Alpine or scratch
	Line      int  // where the reason applies
	Reason    string
	Edits     []transform.Edit
	Changes   []AlpineMsg
	Notes     []AlpineMsg
}

// AlpineMsg is a finding waiting for the stage's verdict.
type AlpineMsg struct {
	Line int
	Msg  string
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

// BaseOf decides what happens to the base image of a root stage.
func BaseOf(doc *parser.Document, st *parser.Stage, o *transform.Options) AlpineBase {
	release := o.Alpine()
	line := st.From.StartLine
	ref, err := stages.ExpandBase(doc, st.Base)
	if err != nil {
		return AlpineBase{Kind: BaseUnknown, Line: line, Reason: fmt.Sprintf("FROM %s: %v, so the base image is unknown", st.Base, err)}
	}
	if strings.EqualFold(ref, "scratch") {
		return AlpineBase{Kind: BaseSkip, Musl: true}
	}
	r := stages.ParseRef(ref)
	b := AlpineBase{Kind: baseConvert, Line: line, Family: FamDebian}
	var newRef, via string
	switch {
	case r.Official && (r.Name == "ubuntu" || r.Name == "debian"):
		newRef = r.Prefix + "alpine:" + release
	case fedoraImages[r.Name] && (r.Official || r.Prefix != ""):
		b.Family = FamFedora
		newRef = "alpine:" + release
		if r.Official {
			newRef = r.Prefix + newRef
		}
	case r.Official && r.Name == "buildpack-deps" && buildpackRelease(r.Tag) != "":
		newRef, b.Buildpack = r.Prefix+"alpine:"+release, true
	case r.Official && r.Name == "busybox":
		return AlpineBase{Kind: BaseSkip}
	case r.Official:
		tag, ok, reason := images.AlpineVariant(r.Name, r.Tag)
		if !ok && reason != "already Alpine" && !strings.Contains(st.Base, "$") {
			tag, ok, via = alpineOfPinned(o, r)
		}
		if !ok {
			if reason == "already Alpine" {
				return AlpineBase{Kind: BaseSkip, Musl: true}
			}
			return AlpineBase{Kind: BaseRefuse, Line: line, Reason: reason}
		}
		if r.Name == "amazoncorretto" || strings.Contains(r.Tag, "ubi") || strings.Contains(r.Tag, "al2") || strings.Contains(r.Tag, "oraclelinux") {
			b.Family = FamFedora
		}
		b.Python = r.Name == "python"
		b.Image = r.Name
		b.Static = r.Name == "golang" || r.Name == "rust"
		b.Rust = r.Name == "rust"
		newRef = r.Prefix + r.Name + ":" + tag
		b.NodeImage = r.Name == "node"
		if fullVariant[r.Name] && !strings.Contains(r.Tag, "slim") && r.Name != "node" && r.Name != "golang" {
			// node: passes/alpine/unread.go accounts for npm; golang: passes/alpine/go.go
			// for gcc, git, ssh and builds it cannot see.
			b.Full = &fullFrom{ref: ref, to: newRef, python: r.Name == "python"}
		}
	case r.Name == "distroless/static" || strings.HasPrefix(r.Name, "distroless/static-"):
		return AlpineBase{Kind: BaseSkip, Musl: true}
	default:
		return AlpineBase{Kind: BaseUnknown, Line: line, Reason: fmt.Sprintf("%s is not an official image with an Alpine variant, so docklean cannot tell what it is built on", ref)}
	}
	if r.Digest != "" {
		return AlpineBase{Kind: BaseRefuse, Line: line, Reason: fmt.Sprintf("the base %s is pinned by digest; docklean cannot know the digest of %s — drop the digest or convert by hand", ref, newRef)}
	}
	why := "the Alpine variant of the same version"
	switch {
	case via != "":
		why = via
	case !strings.Contains(newRef, r.Name+":") || r.Name == "ubuntu" || r.Name == "debian" || b.Family == FamFedora && r.Name != "amazoncorretto":
		why = "Alpine " + release + ", a base of a few MB"
	}
	if !strings.Contains(st.Base, "$") {
		s, e, ok := stages.FromImageSpan(doc, st.From, st.From.Args[0])
		if !ok {
			return AlpineBase{Kind: BaseRefuse, Line: line, Reason: "docklean could not find the image in the FROM line"}
		}
		b.Edits = append(b.Edits, transform.Edit{Start: s, End: e, Text: newRef})
		b.Changes = append(b.Changes, AlpineMsg{line, fmt.Sprintf("base %s → %s (%s)", ref, newRef, why)})
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
func alpineOfPinned(o *transform.Options, r stages.Ref) (tag string, ok bool, via string) {
	from := r.Tag
	if from == "" {
		from = "latest"
	}
	precision := pins.PrecisionOf(o)
	pinned := pins.Pinned(r.Name, r.Tag, precision, o.Bool(pins.UpgradeEOLOption), o.Now())
	if pinned == r.Tag || pinned == "" {
		return "", false, ""
	}
	tag, ok, _ = images.AlpineVariant(r.Name, pinned)
	if !ok {
		return "", false, ""
	}
	if p, _ := pins.Tag(r.Name, r.Tag, precision); p != pinned {
		return tag, true, fmt.Sprintf("%s:%s has no Alpine variant docklean knows; --upgrade-eol moves it to %s:%s, which has: %s", r.Name, from, r.Name, pinned, tag)
	}
	return tag, true, fmt.Sprintf("%s:%s has no Alpine variant docklean knows; %s:%s, the same image in the official images of %s, has: %s", r.Name, from, r.Name, pinned, pins.Date(), tag)
}

// imageArg returns the ARG that names the image (not only its tag or
// registry) in a FROM reference raw that expands to ref, or "": when the
// repository's name is not in the FROM's own text, an ARG chooses the
// image, and with it the distribution (FROM ${BASE_IMAGE}, FROM
// ${IMAGE}:${TAG}). Such an ARG is there to be overridden: cypress's
// factory, phusion's baseimage and the vscode-dev-containers regression
// tests pass Debian and Ubuntu bases through it.
func imageArg(doc *parser.Document, raw, ref string) string {
	name := path.Base(stages.ParseRef(ref).Name)
	if strings.Contains(stages.ArgRef.ReplaceAllString(raw, "\x00"), name) {
		return ""
	}
	ms := stages.ArgRef.FindAllStringSubmatch(raw, -1)
	for _, m := range ms {
		if v, _ := stages.ExpandBase(doc, m[0]); strings.Contains(v, name) {
			return m[1] + m[3]
		}
	}
	return ms[0][1] + ms[0][3] // the name is split over ARGs
}

// viaArgs rewrites a FROM that names its image through ARGs: the FROM text
// around the ARGs, when their values survive in the new reference. A FROM
// whose ARG names the image itself is refused (see imageArg).
func (b AlpineBase) viaArgs(doc *parser.Document, st *parser.Stage, ref, newRef, why string) AlpineBase {
	line := st.From.StartLine
	raw := st.Base
	if name := imageArg(doc, raw, ref); name != "" {
		return AlpineBase{Kind: BaseRefuse, Line: line, Reason: fmt.Sprintf("FROM %s takes the image itself from ARG %s, which is there to be overridden (--build-arg, compose, CI) with another image, Debian's or not; docklean could rewrite only its default, and the stage must keep working on whatever base the build passes; convert by hand", raw, name)}
	}
	// Keep every ARG in place: find each value, in order, in the new reference.
	var out strings.Builder
	pos := 0
	locs := stages.ArgRef.FindAllStringSubmatchIndex(raw, -1)
	for _, l := range locs {
		m := raw[l[0]:l[1]]
		v, _ := stages.ExpandBase(doc, m)
		i := strings.Index(newRef[pos:], v)
		if v == "" || i < 0 {
			return AlpineBase{Kind: BaseRefuse, Line: line, Reason: fmt.Sprintf("FROM %s becomes %s, which the ARGs in it cannot express; write the FROM by hand", raw, newRef)}
		}
		out.WriteString(newRef[pos : pos+i])
		out.WriteString(m)
		pos += i + len(v)
	}
	out.WriteString(newRef[pos:])
	s, e, ok := stages.FromImageSpan(doc, st.From, st.From.Args[0])
	if !ok {
		return AlpineBase{Kind: BaseRefuse, Line: line, Reason: "docklean could not find the image in the FROM line"}
	}
	b.Edits = append(b.Edits, transform.Edit{Start: s, End: e, Text: out.String()})
	b.Changes = append(b.Changes, AlpineMsg{line, fmt.Sprintf("base %s → %s, written %s (%s; other ARG values must have an Alpine tag too)", ref, newRef, out.String(), why)})
	return b
}
