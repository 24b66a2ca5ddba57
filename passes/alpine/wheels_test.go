package alpine

import (
	"strings"
	"testing"
)

func TestUnaccountedRequires(t *testing.T) {
	pure := func(req ...string) muslWheel {
		return muslWheel{musl: wheelPure, since: "-", requires: req, depsKnown: true, source: "test"}
	}
	table := map[string]muslWheel{
		"app":     pure("web", "orm"),
		"web":     pure("markup"),
		"markup":  {musl: wheelYes, since: "2.1", depsKnown: true, source: "test"},
		"orm":     pure("driver"),
		"driver":  pure("missing"), // not in the table
		"a":       pure("b"),       // a cycle, otherwise accounted for
		"b":       pure("a"),
		"c":       pure("d", "torch"), // a cycle with a package that has no wheel
		"d":       pure("c"),
		"torch":   {musl: wheelNo, since: "-", depsKnown: true, source: "test"},
		"unknown": {musl: wheelPure, since: "-", source: "test"}, // requires ?
		"user":    pure("unknown"),
	}
	bad := unaccounted(table)
	for name, want := range map[string]bool{
		"web": true, "markup": true, "a": true, "b": true,
		"app": false, "orm": false, "driver": false, "missing": false,
		"c": false, "d": false, "torch": false, "unknown": false, "user": false,
	} {
		if _, isBad := bad[name]; isBad == want {
			t.Errorf("%s: accounted for = %v, want %v", name, !isBad, want)
		}
	}
	if got, want := wheelChain("app", bad), "app requires orm, which requires driver, which requires missing, which is not in docklean's table"; !strings.HasPrefix(got, want) {
		t.Errorf("wheelChain(app) = %q, want prefix %q", got, want)
	}
	if !bad["app"].unlisted || bad["c"].unlisted || !bad["user"].unlisted {
		t.Errorf("unlisted: app %v (want true), c %v (want false), user %v (want true)", bad["app"].unlisted, bad["c"].unlisted, bad["user"].unlisted)
	}
	if got := wheelChain("c", bad); !strings.Contains(got, "torch, which has no musllinux wheel") {
		t.Errorf("wheelChain(c) = %q, want it to end at torch", got)
	}
	// two bad dependencies: the chain reported is the same in every run
	table["two"] = pure("driver", "user")
	first := wheelChain("two", unaccounted(table))
	for i := 0; i < 20; i++ {
		if got := wheelChain("two", unaccounted(table)); got != first {
			t.Fatalf("wheelChain(two) = %q, then %q", first, got)
		}
	}
}

func TestWheelVerdictRequiresAndBuilds(t *testing.T) {
	debs := func(names ...string) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		return m
	}
	cases := []struct {
		req      string
		debs     map[string]bool
		want     string // "" or a part of the reason
		unlisted bool
	}{
		{"flask==3.0.3", nil, "", false},
		{"Django", nil, "", false},
		{"requests>=2.31", nil, "", false},
		{"django==4.2", nil, "knows what django requires from 5.2.17 on", true},
		{"matplotlib", nil, "matplotlib is in docklean's table, but the packages it requires are not", true},
		{"psycopg2==2.9.9", debs("gcc", "libpq-dev"), "", false},
		{"psycopg2==2.9.9", debs("build-essential", "libpq-dev"), "", false},
		{"psycopg2", debs("libpq-dev"), "does not install gcc or build-essential", false},
		{"psycopg2", debs("gcc"), "does not install libpq-dev", false},
		{"psycopg2", nil, "does not install gcc or build-essential, libpq-dev", false},
	}
	for _, c := range cases {
		why, unlisted := wheelVerdict(c.req, c.debs)
		if c.want == "" && why != "" || c.want != "" && !strings.Contains(why, c.want) || unlisted != c.unlisted {
			t.Errorf("wheelVerdict(%q, %v) = %q, %v; want %q, %v", c.req, c.debs, why, unlisted, c.want, c.unlisted)
		}
	}
}

// TestMuslWheelsRequiresListed: every package a row requires has a row
// of its own, so no shipped row is refused only for a missing one.
func TestMuslWheelsRequiresListed(t *testing.T) {
	m := muslWheels()
	for name, w := range m {
		for _, d := range w.requires {
			if _, ok := m[d]; !ok {
				t.Errorf("%s requires %s, which has no row", name, d)
			}
		}
	}
}
