// Command gendebian builds transform/data/debian-commands.tsv, the commands
// each Debian package ships and what it depends on and recommends, for the
// Debian packages docklean maps to Alpine.
//
// It works in two steps, so that a fresh clone can regenerate the table
// without the 12 MB Contents index:
//
//  1. extract (run by hand, needs the Debian archive): reads Debian
//     bookworm's main/binary-amd64/Packages.xz and main/Contents-amd64.gz,
//     and writes the filtered inputs under internal/gendebian/input/: the
//     Packages fields docklean uses and the Contents lines under /bin,
//     /sbin, /usr/bin and /usr/sbin, only for the packages that matter
//     (every Debian name in transform/data/debian-alpine.tsv and
//     debian-alpine-generated.tsv, every name an
//     apt install in fixtures/ installs, the required and important
//     packages of a Debian base image, and the closure of their Depends,
//     Pre-Depends and Recommends). See internal/gendebian/input/SOURCE.md.
//
//     go run ./internal/gendebian -extract -packages Packages.xz -contents Contents-amd64.gz,Contents-all.gz
//
//  2. generate (go generate ./transform, and the drift test): reads the
//     inputs and writes transform/data/debian-commands.tsv.
//
//     go run ./internal/gendebian -out transform/data
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/debpkg"
	"github.com/docklean/docklean/internal/tsv"
)

func main() {
	extract := flag.Bool("extract", false, "filter the full Debian indexes into the committed inputs")
	packages := flag.String("packages", "", "Debian Packages.xz (extract)")
	contents := flag.String("contents", "", "Debian Contents-amd64.gz,Contents-all.gz (extract; comma-separated)")
	data := flag.String("data", "../shared/data", "the shared data folder (extract: alpine-packages.tsv, alpine-cmd-provides.tsv)")
	rootfs := flag.String("rootfs", "../shared/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz", "Alpine minirootfs (extract)")
	root := flag.String("root", ".", "repository root")
	out := flag.String("out", "", "folder for debian-commands.tsv (default ROOT/transform/data)")
	flag.Parse()
	if *out == "" {
		*out = filepath.Join(*root, "transform", "data")
	}
	var err error
	if *extract {
		err = doExtract(*root, *packages, *contents)
		if err == nil {
			err = extractAlpine(*root, *data, *rootfs)
		}
	}
	if err == nil {
		var b []byte
		b, err = generate(filepath.Join(*root, "internal", "gendebian", "input"))
		if err == nil {
			err = os.WriteFile(filepath.Join(*out, "debian-commands.tsv"), b, 0o644)
		}
		if err == nil {
			b, err = generateAlpine(filepath.Join(*root, "internal", "gendebian", "input"))
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(*out, "alpine-commands.tsv"), b, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendebian:", err)
		os.Exit(1)
	}
}

// stanza is one package of a Packages index, with the fields kept.
type stanza struct {
	name, priority, essential              string
	depends, predepends, recommends, provs string
}

var keptFields = []string{"Package", "Priority", "Essential", "Pre-Depends", "Depends", "Recommends", "Provides"}

func parsePackages(r io.Reader) ([]*stanza, error) {
	var out []*stanza
	err := debpkg.Stanzas(r, func(f map[string]string) {
		out = append(out, &stanza{
			name: f["Package"], priority: f["Priority"], essential: f["Essential"],
			depends: f["Depends"], predepends: f["Pre-Depends"], recommends: f["Recommends"], provs: f["Provides"],
		})
	})
	return out, err
}

var binDir = regexp.MustCompile(`^(usr/)?s?bin/[^/]+$`)

// installWords finds the packages of apt install commands in Dockerfile text.
var installWords = regexp.MustCompile(`\b(?:apt-get|apt|aptitude)\s+(?:-\S+\s+)*install\s+([^;&|)]+)`)

func seeds(root string) (map[string]bool, error) {
	seed := map[string]bool{}
	tsv, err := os.ReadFile(filepath.Join(root, "transform", "data", "debian-alpine.tsv"))
	if err != nil {
		return nil, err
	}
	gen, err := os.ReadFile(filepath.Join(root, "transform", "data", "debian-alpine-generated.tsv"))
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(tsv)+string(gen), "\n") {
		if line == "" || line[0] == '#' || strings.HasPrefix(line, "debian\t") {
			continue
		}
		name, _, _ := strings.Cut(line, "\t")
		seed[name] = true
	}
	err = filepath.WalkDir(filepath.Join(root, "fixtures"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(filepath.Base(p), "Dockerfile") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text := strings.ReplaceAll(string(b), "\\\n", " ")
		for _, m := range installWords.FindAllStringSubmatch(text, -1) {
			for _, w := range strings.Fields(m[1]) {
				if n := debpkg.Bare(strings.SplitN(w, "=", 2)[0]); n != "" && !strings.HasPrefix(n, "-") {
					seed[n] = true
				}
			}
		}
		return nil
	})
	return seed, err
}

