package pin

// data/pins.tsv is generated from the reference data (see internal/genpins);
// data/eol.tsv is written by hand, one cited source per row. internal/pins
// reads them (package transform/data embeds them).
//
//go:generate go run ../internal/genpins -out data
