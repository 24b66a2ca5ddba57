// Package data embeds the tables of this folder that docklean's internal
// packages read (docs/tables.md describes each table). The tables stay here,
// where their generators write them (see the go:generate lines in
// transform/tables.go); an embed reaches only files below its package.
package data

import _ "embed"

// DebianAlpine is debian-alpine.tsv: Debian and Ubuntu package names and
// their Alpine equivalents, curated by hand.
//
//go:embed debian-alpine.tsv
var DebianAlpine string

// FedoraAlpine is fedora-alpine.tsv: yum/dnf package names and their Alpine
// equivalents, curated by hand.
//
//go:embed fedora-alpine.tsv
var FedoraAlpine string

// AlpinePackages is alpine-packages.txt: the package names of Alpine's main
// and community repositories, grouped by the releases they are in.
//
//go:embed alpine-packages.txt
var AlpinePackages string

// Images is images.tsv: the tags of the official images and their Alpine
// variants, one section per image.
//
//go:embed images.tsv
var Images string