func doExtract(root, packagesXZ, contentsGZ string) error {
	if packagesXZ == "" || contentsGZ == "" {
		return fmt.Errorf("-extract needs -packages and -contents")
	}
	raw, err := exec.Command("xz", "-dc", packagesXZ).Output()
	if err != nil {
		return fmt.Errorf("xz -dc %s: %v", packagesXZ, err)
	}
	all, err := parsePackages(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	byName := map[string]*stanza{}
	providers := map[string][]string{}
	for _, s := range all {
		byName[s.name] = s
		for _, p := range debpkg.Names(s.provs) {
			providers[p] = append(providers[p], s.name)
		}
	}
	seed, err := seeds(root)
	if err != nil {
		return err
	}
	for _, s := range all {
		if s.priority == "required" || s.priority == "important" || s.essential == "yes" {
			seed[s.name] = true
		}
	}
	// closure over the first alternatives, virtual names through their providers
	keep := map[string]bool{}
	var queue []string
	for n := range seed {
		queue = append(queue, n)
	}
	sort.Strings(queue)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if keep[n] {
			continue
		}
		s := byName[n]
		if s == nil {
			for _, p := range providers[n] {
				queue = append(queue, p)
			}
			continue
		}
		keep[n] = true
		queue = append(queue, debpkg.FirstAlts(s.predepends)...)
		queue = append(queue, debpkg.FirstAlts(s.depends)...)
		queue = append(queue, debpkg.FirstAlts(s.recommends)...)
	}
	in := filepath.Join(root, "internal", "gendebian", "input")
	var pb strings.Builder
	for _, s := range all {
		if !keep[s.name] && !providesKept(s, keep, seed) {
			continue
		}
		for _, f := range keptFields {
			if v := s.field(f); v != "" {
				fmt.Fprintf(&pb, "%s: %s\n", f, v)
			}
		}
		pb.WriteString("\n")
	}
	if err := os.WriteFile(filepath.Join(in, "bookworm-Packages.txt"), []byte(pb.String()), 0o644); err != nil {
		return err
	}
	var cb strings.Builder
	for _, file := range strings.Split(contentsGZ, ",") {
		if err := filterContents(file, keep, &cb); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(in, "bookworm-Contents-bin.txt"), []byte(sortLines(cb.String())), 0o644)
}

func sortLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// filterContents copies the lines of a Contents index for files under the
// bin folders that packages in keep ship.
func filterContents(file string, keep map[string]bool, cb *strings.Builder) error {
	return debpkg.ContentsFile(file, func(p string, locs []string) {
		if !binDir.MatchString(p) {
			return
		}
		var mine []string
		for _, l := range locs {
			if keep[debpkg.PkgName(l)] {
				mine = append(mine, l)
			}
		}
		if len(mine) > 0 {
			fmt.Fprintf(cb, "%s %s\n", p, strings.Join(mine, ","))
		}
	})
}

// providesKept keeps a package that provides a virtual name a seed names.
func providesKept(s *stanza, keep, seed map[string]bool) bool {
	for _, p := range debpkg.Names(s.provs) {
		if seed[p] {
			return true
		}
	}
	return false
}

func (s *stanza) field(f string) string {
	switch f {
	case "Package":
		return s.name
	case "Priority":
		return s.priority
	case "Essential":
		return s.essential
	case "Pre-Depends":
		return s.predepends
	case "Depends":
		return s.depends
	case "Recommends":
		return s.recommends
	case "Provides":
		return s.provs
	}
	return ""
}

