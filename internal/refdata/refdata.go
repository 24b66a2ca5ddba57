// Package refdata reads the reference data in ../shared/data (see its
// README.md) for the generators of package transform's embedded tables,
// internal/gentables and internal/genpins.
package refdata

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
)

// Main is a generator's main function: it reads the -data (folder with the
// reference data) and -out (folder to write to) flags, runs gen with them,
// and on error prints it after name and exits with status 1.
func Main(name string, gen func(data, out string) error) {
	data := flag.String("data", "../../shared/data", "folder with the reference data")
	out := flag.String("out", "data", "folder to write the tables to")
	flag.Parse()
	if err := gen(*data, *out); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

// Table is a parsed reference .tsv file.
type Table struct {
	Source string              // its "# source:" comment
	Rows   []map[string]string // column name to cell, in file order
}

// Read parses the .tsv file at path: lines starting with '#' and blank
// lines are comments, the first other line names the columns. A file
// without a "# source:" line, or with a row of the wrong width, is an error.
func Read(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := &Table{}
	var cols []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# source:"):
			t.Source = strings.TrimSpace(strings.TrimPrefix(line, "# source:"))
		case strings.HasPrefix(line, "#") || line == "":
		case cols == nil:
			cols = strings.Split(line, "\t")
		default:
			cells := strings.Split(line, "\t")
			if len(cells) != len(cols) {
				return nil, fmt.Errorf("%s: %d cells, want %d: %q", path, len(cells), len(cols), line)
			}
			row := make(map[string]string, len(cols))
			for i, c := range cols {
				row[c] = cells[i]
			}
			t.Rows = append(t.Rows, row)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if t.Source == "" {
		return nil, fmt.Errorf("%s: no '# source:' line", path)
	}
	return t, nil
}

// Windows reports whether tag is a Windows variant of an image
// (windowsservercore, nanoserver).
func Windows(tag string) bool {
	return strings.Contains(tag, "windowsservercore") || strings.Contains(tag, "nanoserver")
}
