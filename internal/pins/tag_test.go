package pins

import (
	"testing"
	"time"
)

func TestVersionHelpers(t *testing.T) {
	for tag, want := range map[string][2]string{
		"3.14-slim": {"3.14", "slim"}, "bookworm": {"", "bookworm"}, "20": {"20", ""},
		"1.2..3-x": {"", "1.2..3-x"}, "20240101": {"", "20240101"}, ".5-a": {"", ".5-a"},
	} {
		if v, r := SplitTag(tag); v != want[0] || r != want[1] {
			t.Errorf("SplitTag(%q) = %q, %q; want %q, %q", tag, v, r, want[0], want[1])
		}
	}
	if got := LeadingVersion("21.0.8_9-jdk"); got != "21.0.8" {
		t.Errorf("LeadingVersion = %q", got)
	}
	if got := TruncVersion("3.12.4", 2); got != "3.12" {
		t.Errorf("TruncVersion = %q", got)
	}
	if Depth("") != 0 || Depth("3") != 1 || Depth("3.12.4") != 3 {
		t.Errorf("Depth: %d %d %d", Depth(""), Depth("3"), Depth("3.12.4"))
	}
	if !lessVersion("3.9", "3.10") || lessVersion("3.10", "3.9") || !lessVersion("3", "3.1") {
		t.Error("lessVersion does not compare numerically")
	}
}

func TestReleases(t *testing.T) {
	c, ok := VariantBase("python", "3.9-slim-buster")
	if !ok || c.Label() != "debian 10 (buster)" || !c.Ended(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("VariantBase(python, 3.9-slim-buster) = %+v, %v (label %q)", c, ok, c.Label())
	}
	if _, ok := VariantBase("debian", "buster"); ok {
		t.Error("debian:buster has a variant base")
	}
	if c, ok := CycleOf("alpine", "3.20"); !ok || c.Label() != "alpine 3.20" {
		t.Errorf("CycleOf(alpine, 3.20) = %+v, %v", c, ok)
	}
	if len(Date()) != len("2006-01-02") {
		t.Errorf("Date() = %q", Date())
	}
}

// TestPinned checks that Pinned pins as Tag does, and with upgradeEOL moves
// an ended release to the supported one Upgrade finds.
func TestPinned(t *testing.T) {
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	want, _ := Tag("python", "3.12-slim", "minor")
	if got := Pinned("python", "3.12-slim", "minor", false, day); got != want {
		t.Errorf("Pinned(python:3.12-slim) = %q, want %q", got, want)
	}
	next, ok := Upgrade("python", "3.8-slim", day)
	if !ok {
		t.Fatal("python:3.8-slim has no upgrade")
	}
	want, _ = Tag("python", next, "minor")
	if got := Pinned("python", "3.8-slim", "minor", true, day); got != want {
		t.Errorf("Pinned(python:3.8-slim, upgrade) = %q, want %q", got, want)
	}
	if plain, _ := Tag("python", "3.8-slim", "minor"); Pinned("python", "3.8-slim", "minor", false, day) != plain {
		t.Errorf("Pinned(python:3.8-slim) without upgradeEOL = %q, want %q", Pinned("python", "3.8-slim", "minor", false, day), plain)
	}
}