// generate makes debian-commands.tsv from the filtered inputs.
func generate(in string) ([]byte, error) {
	pf, err := os.ReadFile(filepath.Join(in, "bookworm-Packages.txt"))
	if err != nil {
		return nil, err
	}
	cf, err := os.ReadFile(filepath.Join(in, "bookworm-Contents-bin.txt"))
	if err != nil {
		return nil, err
	}
	all, err := parsePackages(bytes.NewReader(pf))
	if err != nil {
		return nil, err
	}
	byName := map[string]*stanza{}
	providers := map[string][]string{}
	for _, s := range all {
		byName[s.name] = s
	}
	for _, s := range all {
		for _, p := range debpkg.Names(s.provs) {
			if byName[p] == nil {
				providers[p] = append(providers[p], s.name)
			}
		}
	}
	cmds := map[string][]string{}
	alt, err := os.ReadFile(filepath.Join(in, "alternatives.tsv"))
	if err != nil {
		return nil, err
	}
	err = tsv.Rows(string(alt), 2, func(_ int, f []string) {
		if byName[f[0]] != nil {
			cmds[f[0]] = append(cmds[f[0]], f[1])
		}
	})
	if err != nil {
		return nil, fmt.Errorf("alternatives.tsv:%w", err)
	}
	for _, line := range strings.Split(string(cf), "\n") {
		p, locs, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		for _, l := range strings.Split(locs, ",") {
			n := l[strings.LastIndexByte(l, '/')+1:]
			cmds[n] = append(cmds[n], "/"+p)
		}
	}
	// resolve a relation to a real package of the inputs: itself, or the
	// first provider of a virtual name
	resolve := func(names []string) []string {
		var out []string
		for _, n := range names {
			if byName[n] == nil {
				if ps := providers[n]; len(ps) > 0 {
					n = ps[0]
				} else {
					continue
				}
			}
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out
	}
	var b strings.Builder
	b.WriteString("# Debian bookworm (amd64, main): the commands each package ships under /bin, /sbin, /usr/bin, /usr/sbin\n")
	b.WriteString("# (Contents-amd64), and its Pre-Depends+Depends and Recommends (first alternative; a virtual name is its first provider).\n")
	b.WriteString("# Generated by internal/gendebian from internal/gendebian/input (see SOURCE.md there); do not edit.\n")
	b.WriteString("# base: r = Priority required or Essential (in every Debian base image), i = important, v = a virtual name (depends: its first provider), - = neither.\n")
	b.WriteString("package\tbase\tcommands\tdepends\trecommends\n")
	names := make([]string, 0, len(byName)+len(providers))
	for n := range byName {
		names = append(names, n)
	}
	for n := range providers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := byName[n]
		if s == nil { // a virtual name: apt installs its first provider
			fmt.Fprintf(&b, "%s\tv\t\t%s\t\n", n, providers[n][0])
			continue
		}
		base := "-"
		switch {
		case s.essential == "yes" || s.priority == "required":
			base = "r"
		case s.priority == "important":
			base = "i"
		}
		c := cmds[n]
		sort.Strings(c)
		c = slices.Compact(c)
		deps := resolve(append(debpkg.FirstAlts(s.predepends), debpkg.FirstAlts(s.depends)...))
		recs := resolve(debpkg.FirstAlts(s.recommends))
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", n, base, strings.Join(c, " "), strings.Join(deps, " "), strings.Join(recs, " "))
	}
	return []byte(b.String()), nil
}

