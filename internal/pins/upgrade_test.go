package pins

import (
	"testing"
	"time"
)

// TestUpgradeTagKept checks that Upgrade's kept answers are the ones
// findUpgradeTag gives, at midnight, during the day and across an
// end-of-life date.
func TestUpgradeTagKept(t *testing.T) {
	eol := time.Date(2024, 10, 7, 0, 0, 0, 0, time.UTC) // python 3.8
	days := []time.Time{eol, eol.Add(time.Nanosecond), eol.Add(13 * time.Hour), eol.Add(-time.Hour),
		time.Date(2026, 11, 26, 9, 0, 0, 0, time.FixedZone("x", 5*3600))}
	found := 0
	for _, ref := range [][2]string{{"python", "3.8-slim"}, {"python", "3.8"}, {"ubuntu", "bionic"}, {"node", "16-bullseye"}, {"debian", "buster"}} {
		for _, day := range days {
			want, wantOK := findUpgradeTag(ref[0], ref[1], day)
			for range 2 {
				if got, ok := Upgrade(ref[0], ref[1], day); got != want || ok != wantOK {
					t.Errorf("Upgrade(%s:%s, %v) = %q, %v; want %q, %v", ref[0], ref[1], day, got, ok, want, wantOK)
				}
			}
			if wantOK {
				found++
			}
		}
	}
	if found == 0 {
		t.Error("no upgrade found: the test checks nothing")
	}
}
