package tsv

import "testing"

func TestSections(t *testing.T) {
	for _, text := range []string{"# c [x]\n[a]\nx[1]\ny\n[b]\nz\n", "[a]\nx[1]\ny\n[b]\nz"} {
		var got []string
		for h, body := range Sections(text) {
			got = append(got, h, body)
		}
		if len(got) != 4 || got[0] != "a" || got[1] != "x[1]\ny\n" || got[2] != "b" || got[3] != text[len(text)-len(got[3]):] || got[3][0] != 'z' {
			t.Errorf("Sections(%q) = %q", text, got)
		}
	}
	for range Sections("no header\n") {
		t.Error("a text without a header has a section")
	}
	n := 0
	for range Sections("[a]\n[b]\n") {
		n++
		break
	}
	if n != 1 {
		t.Errorf("Sections went on after break")
	}
}