// extractAlpine writes the Alpine inputs: the cmd: evidence of the shared
// data (main and community only) and the programs of the minirootfs with
// their package.
func extractAlpine(root, data, rootfs string) error {
	in := filepath.Join(root, "internal", "gendebian", "input")
	b, err := os.ReadFile(filepath.Join(data, "alpine-cmd-provides.tsv"))
	if err != nil {
		return err
	}
	var cb strings.Builder
	cb.WriteString("# Filtered from ../shared/data/alpine-cmd-provides.tsv (aports b4750ce4a7bc, edge 2026-08-22; see its README): main/community rows.\n")
	cb.WriteString("command\tpackage\tevidence\n")
	var lines []string
	err = tsv.Rows(string(b), 6, func(_ int, f []string) {
		if f[2] == "main" || f[2] == "community" {
			lines = append(lines, f[0]+"\t"+f[1]+"\t"+f[5])
		}
	})
	if err != nil {
		return fmt.Errorf("alpine-cmd-provides.tsv:%w", err)
	}
	b, err = os.ReadFile(filepath.Join(data, "alpine-packages.tsv"))
	if err != nil {
		return err
	}
	err = tsv.Rows(string(b), 9, func(_ int, f []string) {
		if f[1] != "main" && f[1] != "community" {
			return
		}
		for _, c := range strings.Fields(f[6]) {
			lines = append(lines, strings.TrimPrefix(c, "cmd:")+"\t"+f[0]+"\tprovides")
		}
	})
	if err != nil {
		return fmt.Errorf("alpine-packages.tsv:%w", err)
	}
	sort.Strings(lines)
	lines = slices.Compact(lines)
	cb.WriteString(strings.Join(lines, "\n") + "\n")
	if err := os.WriteFile(filepath.Join(in, "alpine-cmd-provides.tsv"), []byte(cb.String()), 0o644); err != nil {
		return err
	}
	list, err := exec.Command("tar", "tzvf", rootfs).Output()
	if err != nil {
		return fmt.Errorf("tar tzvf %s: %v", rootfs, err)
	}
	db, err := exec.Command("tar", "xzf", rootfs, "-O", "./lib/apk/db/installed").Output()
	if err != nil {
		return fmt.Errorf("reading the apk database of %s: %v", rootfs, err)
	}
	owner := map[string]string{}
	var pkg, dir string
	for _, line := range strings.Split(string(db), "\n") {
		switch {
		case strings.HasPrefix(line, "P:"):
			pkg = line[2:]
		case strings.HasPrefix(line, "F:"):
			dir = line[2:]
		case strings.HasPrefix(line, "R:"):
			owner["/"+dir+"/"+line[2:]] = pkg
		}
	}
	var out []string
	for _, line := range strings.Split(string(list), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			continue
		}
		p := strings.TrimPrefix(f[5], ".")
		if !binDir.MatchString(strings.TrimPrefix(p, "/")) {
			continue
		}
		o := owner[p]
		if len(f) >= 8 && f[6] == "->" && f[7] == "/bin/busybox" {
			o = "busybox"
		}
		if o == "" {
			return fmt.Errorf("%s: no package owns %s", rootfs, p)
		}
		out = append(out, p+"\t"+o)
	}
	sort.Strings(out)
	text := "# The programs of the Alpine 3.20.3 minirootfs (../shared/alpine, sha512 in its SHA512SUMS) with the package that owns each\n" +
		"# (lib/apk/db/installed; a symlink to /bin/busybox is a BusyBox applet).\npath\tpackage\n" + strings.Join(out, "\n") + "\n"
	return os.WriteFile(filepath.Join(in, "alpine-minirootfs-bin.tsv"), []byte(text), 0o644)
}

// generateAlpine makes alpine-commands.tsv: command, package, path (when
// known), evidence.
func generateAlpine(in string) ([]byte, error) {
	var out []string
	for _, f := range []string{"alpine-cmd-provides.tsv", "alpine-minirootfs-bin.tsv", "alpine-curated.tsv"} {
		b, err := os.ReadFile(filepath.Join(in, f))
		if err != nil {
			return nil, err
		}
		switch f {
		case "alpine-cmd-provides.tsv":
			err = tsv.Rows(string(b), 3, func(_ int, r []string) {
				out = append(out, r[0]+"\t"+r[1]+"\t\t"+r[2])
			})
		case "alpine-minirootfs-bin.tsv":
			err = tsv.Rows(string(b), 2, func(_ int, r []string) {
				out = append(out, filepath.Base(r[0])+"\t"+r[1]+"\t"+r[0]+"\trootfs")
			})
		default:
			err = tsv.Rows(string(b), 3, func(_ int, r []string) {
				for _, c := range strings.Fields(r[1]) {
					out = append(out, c+"\t"+r[0]+"\t\tcurated")
				}
			})
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%w", f, err)
		}
	}
	sort.Strings(out)
	out = slices.Compact(out)
	head := "# Commands of Alpine packages: cmd: provides and split-outs from aports (evidence provides/amove), the Alpine 3.20.3\n" +
		"# minirootfs (rootfs, with the path), and curated rows (curated: the package's whole command list).\n" +
		"# Generated by internal/gendebian from internal/gendebian/input; do not edit.\ncommand\tpackage\tpath\tevidence\n"
	return []byte(head + strings.Join(out, "\n") + "\n"), nil
}
