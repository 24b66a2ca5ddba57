package transform

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// data/pins.tsv is generated from the reference data (see internal/genpins);
// data/eol.tsv is written by hand, one cited source per row.
//
//go:generate go run ../internal/genpins -out data

//go:embed data/pins.tsv
var pinsTSV string

//go:embed data/eol.tsv
var eolTSV string

// eolCycle is one release cycle of a product in data/eol.tsv.
type eolCycle struct {
	product, cycle, codename string
	eol                      time.Time // zero: supported (no settled date)
	support                  string    // which support ended: "standard support", "LTS support", "support"
}

type pinTables struct {
	specific map[string]map[string]string // image -> tag -> most specific tag of the same entry
	date     string                       // the official images data's date, YYYY-MM-DD
	cycles   map[string][]eolCycle        // product -> cycles in table order
}

var loadPins = sync.OnceValue(func() *pinTables {
	t := &pinTables{specific: map[string]map[string]string{}, cycles: map[string][]eolCycle{}}
	var img map[string]string
	for line := range strings.SplitSeq(pinsTSV, "\n") {
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
	tsvRows("eol.tsv", eolTSV, 6, func(line int, f []string) {
		if f[5] == "" {
			panic(fmt.Sprintf("transform: data/eol.tsv:%d: every row cites its source", line))
		}
		c := eolCycle{product: f[0], cycle: f[1], codename: f[2], support: f[4]}
		if f[3] != "" {
			d, err := time.Parse(time.DateOnly, f[3])
			if err != nil {
				panic(fmt.Sprintf("transform: data/eol.tsv:%d: %v", line, err))
			}
			c.eol = d
		}
		t.cycles[c.product] = append(t.cycles[c.product], c)
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

// cycleOf returns the cycle row of product for a version or code name.
func cycleOf(product, versionOrCodename string) (eolCycle, bool) {
	for _, c := range loadPins().cycles[product] {
		if c.cycle == versionOrCodename || c.codename != "" && c.codename == versionOrCodename {
			return c, true
		}
	}
	return eolCycle{}, false
}

// ended reports whether c's support ended before day.
func (c eolCycle) ended(day time.Time) bool { return !c.eol.IsZero() && c.eol.Before(day) }

// splitTag returns a tag's leading numeric version ("3.14" of
// "3.14-slim") and the rest of the tag.
func splitTag(tag string) (version, variant string) {
	first, rest, _ := strings.Cut(tag, "-")
	if first == "" || strings.Trim(first, "0123456789.") != "" || first[0] == '.' ||
		first[len(first)-1] == '.' || strings.Contains(first, "..") || len(first) >= 8 && !strings.Contains(first, ".") {
		return "", tag
	}
	return first, rest
}

// leadingVersion returns the digits and dots a tag starts with: "8" of
// "8u432-b06-jdk", "21.0.8" of "21.0.8_9-jdk".
func leadingVersion(tag string) string {
	i := 0
	for i < len(tag) && (tag[i] >= '0' && tag[i] <= '9' || tag[i] == '.') {
		i++
	}
	return strings.TrimRight(tag[:i], ".")
}

// truncVersion keeps the first n components of a dotted version.
func truncVersion(v string, n int) string {
	parts := strings.Split(v, ".")
	if len(parts) > n {
		parts = parts[:n]
	}
	return strings.Join(parts, ".")
}

func depth(v string) int {
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
