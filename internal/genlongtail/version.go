package main

import (
	"regexp"
	"strconv"
	"strings"
)

// upstreamNums returns the leading numbers of a package version's
// upstream part: Debian's epoch (1:), revision (-2) and a pre-release
// "0~" prefix dropped, Alpine's -rN dropped ("1:2.9.14+dfsg-1" → 2 9 14,
// "0~20190702+dfsg-3" → 20190702, "1.10.6-r1" → 1 10 6). nil when the
// version does not start with a number.
func upstreamNums(v string) []int {
	if _, after, ok := strings.Cut(v, ":"); ok {
		v = after
	}
	v = strings.TrimPrefix(v, "0~")
	m := leadingNums.FindString(v)
	if m == "" {
		return nil
	}
	var out []int
	for _, p := range strings.Split(m, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		out = append(out, n)
	}
	return out
}

var leadingNums = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*`)

// compareNums compares two upstreamNums results like version numbers
// (1.10 > 1.9; 1.2 < 1.2.1).
func compareNums(a, b []int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// versionString writes upstreamNums back as text.
func versionString(n []int) string {
	var b strings.Builder
	for i, x := range n {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(x))
	}
	return b.String()
}
