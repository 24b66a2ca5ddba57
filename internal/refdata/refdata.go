// Package refdata reads the reference data that the generators of package
// transform's tables (internal/gentables, genpins, genslim) and the tests
// check names against. It is a copy of the files of ../shared/data they need
// (data/README.md says where each comes from), gzipped under data/ and
// embedded, so a fresh clone needs nothing beside it: scripts/refdata-refresh
// updates the copy, and TestCopyMatchesShared compares it with
// ../shared/data whenever that folder is there.
package refdata

import (
	"bytes"
	"compress/gzip"
	"embed"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed data/*.gz
var copyFS embed.FS

// Main is a generator's main function: it reads the -data (folder with the
// reference data, default the embedded copy) and -out (folder to write to)
// flags, runs gen with them, and on error prints it after name and exits
// with status 1.
func Main(name string, gen func(data, out string) error) {
	data := flag.String("data", "", "folder with the reference data (default: the copy in internal/refdata/data)")
	out := flag.String("out", "data", "folder to write the tables to")
	flag.Parse()
	if err := gen(*data, *out); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// ReadFile returns the reference file name (e.g. "alpine-packages.tsv")
// from the folder dir, or from the embedded copy when dir is "".
func ReadFile(dir, name string) ([]byte, error) {
	if dir != "" {
		return os.ReadFile(filepath.Join(dir, name))
	}
	gz, err := copyFS.ReadFile("data/" + name + ".gz")
	if err != nil {
		return nil, fmt.Errorf("%s is not in internal/refdata/data (see scripts/refdata-refresh): %w", name, err)
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("internal/refdata/data/%s.gz: %w", name, err)
	}
	return io.ReadAll(r)
}

// Table is a parsed reference .tsv file.
type Table struct {
	Source string              // its "# source:" comment
	Rows   []map[string]string // column name to cell, in file order
}

// Rows returns the rows of the copy's table name, keyed by column name,
// for a test: a table that cannot be read fails tb.
func Rows(tb testing.TB, name string) []map[string]string {
	tb.Helper()
	t, err := Read("", name)
	if err != nil {
		tb.Fatal(err)
	}
	return t.Rows
}

// Read parses the reference .tsv file name of dir (see ReadFile): lines
// starting with '#' and blank lines are comments, the first other line
// names the columns. A file without a "# source:" line, or with a row of
// the wrong width, is an error.
func Read(dir, name string) (*Table, error) {
	b, err := ReadFile(dir, name)
	if err != nil {
		return nil, err
	}
	t := &Table{}
	var cols []string
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "# source:"):
			t.Source = strings.TrimSpace(strings.TrimPrefix(line, "# source:"))
		case strings.HasPrefix(line, "#") || line == "":
		case cols == nil:
			cols = strings.Split(line, "\t")
		default:
			cells := strings.Split(line, "\t")
			if len(cells) != len(cols) {
				return nil, fmt.Errorf("%s: %d cells, want %d: %q", name, len(cells), len(cols), line)
			}
			row := make(map[string]string, len(cols))
			for i, c := range cols {
				row[c] = cells[i]
			}
			t.Rows = append(t.Rows, row)
		}
	}
	if t.Source == "" {
		return nil, fmt.Errorf("%s: no '# source:' line", name)
	}
	return t, nil
}

// DebianNames returns the names apt can install in Debian bookworm: the
// packages of debian-bookworm-packages.txt and the virtual names of
// debian-bookworm-virtual-packages.tsv, from dir as ReadFile reads it.
func DebianNames(dir string) (map[string]bool, error) {
	b, err := ReadFile(dir, "debian-bookworm-packages.txt")
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, n := range strings.Fields(string(b)) {
		names[n] = true
	}
	virtual, err := Read(dir, "debian-bookworm-virtual-packages.tsv")
	if err != nil {
		return nil, err
	}
	for _, r := range virtual.Rows {
		names[r["virtual_name"]] = true
	}
	return names, nil
}

// Windows reports whether tag is a Windows variant of an image
// (windowsservercore, nanoserver).
func Windows(tag string) bool {
	return strings.Contains(tag, "windowsservercore") || strings.Contains(tag, "nanoserver")
}
