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
