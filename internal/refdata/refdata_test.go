package refdata

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(text string) {
		if err := os.WriteFile(filepath.Join(dir, "x.tsv"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("# about\n# source: x, date 2026-01-02\n\nimage\ttag\nalpine\t3.24\n# note\nnode\t\n")
	tab, err := Read(dir, "x.tsv")
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
		write(text)
		if _, err := Read(dir, "x.tsv"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Read(%q) = %v, want an error with %q", text, err, want)
		}
	}
}

// TestCopy reads every file of the embedded copy: each .tsv parses with a
// source line and rows, and the Debian names are all there.
func TestCopy(t *testing.T) {
	want := []string{"alpine-packages.tsv", "debian-bookworm-packages.txt", "debian-bookworm-virtual-packages.tsv", "official-images-alpine-history.tsv", "official-images-alpine.tsv"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	for _, name := range want {
		if !strings.HasSuffix(name, ".tsv") {
			continue
		}
		tab, err := Read("", name)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Rows) < 9000 {
			t.Errorf("%s: %d rows, want the 9,000 or more of data/README.md", name, len(tab.Rows))
		}
	}
	names, err := DebianNames("")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 70000 || !names["libssl-dev"] || !names["awk"] || names["virtual_name"] {
		t.Errorf("DebianNames: %d names, want over 70,000 with libssl-dev and the virtual awk and not the header", len(names))
	}
	if _, err := ReadFile("", "official-images-summary.tsv"); err == nil || !strings.Contains(err.Error(), "scripts/refdata-refresh") {
		t.Errorf("ReadFile of a file not in the copy: %v, want an error naming scripts/refdata-refresh", err)
	}
}

// shared is ../shared/data seen from this package's folder: the reference
// data the copy is taken from, beside the repository on the developers'
// machines and absent from a fresh clone.
const shared = "../../../shared/data"

// TestCopyMatchesShared checks that the embedded copy and data/README.md
// are the files of ../shared/data when that folder is there, so a change to
// the reference data cannot go unnoticed: refresh the copy with
// scripts/refdata-refresh, then regenerate the tables. Without the folder
// (a fresh clone, CI) there is nothing to compare: the copy is the data.
func TestCopyMatchesShared(t *testing.T) {
	if _, err := os.Stat(shared); os.IsNotExist(err) {
		t.Logf("%s is absent: nothing to compare the copy with", shared)
		return
	}
	for _, name := range append(Names(), "README.md") {
		want, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Errorf("%v: the copy has a file the reference data lacks", err)
			continue
		}
		var got []byte
		if name == "README.md" {
			got, err = os.ReadFile(filepath.Join("data", name))
		} else {
			got, err = ReadFile("", name)
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("internal/refdata/data/%s differs from %s/%s: run scripts/refdata-refresh, then go generate ./transform", name, shared, name)
		}
	}
}

// Names returns the names of the embedded copy's files, without .gz.
func Names() []string {
	entries, _ := copyFS.ReadDir("data") // the folder is embedded: no error
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".gz"))
	}
	return names
}
