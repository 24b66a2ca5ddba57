package debpkg

import (
	"slices"
	"strings"
	"testing"
)

func TestStanzas(t *testing.T) {
	in := "Package: a\nDepends: b (>= 1) | c, d:any\nDescription: x\n more text: not a field\n\n" +
		"Priority: optional\n\n" + // no Package: skipped
		"Package: e\nProvides: f (= 2), g\n"
	var got []map[string]string
	if err := Stanzas(strings.NewReader(in), func(f map[string]string) { got = append(got, f) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0]["Package"] != "a" || got[0]["Depends"] != "b (>= 1) | c, d:any" || got[0][" more text"] != "" || got[1]["Provides"] != "f (= 2), g" {
		t.Fatalf("stanzas: %q", got)
	}
	if a := FirstAlts(got[0]["Depends"]); !slices.Equal(a, []string{"b", "d"}) {
		t.Errorf("FirstAlts: %q", a)
	}
	if n := Names(got[1]["Provides"]); !slices.Equal(n, []string{"f", "g"}) {
		t.Errorf("Names: %q", n)
	}
	if a := FirstAlts(""); a != nil {
		t.Errorf("FirstAlts of an empty field: %q", a)
	}
}

func TestContents(t *testing.T) {
	in := "usr/bin/curl                                            web/curl\n" +
		"usr/lib/x86_64-linux-gnu/libz.so.1 libs/zlib1g,oldlibs/zlib1g-compat\n" +
		"no-locations-line\n"
	var got []string
	if err := Contents(strings.NewReader(in), func(path string, pkgs []string) {
		var names []string
		for _, p := range pkgs {
			names = append(names, PkgName(p))
		}
		got = append(got, path+" "+strings.Join(names, ","))
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"usr/bin/curl curl", "usr/lib/x86_64-linux-gnu/libz.so.1 zlib1g,zlib1g-compat"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
