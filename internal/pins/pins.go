// Package pins knows the official images' tags to pin to and the release
// cycles of what they ship, with their end-of-life dates: pins.tsv and
// eol.tsv of transform/data (docs/pin.md). The pin pass pins and upgrades
// with it; the alpine pass asks what pin would make of a tag, with pin's
// options pin and upgrade-eol, which are declared here for that.
package pins

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/tsv"
	"github.com/docklean/docklean/transform"
	"github.com/docklean/docklean/transform/data"
)

// The pin pass's options that the alpine pass reads too, to convert a
// floating tag to what pin makes of it (rebase.BaseOf); the pin pass
// declares them (its Pass.Options).
var (
	// PrecisionOption chooses the Precision of pinned tags (--pin).
	PrecisionOption = &transform.Option{
		Name:    "pin",
		Doc:     "how specific pinned base tags are: minor (python:3.14) or patch (python:3.14.7)",
		Values:  []string{string(Minor), string(Patch)},
		Default: string(Minor),
	}
	// UpgradeEOLOption moves end-of-life bases (--upgrade-eol).
	UpgradeEOLOption = &transform.Option{
		Name: "upgrade-eol",
		Doc:  "pin: move end-of-life bases to the nearest supported release of the same variant",
	}
)

// Precision says how specific a pinned tag is.
type Precision string

// Precisions.
const (
	Minor Precision = "minor" // python:3.14
	Patch Precision = "patch" // python:3.14.7
)

// PrecisionOf returns the precision o asks for (PrecisionOption).
func PrecisionOf(o *transform.Options) Precision { return Precision(o.String(PrecisionOption)) }

// Release is one release cycle of a product in data/eol.tsv.
type Release struct {
	Product, Cycle, Codename string
	EOL                      time.Time // zero: supported (no settled date)
	Support                  string    // which support ended: "standard support", "LTS support", "support"
}

type pinTables struct {
	specific map[string]map[string]string // image -> tag -> most specific tag of the same entry
	date     string                       // the official images data's date, YYYY-MM-DD
	cycles   map[string][]Release         // product -> cycles in table order
}

var loadPins = sync.OnceValue(func() *pinTables {
	t := &pinTables{specific: map[string]map[string]string{}, cycles: map[string][]Release{}}
	var img map[string]string
	for line := range strings.SplitSeq(data.Pins, "\n") {
		switch {
		case strings.HasPrefix(line, "# source:"):
			if _, after, ok := strings.Cut(line, "date "); ok && len(after) >= 10 {
				t.date = after[:10]
			}
		case line == "" || line[0] == '#':
		case line[0] == '[':
			img = map[string]string{}
			t.specific[strings.Trim(line, "[]")] = img
		default:
			tag, full, ok := strings.Cut(line, "\t")
			if !ok || img == nil {
				panic("transform: data/pins.tsv: bad line " + line)
			}
			img[tag] = full
		}
	}
	if t.date == "" {
		panic("transform: data/pins.tsv: no source date")
	}
	tsv.MustRows("eol.tsv", data.EOL, 6, func(line int, f []string) {
		if f[5] == "" {
			panic(fmt.Sprintf("transform: data/eol.tsv:%d: every row cites its source", line))
		}
		c := Release{Product: f[0], Cycle: f[1], Codename: f[2], Support: f[4]}
		if f[3] != "" {
			d, err := time.Parse(time.DateOnly, f[3])
			if err != nil {
				panic(fmt.Sprintf("transform: data/eol.tsv:%d: %v", line, err))
			}
			c.EOL = d
		}
		t.cycles[c.Product] = append(t.cycles[c.Product], c)
	})
	return t
})

// eolProducts maps official images to their product in data/eol.tsv and
// the number of version components that name a release cycle.
var eolProducts = map[string]struct {
	product string
	depth   int
}{
	"ubuntu": {"ubuntu", 2}, "debian": {"debian", 1}, "alpine": {"alpine", 2},
	"python": {"python", 2}, "node": {"node", 1}, "golang": {"go", 2},
	"ruby": {"ruby", 2}, "php": {"php", 2}, "eclipse-temurin": {"temurin", 1},
	"centos": {"centos", 1},
}

