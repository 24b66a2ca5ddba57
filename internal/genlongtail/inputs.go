package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/alpinepkg"
	"github.com/docklean/docklean/internal/refdata"
	"github.com/docklean/docklean/internal/tsv"
)

// The committed inputs of input/ (SOURCE.md there says where each comes
// from).
const (
	debianFile  = "debian.tsv"
	sourcesFile = "sources.tsv"
	aportsFile  = "aports.tsv"
)

func writeDebian(in string, pkgs []*debPackage, srcs []*debSource) error {
	var rows []string
	for _, p := range pkgs {
		rows = append(rows, strings.Join([]string{p.release, p.name, p.source, p.version, p.section, strings.Join(p.files, " ")}, "\t"))
	}
	if err := writeRows(filepath.Join(in, debianFile), "# The candidates' packages in Debian bookworm and trixie (main, amd64): source, version, section, and the commands and\n"+
		"# shared libraries (shortest name of each, multiarch folder dropped) of Contents-amd64 and Contents-all. Written by genlongtail -extract.\n"+
		"release\tpackage\tsource\tversion\tsection\tfiles", rows); err != nil {
		return err
	}
	rows = nil
	for _, s := range srcs {
		rows = append(rows, strings.Join([]string{s.release, s.name, s.version, strings.Join(s.devs, " "), strings.Join(s.sonames, " ")}, "\t"))
	}
	return writeRows(filepath.Join(in, sourcesFile), "# The candidates' source packages in Debian bookworm, trixie and sid (main, amd64): the newest version of their packages,\n"+
		"# the -dev packages they build and the sonames their packages ship. Written by genlongtail -extract.\n"+
		"release\tsource\tversion\tdevs\tsonames", rows)
}

func writeRows(file, head string, rows []string) error {
	sort.Strings(rows)
	rows = slices.Compact(rows)
	return os.WriteFile(file, []byte(head+"\n"+strings.Join(rows, "\n")+"\n"), 0o644)
}

// aportsCommit is the aports commit of the reference data's
// alpine-packages.tsv, from its "# source:" line.
var aportsCommit = regexp.MustCompile(`commit ([0-9a-f]{40})`)

// extractAports writes aports.tsv: for each origin, its main package and
// subpackages in order with what each split function moves, read from
// the APKBUILDs of the aports git repository dir at the commit of the
// reference data.
func extractAports(in, dir string, alp *alpineData, origins map[string]bool) error {
	var rows []string
	for _, o := range slices.Sorted(mapKeys(origins)) {
		file := alp.repo[o] + "/" + o + "/APKBUILD"
		text, err := exec.Command("git", "-C", dir, "show", alp.commit+":"+file).Output()
		if err != nil {
			return fmt.Errorf("git show %s:%s: %v", alp.commit, file, err)
		}
		split, err := parseAPKBUILD(o, string(text))
		if err != nil {
			rows = append(rows, fmt.Sprintf("%s\t%d\t-\t%s", o, 0, unclearMove))
			continue
		}
		for i, r := range split {
			rows = append(rows, fmt.Sprintf("%s\t%d\t%s\t%s", o, i, r.pkg, strings.Join(r.moves, " ")))
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rowKey(rows[i]) < rowKey(rows[j]) })
	head := "# What the split functions of the APKBUILDs of aports " + alp.commit + " move, for the origins the candidates' sources\n" +
		"# match: order 0 is the main package (moves " + unclearMove + " when package() removes files of the bin or lib folders), then the\n" +
		"# subpackages in the order abuild splits them; moves are amove patterns (abuild's defaults for dev and libs), " + unclearMove + " for a\n" +
		"# function genlongtail cannot follow. Written by genlongtail -extract.\norigin\torder\tpackage\tmoves"
	return os.WriteFile(filepath.Join(in, aportsFile), []byte(head+"\n"+strings.Join(rows, "\n")+"\n"), 0o644)
}

