// Package tsv reads docklean's tab-separated tables: lines starting with #
// and empty lines are comments, the first other line is the header, and
// every later line is a row of tab-separated fields.
package tsv

import (
	"fmt"
	"strings"
)

// Rows calls row with the line number (from 1) and the fields of every row
// of text, in order. It stops at the first row without exactly cols fields
// and returns an error naming its line.
func Rows(text string, cols int, row func(line int, f []string)) error {
	header := true
	for i, line := range strings.Split(text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if header {
			header = false
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != cols {
			return fmt.Errorf("%d: want %d tab-separated fields: %q", i+1, cols, line)
		}
		row(i+1, f)
	}
	return nil
}

// MustRows is Rows for docklean's embedded tables (transform/data), named
// file there: a row without cols fields panics with the file and line, since
// the tables are ours and a broken one is a bug the tests catch.
func MustRows(file, text string, cols int, row func(line int, f []string)) {
	if err := Rows(text, cols, row); err != nil {
		panic(fmt.Sprintf("transform/data/%s:%v", file, err))
	}
}
