package alpine

import (
	"slices"
	"testing"
)

func TestRequiredLiterals(t *testing.T) {
	for expr, want := range map[string][]string{
		`/etc/apt\b`: {"/etc/apt"},
		`\S*\.deb\b`: {".deb"},
		`\bppa:\S*`:  {"ppa:"},
		urlAround + `(deb\.nodesource\.com|download\.docker\.com/linux/(debian|ubuntu)|get\.docker\.com)` + urlAround: {"deb.nodesource.com", "download.docker.com/linux/debian", "download.docker.com/linux/ubuntu", "get.docker.com"},
		`(?i)curl`:  nil, // case folded
		`(ab|cde)`:  nil, // too short to filter
		`a\S*bcd`:   nil, // "a" only starts the match: "abcd" need not be in it
		`xyz\bab*c`: {"xyza"},
		`\s*x`:      nil,
		`(foo|\d+)`: nil, // an alternative without a literal
	} {
		got := requiredLiterals(expr)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("requiredLiterals(%q) = %q, want %q", expr, got, want)
		}
	}
}

// TestFilteredRegexpSameMatches checks that the filter never hides a match.
func TestFilteredRegexpSameMatches(t *testing.T) {
	texts := []string{
		"curl -fsSL https://deb.nodesource.com/setup_18.x | bash -",
		"dpkg -i /tmp/x.deb && add-apt-repository ppa:deadsnakes/ppa",
		"cp /usr/lib/x86_64-linux-gnu/libz.so /out; echo get.docker.com",
		"apt-get install -y curl", "",
	}
	for _, m := range append(slices.Clone(debianMarkers), fedoraMarkers...) {
		f := newFilteredRegexp(m.re)
		if f.lits == nil {
			t.Errorf("%s: no literal filter: marker scans are slow again", m.re)
		}
		for _, text := range texts {
			if got, want := f.FindString(text), f.Regexp.FindString(text); got != want {
				t.Errorf("%s on %q: %q, want %q", m.re, text, got, want)
			}
		}
	}
}
