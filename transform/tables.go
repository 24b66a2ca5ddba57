package transform

import (
	_ "embed"
	"fmt"

	"github.com/docklean/docklean/internal/tsv"
)

// The tables under data/ are described in docs/tables.md. debian-alpine.tsv
// and fedora-alpine.tsv are curated by hand; alpine-packages.txt,
// alpine-arches.tsv and images.tsv are generated from the reference data (internal/refdata, a
// copy of ../shared/data) by the generators below; internal/alpinepkg and
// internal/images read them (package transform/data embeds them):
//
//go:generate go run ../internal/gentables -out data
//go:generate go run ../internal/gendebian -root .. -out data
//go:generate go run ../internal/genlongtail -root .. -out data
//go:generate go run ../internal/genimplicit -root .. -out data

// tsvRows calls row for each data line of an embedded table (comment lines
// starting with # and the header line skipped), panicking with the file and
// line on a line without cols tab-separated fields: the tables are ours, and
// a broken one is a bug the tests catch.
func tsvRows(file, text string, cols int, row func(line int, f []string)) {
	if err := tsv.Rows(text, cols, row); err != nil {
		panic(fmt.Sprintf("transform: data/%s:%v", file, err))
	}
}
