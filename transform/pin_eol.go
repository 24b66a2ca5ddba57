package transform

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/docklean/docklean/internal/images"
)

// checkEOL reports ref when its release, or the distribution release its
// variant names (python:3.11-slim-buster, node:22-alpine3.17), reached its
// end of life before today. With Options.UpgradeEOL an ended release of the
// image itself is replaced by the nearest supported one with the same
// variant among the official images' current tags.
func checkEOL(u *Unit, line int, ref imageRef, today time.Time) imageRef {
	if !ref.official() || ref.tag == "" {
		return ref
	}
	c, ok := imageCycle(ref.name, ref.tag)
	if !ok || !c.ended(today) {
		if b, ok := variantBase(ref.name, ref.tag); ok && b.ended(today) {
			u.Refused(line, "%s: its base %s reached end of %s on %s; pick a newer variant by hand",
				ref.short(), b.label(), b.support, b.eol.Format(time.DateOnly))
		}
		return ref
	}
	what := fmt.Sprintf("%s reached end of %s on %s", ref.short(), c.support, c.eol.Format(time.DateOnly))
	next, found := upgradeTag(ref.name, ref.tag, today)
	switch {
	case !found:
		u.Refused(line, "%s; no supported release with the same variant is among the official images' tags", what)
		return ref
	case !u.Opts.UpgradeEOL:
		u.Refused(line, "%s; --upgrade-eol would move it to %s:%s", what, ref.name, next)
		return ref
	}
	out := ref
	out.tag = next
	u.Changed(line, "upgraded %s to %s: %s", ref.short(), out.short(), what)
	return pinRef(u, line, out)
}

func (c eolCycle) label() string {
	if c.codename != "" {
		return fmt.Sprintf("%s %s (%s)", c.product, c.cycle, c.codename)
	}
	return c.product + " " + c.cycle
}

// imageCycle returns the release cycle an official image's tag is on:
// python 3.8-slim → python 3.8, ubuntu bionic → ubuntu 18.04.
func imageCycle(image, tag string) (eolCycle, bool) {
	p, ok := eolProducts[image]
	if !ok {
		return eolCycle{}, false
	}
	if v := leadingVersion(tag); v != "" && depth(v) >= p.depth {
		return cycleOf(p.product, truncVersion(v, p.depth))
	}
	first, _, _ := strings.Cut(tag, "-")
	if image == "ubuntu" || image == "debian" {
		return cycleOf(p.product, first)
	}
	return eolCycle{}, false
}

// variantBase returns the distribution release a tag's variant names:
// buster in 3.9-slim-buster, alpine 3.17 in 20-alpine3.17.
func variantBase(image, tag string) (eolCycle, bool) {
	if image == "ubuntu" || image == "debian" || image == "alpine" {
		return eolCycle{}, false
	}
	for i, tok := range strings.Split(tag, "-") {
		if v, ok := strings.CutPrefix(tok, "alpine"); ok && v != "" {
			if c, ok := cycleOf("alpine", v); ok {
				return c, true
			}
		}
		if i == 0 {
			continue
		}
		for _, p := range []string{"debian", "ubuntu"} {
			if c, ok := cycleOf(p, tok); ok && c.codename == tok {
				return c, true
			}
		}
	}
	return eolCycle{}, false
}

// upgradeTag returns the tag of the nearest supported release after tag's
// with the same variant and the same form (as many version components, or
// a code name), that is among the image's current tags. Answers are kept:
// finding one looks at every tag of the image. The end-of-life dates are
// UTC midnights, so every instant up to the next one gets the same answer.
func upgradeTag(image, tag string, today time.Time) (string, bool) {
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

// upgrades holds upgradeTag's answers; "" means none.
var upgrades sync.Map

func findUpgradeTag(image, tag string, today time.Time) (string, bool) {
	p := eolProducts[image]
	cur, _ := imageCycle(image, tag)
	tags := images.Lookup(image)
	if tags == nil {
		return "", false
	}
	version, variant := splitTag(tag)
	best, bestCycle := "", ""
	consider := func(cand, cycle string) {
		c, known := cycleOf(p.product, cycle)
		if known && c.ended(today) || !lessVersion(cur.cycle, cycle) || !tags.Tags[cand].Current {
			return
		}
		if b, ok := variantBase(image, cand); ok && b.ended(today) {
			return
		}
		if best == "" || lessVersion(cycle, bestCycle) || cycle == bestCycle && cand > best {
			best, bestCycle = cand, cycle
		}
	}
	if version == "" { // a code name: ubuntu:bionic, debian:buster-slim
		_, rest, _ := strings.Cut(tag, "-")
		for _, c := range loadPins().cycles[p.product] {
			if c.codename != "" {
				cand := c.codename
				if rest != "" {
					cand += "-" + rest
				}
				consider(cand, c.cycle)
			}
		}
		return best, best != ""
	}
	for cand := range tags.Tags {
		v, vr := splitTag(cand)
		if v != "" && vr == variant && depth(v) == depth(version) && depth(v) >= p.depth {
			consider(cand, truncVersion(v, p.depth))
		}
	}
	return best, best != ""
}