// rowKey orders aports.tsv by origin, then order (numerically).
func rowKey(r string) string {
	f := strings.SplitN(r, "\t", 3)
	return fmt.Sprintf("%s\t%06s", f[0], f[1])
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// alpineData is what the rules know of Alpine: the main and community
// packages of the reference data, by origin.
type alpineData struct {
	commit   string
	release  string              // the newest release: every row's names must be in it
	repo     map[string]string   // origin → main or community
	version  map[string]string   // origin → version (edge)
	pkgs     map[string][]string // origin → its packages in release
	origin   map[string]string   // package → origin
	stripped map[string][]string // origin without a version suffix → origins
}

func loadAlpine() (*alpineData, error) {
	t, err := refdata.Read("", "alpine-packages.tsv")
	if err != nil {
		return nil, err
	}
	rels := alpinepkg.Releases()
	a := &alpineData{release: rels[len(rels)-1], repo: map[string]string{}, version: map[string]string{}, pkgs: map[string][]string{}, origin: map[string]string{}, stripped: map[string][]string{}}
	if m := aportsCommit.FindStringSubmatch(t.Source); m != nil {
		a.commit = m[1]
	}
	for _, r := range t.Rows {
		if r["repo"] != "main" && r["repo"] != "community" || !alpinepkg.Exists(r["name"], a.release) {
			continue
		}
		o := r["origin"]
		if _, seen := a.repo[o]; !seen {
			a.stripped[versionSuffix.ReplaceAllString(o, "")] = append(a.stripped[versionSuffix.ReplaceAllString(o, "")], o)
		}
		a.repo[o] = r["repo"]
		a.version[o] = r["version"]
		a.origin[r["name"]] = o
		if !slices.Contains(a.pkgs[o], r["name"]) {
			a.pkgs[o] = append(a.pkgs[o], r["name"])
		}
	}
	return a, nil
}

// versionSuffix is a version at the end of a package name (zeromq3,
// libpng1.6, db5.3).
var versionSuffix = regexp.MustCompile(`[-.]?[0-9][0-9.]*$`)

// originFor returns the Alpine origin of Debian source src: the origin
// of the same name, else the only origin with the same name once a
// version suffix is cut from both (zeromq3 → zeromq); "" when none or
// several.
func (a *alpineData) originFor(src string) string {
	if _, ok := a.repo[src]; ok {
		return src
	}
	if cands := a.stripped[versionSuffix.ReplaceAllString(src, "")]; len(cands) == 1 {
		return cands[0]
	}
	return ""
}

// inputs is everything generate reads.
type inputs struct {
	alp     *alpineData
	curated map[string]bool
	cands   []string
	pkgs    map[string]map[string]*debPackage // release → name → package
	srcs    map[string]map[string]*debSource  // release → source
	splits  map[string][]splitRow             // origin → rows, main first
	cmds    map[string][]string               // command → Alpine packages with evidence (alpine-commands.tsv)
}

func loadInputs(root, in string) (*inputs, error) {
	alp, err := loadAlpine()
	if err != nil {
		return nil, err
	}
	d := &inputs{alp: alp, curated: map[string]bool{}, pkgs: map[string]map[string]*debPackage{}, srcs: map[string]map[string]*debSource{}, splits: map[string][]splitRow{}, cmds: map[string][]string{}}
	if d.cands, err = readCandidates(in); err != nil {
		return nil, err
	}
	read := func(file string, cols int, row func(f []string)) error {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if err := tsv.Rows(string(b), cols, func(_ int, f []string) { row(f) }); err != nil {
			return fmt.Errorf("%s:%w", file, err)
		}
		return nil
	}
	err = read(filepath.Join(root, "transform", "data", "debian-alpine.tsv"), 3, func(f []string) { d.curated[f[0]] = true })
	if err == nil {
		err = read(filepath.Join(in, debianFile), 6, func(f []string) {
			if d.pkgs[f[0]] == nil {
				d.pkgs[f[0]] = map[string]*debPackage{}
			}
			d.pkgs[f[0]][f[1]] = &debPackage{release: f[0], name: f[1], source: f[2], version: f[3], section: f[4], files: strings.Fields(f[5])}
		})
	}
	if err == nil {
		err = read(filepath.Join(in, sourcesFile), 5, func(f []string) {
			if d.srcs[f[0]] == nil {
				d.srcs[f[0]] = map[string]*debSource{}
			}
			d.srcs[f[0]][f[1]] = &debSource{release: f[0], name: f[1], version: f[2], devs: strings.Fields(f[3]), sonames: strings.Fields(f[4])}
		})
	}
	if err == nil {
		err = read(filepath.Join(in, aportsFile), 4, func(f []string) {
			d.splits[f[0]] = append(d.splits[f[0]], splitRow{origin: f[0], pkg: f[2], moves: strings.Fields(f[3])})
		})
	}
	if err == nil {
		err = read(filepath.Join(root, "transform", "data", "alpine-commands.tsv"), 4, func(f []string) {
			if f[3] != "curated" && !slices.Contains(d.cmds[f[0]], f[1]) {
				d.cmds[f[0]] = append(d.cmds[f[0]], f[1])
			}
		})
	}
	return d, err
}
