package alpine

import (
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/alpinepkg"
	"github.com/docklean/docklean/internal/tsv"
	"github.com/docklean/docklean/transform"
	"github.com/docklean/docklean/transform/data"
)

// TestImplicitRefused checks that a trigger with no Alpine package refuses
// the stage (no such row exists today: the table would say "-").
func TestImplicitRefused(t *testing.T) {
	saved := implicitTable
	defer func() { implicitTable = saved }()
	trig := &implicitTrigger{deb: "curl-data", class: "data", satisfied: "curl-data", evidence: "Alpine has none"}
	implicitTable = func() map[string][]implicitReach {
		return map[string][]implicitReach{"curl": {{whenDepends, trig, "curl -> curl-data"}}}
	}
	src := "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD [\"curl\"]\n"
	res, err := transform.Process("Dockerfile", []byte(src), []*transform.Pass{Pass}, &transform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Output) != src {
		t.Errorf("output changed:\n%s", res.Output)
	}
	want := "Debian's curl brings curl-data (curl -> curl-data), and Alpine has none; Alpine 3.24 has no package for it"
	if len(res.Findings) != 1 || res.Findings[0].Kind != transform.Refused || !strings.Contains(res.Findings[0].Message, want) {
		t.Errorf("findings = %v, want one refusal containing %q", res.Findings, want)
	}
}

// TestImplicitTable checks rows the corpus review found missing.
func TestImplicitTable(t *testing.T) {
	for deb, trigger := range map[string]string{"audacity": "fonts-dejavu-core", "mesa-utils": "libgl1-mesa-dri", "nmap": "nmap-common", "debootstrap": "debian-archive-keyring", "fontconfig": "fonts-dejavu-core"} {
		found := false
		for _, r := range implicitTable()[deb] {
			found = found || r.trigger.deb == trigger && r.when != whenRecommends
		}
		if !found {
			t.Errorf("debian-implicit.tsv: %s should bring %s", deb, trigger)
		}
	}
	if len(implicitTable()["gcc"]) > 0 {
		t.Error("debian-implicit.tsv: gcc reaches fonts only through a Recommends of a Recommends, which must not count")
	}
}

// TestImplicitRealNames checks that every Alpine package the triggers add
// exists in every release the data knows (invariant "real names only").
func TestImplicitRealNames(t *testing.T) {
	seen := map[*implicitTrigger]bool{}
	for _, rows := range implicitTable() {
		for _, r := range rows {
			if seen[r.trigger] {
				continue
			}
			seen[r.trigger] = true
			for _, a := range r.trigger.alpine {
				for _, rel := range alpinepkg.Releases() {
					if !alpinepkg.Exists(a, rel) {
						t.Errorf("implicit-triggers.tsv: %s (for %s) is not in Alpine %s", a, r.trigger.deb, rel)
					}
				}
			}
		}
	}
	want := 0
	tsv.MustRows("implicit-triggers.tsv", data.ImplicitTriggers, 5, func(int, []string) { want++ })
	if len(seen) != want {
		t.Errorf("%d triggers reached by debian-implicit.tsv, want the %d of implicit-triggers.tsv", len(seen), want)
	}
}
