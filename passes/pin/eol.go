package pin

import (
	"fmt"
	"time"

	"github.com/docklean/docklean/internal/pins"
)

// checkEOL reports ref when its release, or the distribution release its
// variant names (python:3.11-slim-buster, node:22-alpine3.17), reached its
// end of life before today. With pins.UpgradeEOLOption an ended release of the
// image itself is replaced by the nearest supported one with the same
// variant among the official images' current tags.
func checkEOL(f *fromTx, ref imageRef, today time.Time) imageRef {
	if !ref.official() || ref.tag == "" {
		return ref
	}
	c, ok := pins.ImageCycle(ref.name, ref.tag)
	if !ok || !c.Ended(today) {
		if b, ok := pins.VariantBase(ref.name, ref.tag); ok && b.Ended(today) {
			f.refuse(codeEOLVariant, "%s: its base %s reached end of %s on %s; pick a newer variant by hand",
				ref.short(), b.Label(), b.Support, b.EOL.Format(time.DateOnly))
		}
		return ref
	}
	what := fmt.Sprintf("%s reached end of %s on %s", ref.short(), c.Support, c.EOL.Format(time.DateOnly))
	next, found := pins.Upgrade(ref.name, ref.tag, today)
	switch {
	case !found:
		f.refuse(codeEndOfLife, "%s; no supported release with the same variant is among the official images' tags", what)
		return ref
	case !f.u.Opts.Bool(pins.UpgradeEOLOption):
		f.refuse(codeEndOfLife, "%s; --upgrade-eol would move it to %s:%s", what, ref.name, next)
		return ref
	}
	out := ref
	out.tag = next
	f.tx.Changed(f.line, codeEndOfLife, "upgraded %s to %s: %s", ref.short(), out.short(), what)
	return pinRef(f, out)
}
