package transform

// The tables under data/ are described in docs/tables.md; package
// transform/data embeds them, and the packages that read them take them
// from there. The generators run from here, where data/ is:
//
// The base users and groups of Alpine's and Debian's images and BusyBox's
// applets with their options, from the real files (see
// internal/genalpinebase/testdata/SOURCES.md):
//
//go:generate go run ../internal/genalpinebase -in ../internal/genalpinebase/testdata -out data
//
// data/slim-layers.tsv, from the docker-library Dockerfiles of the full
// images:
//
//go:generate go run ../internal/genslim -out data
//
// data/pins.tsv, from the reference data:
//
//go:generate go run ../internal/genpins -out data
//
// debian-alpine.tsv and fedora-alpine.tsv are curated by hand;
// alpine-packages.txt, alpine-arches.tsv and images.tsv are generated from
// the reference data (internal/refdata, a copy of ../shared/data), and the
// Debian and implicit tables from Debian's, by:
//
//go:generate go run ../internal/gentables -out data
//go:generate go run ../internal/gendebian -root .. -out data
//go:generate go run ../internal/genlongtail -root .. -out data
//go:generate go run ../internal/genimplicit -root .. -out data
