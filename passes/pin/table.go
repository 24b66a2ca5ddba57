package pin

// transform/data/pins.tsv is generated from the reference data (see
// internal/genpins, run by the go:generate line in transform/tables.go);
// transform/data/eol.tsv is written by hand, one cited source per row.
// internal/pins reads them (package transform/data embeds them).