// CycleOf returns the cycle row of product for a version or code name.
func CycleOf(product, versionOrCodename string) (Release, bool) {
	for _, c := range loadPins().cycles[product] {
		if c.Cycle == versionOrCodename || c.Codename != "" && c.Codename == versionOrCodename {
			return c, true
		}
	}
	return Release{}, false
}

// Ended reports whether c's support ended before day.
func (c Release) Ended(day time.Time) bool { return !c.EOL.IsZero() && c.EOL.Before(day) }

// SplitTag returns a tag's leading numeric version ("3.14" of
// "3.14-slim") and the rest of the tag.
func SplitTag(tag string) (version, variant string) {
	first, rest, _ := strings.Cut(tag, "-")
	if first == "" || strings.Trim(first, "0123456789.") != "" || first[0] == '.' ||
		first[len(first)-1] == '.' || strings.Contains(first, "..") || len(first) >= 8 && !strings.Contains(first, ".") {
		return "", tag
	}
	return first, rest
}

// LeadingVersion returns the digits and dots a tag starts with: "8" of
// "8u432-b06-jdk", "21.0.8" of "21.0.8_9-jdk".
func LeadingVersion(tag string) string {
	i := 0
	for i < len(tag) && (tag[i] >= '0' && tag[i] <= '9' || tag[i] == '.') {
		i++
	}
	return strings.TrimRight(tag[:i], ".")
}

// TruncVersion keeps the first n components of a dotted version.
func TruncVersion(v string, n int) string {
	parts := strings.Split(v, ".")
	if len(parts) > n {
		parts = parts[:n]
	}
	return strings.Join(parts, ".")
}

// Depth returns the number of components of a dotted version, 0 for "".
func Depth(v string) int {
	if v == "" {
		return 0
	}
	return strings.Count(v, ".") + 1
}

