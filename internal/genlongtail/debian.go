package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/debpkg"
)

// The Debian releases the extract step reads: the candidates' names are
// looked up in bookworm and trixie (what Dockerfiles install); sid only
// bounds the versions over which a soname is known to hold.
var (
	nameReleases = []string{"bookworm", "trixie"}
	allReleases  = []string{"bookworm", "trixie", "sid"}
)

// debPackage is a Debian binary package of one release, with the files
// the rules look at: commands (usr/bin/x, usr/sbin/x, bin/x, sbin/x) and
// shared libraries (usr/lib/libx.so.N, multiarch folder dropped, the
// shortest version of each library).
type debPackage struct {
	release, name, source, version, section string
	files                                   []string
}

// debSource is a Debian source package of one release: its version, the
// -dev packages it builds and the sonames its packages ship.
type debSource struct {
	release, name, version string
	devs, sonames          []string
}

var (
	binFile = regexp.MustCompile(`^(usr/)?s?bin/[^/]+$`)
	soFile  = regexp.MustCompile(`^(usr/)?lib/(x86_64-linux-gnu/)?(lib[^/]*\.so\.[0-9][0-9.]*)$`)
)

// readPackages reads a release's Packages.xz: name → package (files
// empty).
func readPackages(file, release string) (map[string]*debPackage, error) {
	raw, err := exec.Command("xz", "-dc", file).Output()
	if err != nil {
		return nil, fmt.Errorf("xz -dc %s: %v", file, err)
	}
	out := map[string]*debPackage{}
	err = debpkg.Stanzas(bytes.NewReader(raw), func(f map[string]string) {
		src := f["Source"]
		if src == "" {
			src = f["Package"]
		}
		src, ver, _ := strings.Cut(src, " ")
		ver = strings.Trim(ver, "()")
		if ver == "" {
			ver = f["Version"]
		}
		out[f["Package"]] = &debPackage{release: release, name: f["Package"], source: src, version: ver, section: f["Section"]}
	})
	return out, err
}

// readContents adds to pkgs the command and library files of a Contents
// index (gzipped).
func readContents(file string, pkgs map[string]*debPackage) error {
	return debpkg.ContentsFile(file, func(p string, locs []string) {
		var kept string
		switch {
		case binFile.MatchString(p):
			kept = p
		case soFile.MatchString(p):
			kept = "usr/lib/" + soFile.FindStringSubmatch(p)[3]
		default:
			return
		}
		for _, l := range locs {
			if dp := pkgs[debpkg.PkgName(l)]; dp != nil {
				dp.files = append(dp.files, kept)
			}
		}
	})
}

// tidyFiles sorts a package's files and keeps, of each library, its
// shortest name (libpcap.so.0.8, not libpcap.so.1.10.3 beside it).
func tidyFiles(files []string) []string {
	short := map[string]string{} // stem → shortest file
	var out []string
	for _, f := range files {
		if !strings.HasPrefix(f, "usr/lib/") {
			out = append(out, f)
			continue
		}
		stem, _, _ := strings.Cut(path.Base(f), ".so.")
		if s, ok := short[stem]; !ok || len(f) < len(s) {
			short[stem] = f
		}
	}
	for _, f := range short {
		out = append(out, f)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// soname is a library file's name (libpcap.so.0.8).
func soname(f string) string { return path.Base(f) }

// isLib reports whether a file of debPackage.files is a shared library.
func isLib(f string) bool { return strings.HasPrefix(f, "usr/lib/") }

// extractDebian reads the Debian indexes of dir/RELEASE/ (Packages.xz,
// Contents-amd64.gz, Contents-all.gz) and returns the candidates'
// packages (bookworm and trixie) and their sources (all releases).
func extractDebian(dir string, candidates []string) ([]*debPackage, []*debSource, error) {
	var pkgs []*debPackage
	var srcs []*debSource
	wantSrc := map[string]bool{}
	byRel := map[string]map[string]*debPackage{}
	for _, rel := range allReleases {
		all, err := readPackages(filepath.Join(dir, rel, "Packages.xz"), rel)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range []string{"Contents-amd64.gz", "Contents-all.gz"} {
			file := filepath.Join(dir, rel, c)
			if _, err := os.Stat(file); err != nil && c == "Contents-all.gz" && rel == "sid" {
				continue // sid bounds sonames only: its arch-all Contents is not needed
			}
			if err := readContents(file, all); err != nil {
				return nil, nil, err
			}
		}
		byRel[rel] = all
		if slices.Contains(nameReleases, rel) {
			for _, n := range candidates {
				if p := all[n]; p != nil {
					p.files = tidyFiles(p.files)
					pkgs = append(pkgs, p)
					wantSrc[p.source] = true
				}
			}
		}
	}
	for _, rel := range allReleases {
		bySrc := map[string]*debSource{}
		for _, p := range byRel[rel] {
			if !wantSrc[p.source] {
				continue
			}
			s := bySrc[p.source]
			if s == nil {
				s = &debSource{release: rel, name: p.source, version: p.version}
				bySrc[p.source] = s
			}
			if c := compareNums(upstreamNums(p.version), upstreamNums(s.version)); c > 0 || c == 0 && p.version > s.version {
				s.version = p.version // the newest of its packages' versions
			}
			if strings.HasSuffix(p.name, "-dev") {
				s.devs = append(s.devs, p.name)
			}
			for _, f := range tidyFiles(p.files) {
				if isLib(f) {
					s.sonames = append(s.sonames, soname(f))
				}
			}
		}
		for _, s := range bySrc {
			sort.Strings(s.devs)
			sort.Strings(s.sonames)
			s.sonames = slices.Compact(s.sonames)
			srcs = append(srcs, s)
		}
	}
	return pkgs, srcs, nil
}
