package refdata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	write := func(text string) string {
		p := filepath.Join(t.TempDir(), "x.tsv")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tab, err := Read(write("# about\n# source: x, date 2026-01-02\n\nimage\ttag\nalpine\t3.24\n# note\nnode\t\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Source != "x, date 2026-01-02" || len(tab.Rows) != 2 ||
		tab.Rows[0]["image"] != "alpine" || tab.Rows[0]["tag"] != "3.24" || tab.Rows[1]["image"] != "node" || tab.Rows[1]["tag"] != "" {
		t.Errorf("Read = %+v", tab)
	}
	for text, want := range map[string]string{
		"# source: x\na\tb\n1\n": "1 cells, want 2",
		"a\tb\n1\t2\n":           "no '# source:' line",
	} {
		if _, err := Read(write(text)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Read(%q) = %v, want an error with %q", text, err, want)
		}
	}
}