// lessVersion compares dotted numeric versions.
func lessVersion(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

// Label names c for a finding: "ubuntu 18.04 (bionic)", "python 3.8".
func (c Release) Label() string {
	if c.Codename != "" {
		return fmt.Sprintf("%s %s (%s)", c.Product, c.Cycle, c.Codename)
	}
	return c.Product + " " + c.Cycle
}

// ImageCycle returns the release cycle an official image's tag is on:
// python 3.8-slim → python 3.8, ubuntu bionic → ubuntu 18.04.
func ImageCycle(image, tag string) (Release, bool) {
	p, ok := eolProducts[image]
	if !ok {
		return Release{}, false
	}
	if v := LeadingVersion(tag); v != "" && Depth(v) >= p.depth {
		return CycleOf(p.product, TruncVersion(v, p.depth))
	}
	first, _, _ := strings.Cut(tag, "-")
	if image == "ubuntu" || image == "debian" {
		return CycleOf(p.product, first)
	}
	return Release{}, false
}

// VariantBase returns the distribution release a tag's variant names:
// buster in 3.9-slim-buster, alpine 3.17 in 20-alpine3.17.
func VariantBase(image, tag string) (Release, bool) {
	if image == "ubuntu" || image == "debian" || image == "alpine" {
		return Release{}, false
	}
	for i, tok := range strings.Split(tag, "-") {
		if v, ok := strings.CutPrefix(tok, "alpine"); ok && v != "" {
			if c, ok := CycleOf("alpine", v); ok {
				return c, true
			}
		}
		if i == 0 {
			continue
		}
		for _, p := range []string{"debian", "ubuntu"} {
			if c, ok := CycleOf(p, tok); ok && c.Codename == tok {
				return c, true
			}
		}
	}
	return Release{}, false
}

// Upgrade returns the tag of the nearest supported release after tag's
// with the same variant and the same form (as many version components, or
// a code name), that is among the image's current tags. Answers are kept:
// finding one looks at every tag of the image. The end-of-life dates are
// UTC midnights, so every instant up to the next one gets the same answer.
func Upgrade(image, tag string, today time.Time) (string, bool) {
	day := today.UTC().Truncate(24 * time.Hour)
	if day.Before(today) {
		day = day.Add(24 * time.Hour)
	}
	key := image + ":" + tag + "@" + day.Format(time.DateOnly)
	if r, ok := upgrades.Load(key); ok {
		return r.(string), r.(string) != ""
	}
	next, ok := findUpgradeTag(image, tag, today)
	upgrades.Store(key, next)
	return next, ok
}

// upgrades holds Upgrade's answers; "" means none.
var upgrades sync.Map

func findUpgradeTag(image, tag string, today time.Time) (string, bool) {
	p := eolProducts[image]
	cur, _ := ImageCycle(image, tag)
	tags := images.Lookup(image)
	if tags == nil {
		return "", false
	}
	version, variant := SplitTag(tag)
	best, bestCycle := "", ""
	consider := func(cand, cycle string) {
		c, known := CycleOf(p.product, cycle)
		if known && c.Ended(today) || !lessVersion(cur.Cycle, cycle) || !tags.Tags[cand].Current {
			return
		}
		if b, ok := VariantBase(image, cand); ok && b.Ended(today) {
			return
		}
		if best == "" || lessVersion(cycle, bestCycle) || cycle == bestCycle && cand > best {
			best, bestCycle = cand, cycle
		}
	}
	if version == "" { // a code name: ubuntu:bionic, debian:buster-slim
		_, rest, _ := strings.Cut(tag, "-")
		for _, c := range loadPins().cycles[p.product] {
			if c.Codename != "" {
				cand := c.Codename
				if rest != "" {
					cand += "-" + rest
				}
				consider(cand, c.Cycle)
			}
		}
		return best, best != ""
	}
	for cand := range tags.Tags {
		v, vr := SplitTag(cand)
		if v != "" && vr == variant && Depth(v) == Depth(version) && Depth(v) >= p.depth {
			consider(cand, TruncVersion(v, p.depth))
		}
	}
	return best, best != ""
}

// Tag returns the tag pin gives an official image's tag ("" meaning
// latest): the most specific tag of the same image that p asks for, or tag
// itself when it is that specific already. known is false when the tables
// cannot tell.
func Tag(image, tag string, p Precision) (pinned string, known bool) {
	want := 2
	if p == Patch {
		want = 3
	}
	version, _ := SplitTag(tag)
	if tag != "" && tag != "latest" && version != "" && Depth(version) >= want {
		return tag, true
	}
	pins := loadPins()
	key := tag
	if key == "" {
		key = "latest"
	}
	full, ok := pins.specific[image][key]
	if !ok {
		return tag, false
	}
	pinned = full
	if fv, variant := SplitTag(full); want == 2 && Depth(fv) > 2 {
		minor := TruncVersion(fv, 2)
		if variant != "" {
			minor += "-" + variant
		}
		if pins.specific[image][minor] == full {
			pinned = minor
		}
	}
	return pinned, true
}

// Pinned returns the tag the pin pass leaves on an official image's tag
// with precision p and, when upgradeEOL, --upgrade-eol on day today:
// pinned, and moved off an ended release, as the pass does.
func Pinned(image, tag string, p Precision, upgradeEOL bool, today time.Time) string {
	t, _ := Tag(image, tag, p)
	if !upgradeEOL || t == "" {
		return t
	}
	if c, ok := ImageCycle(image, t); ok && c.Ended(today) {
		if next, ok := Upgrade(image, t, today); ok {
			t, _ = Tag(image, next, p)
		}
	}
	return t
}

// Date returns the date of the official images data pins.tsv was made
// from, YYYY-MM-DD.
func Date() string { return loadPins().date }
