package main

import (
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/alpinepkg"
)

// rule names a row's rule in the generated table.
type rule string

const (
	ruleDev   rule = "dev"
	ruleLib   rule = "lib"
	ruleTools rule = "tools"
)

// decision is the rules' answer for one Debian name: the Alpine packages
// and the evidence, or why no rule decides it.
type decision struct {
	alpine   []string
	rule     rule
	evidence string
	refused  string // non-empty: no row
}

func refuse(format string, a ...any) decision { return decision{refused: fmt.Sprintf(format, a...)} }

// decide applies the rules to Debian package name.
func (d *inputs) decide(name string) decision {
	p := d.pkgs["bookworm"][name]
	if p == nil {
		p = d.pkgs["trixie"][name]
	}
	if p == nil {
		return refuse("not a package of Debian bookworm or trixie")
	}
	o := d.alp.originFor(p.source)
	if o == "" {
		return refuse("no Alpine origin matches Debian source %s", p.source)
	}
	line, why := d.sameLine(p, o)
	if !line {
		return refuse("%s", why)
	}
	same := fmt.Sprintf("Debian source %s %s = Alpine origin %s %s", p.source, debianVersions(d, p.source), o, d.alp.version[o])
	var cmds, libs []string
	for _, f := range p.files {
		if isLib(f) {
			libs = append(libs, f)
		} else {
			cmds = append(cmds, f)
		}
	}
	var dec decision
	switch {
	case strings.HasSuffix(name, "-dev"):
		dec = d.devRule(p, o)
	case len(cmds) > 0:
		dec = d.toolsRule(p, o, cmds, libs)
	case len(libs) > 0:
		dec = d.libRule(p, o, libs)
	default:
		return refuse("ships no command, shared library or -dev files to match")
	}
	if dec.refused != "" {
		return dec
	}
	for _, a := range dec.alpine {
		if !alpinepkg.Exists(a, d.alp.release) {
			return refuse("%s is not in Alpine %s", a, d.alp.release)
		}
	}
	dec.evidence = same + "; " + dec.evidence
	return dec
}

// sameLine reports whether Alpine's origin o is on the upstream version
// line of Debian's source: the same major version as in bookworm, trixie
// or sid, and, for a source whose name pins a version (python3.11,
// libpng1.6), that version.
func (d *inputs) sameLine(p *debPackage, o string) (bool, string) {
	alp := upstreamNums(d.alp.version[o])
	if len(alp) == 0 {
		return false, "Alpine's version " + d.alp.version[o] + " of " + o + " is not a version number"
	}
	if o != p.source {
		pin := strings.TrimLeft(p.source[len(versionSuffix.ReplaceAllString(p.source, "")):], "-.")
		deb := versionString(upstreamNums(p.version))
		if pinned := upstreamNums(pin); len(pinned) > 0 && strings.HasPrefix(deb+".", pin+".") && !strings.HasPrefix(versionString(alp)+".", pin+".") {
			return false, fmt.Sprintf("Debian source %s pins version %s; Alpine's %s is %s", p.source, pin, o, d.alp.version[o])
		}
	}
	for _, rel := range allReleases {
		if s := d.srcs[rel][p.source]; s != nil {
			if v := upstreamNums(s.version); len(v) > 0 && v[0] == alp[0] {
				return true, ""
			}
		}
	}
	return false, fmt.Sprintf("Alpine's %s %s is another major version than Debian's %s %s", o, d.alp.version[o], p.source, debianVersions(d, p.source))
}

// debianVersions lists a source's upstream versions per release
// ("1.10.3 (bookworm) 1.10.5 (trixie) 1.10.6 (sid)").
func debianVersions(d *inputs, src string) string {
	var parts []string
	for _, rel := range allReleases {
		if s := d.srcs[rel][src]; s != nil {
			parts = append(parts, fmt.Sprintf("%s (%s)", versionString(upstreamNums(s.version)), rel))
		}
	}
	return strings.Join(parts, " ")
}

// devRule: a -dev package → the origin's -dev subpackage, when the
// source builds no other -dev package (else which of Alpine's -dev files
// it holds is not known) and at most one library Alpine's split functions
// do not name, in each Debian release that has the package (a stage may
// be on bookworm or trixie).
func (d *inputs) devRule(p *debPackage, o string) decision {
	dev := o + "-dev"
	if !slices.Contains(d.alp.pkgs[o], dev) {
		return refuse("Alpine origin %s has no %s", o, dev)
	}
	for _, rel := range nameReleases {
		if d.pkgs[rel][p.name] == nil {
			continue
		}
		s := d.srcs[rel][d.pkgs[rel][p.name].source]
		if s == nil || len(s.devs) != 1 {
			var devs []string
			if s != nil {
				devs = s.devs
			}
			return refuse("Debian %s's source %s builds several -dev packages (%s): which Alpine -dev holds %s's files is not known", rel, p.source, strings.Join(devs, " "), p.name)
		}
		if libs := d.unnamedLibs(s, o); len(libs) > 1 {
			return refuse("Debian %s's %s builds the libraries %s, and aports %s/%s names none of them: which ones Alpine's build has (and so which headers %s holds) is not known", rel, p.source, strings.Join(libs, " "), d.alp.repo[o], o, dev)
		}
	}
	return decision{alpine: []string{dev}, rule: ruleDev, evidence: fmt.Sprintf("the only -dev package of %s", p.source)}
}

// unnamedLibs returns the libraries (soname stems) Debian's source s
// ships that no split function of origin o names. One such library is
// the source's own, which an Alpine -dev of the same upstream has; a
// second may be an optional part Alpine's build leaves out (Debian builds
// cJSON's libcjson_utils, Alpine's cjson does not), and its headers with
// it.
func (d *inputs) unnamedLibs(s *debSource, o string) []string {
	var out []string
	for _, so := range s.sonames {
		stem, _, _ := strings.Cut(so, ".so.")
		named := false
		for _, r := range d.splits[o] {
			for _, m := range r.moves {
				named = named || strings.Contains(path.Base(m), stem)
			}
		}
		if !named && !slices.Contains(out, stem) {
			out = append(out, stem)
		}
	}
	return out
}

// libRule: a library package → the Alpine packages that ship its
// libraries, when each soname is stable in Debian from the package's
// release to sid and Alpine's version lies in that range.
func (d *inputs) libRule(p *debPackage, o string, libs []string) decision {
	if why := d.sonamesStable(p, o, libs); why != "" {
		return refuse("%s", why)
	}
	pkgs, why, ok := d.targets(o, libs)
	if !ok {
		return refuse("%s", why)
	}
	return decision{alpine: pkgs, rule: ruleLib, evidence: "sonames in Debian " + p.release + " to sid; " + why}
}

// toolsRule: a package of commands → the Alpine packages that ship each
// of them (and its libraries, if it has any).
func (d *inputs) toolsRule(p *debPackage, o string, cmds, libs []string) decision {
	if len(libs) > 0 {
		if why := d.sonamesStable(p, o, libs); why != "" {
			return refuse("%s", why)
		}
	}
	pkgs, why, ok := d.targets(o, append(slices.Clone(cmds), libs...))
	if !ok {
		return refuse("%s", why)
	}
	if len(pkgs) > 3 {
		return refuse("its files are spread over %d Alpine packages (%s)", len(pkgs), strings.Join(pkgs, " "))
	}
	return decision{alpine: pkgs, rule: ruleTools, evidence: why}
}

// cmdConflict checks the split functions' answer pkg for command c of
// origin o against the cmd: evidence (alpine-commands.tsv): the evidence
// within o must name pkg; and a command left in the main package only
// because no split function moves it must not be one that Alpine ships
// in another origin's package (the evidence, or a package named after
// it), which is what a script Debian adds to the upstream build looks
// like (xvfb-run). BusyBox's applets do not count: they are other
// implementations. It returns why they conflict, or "".
func (d *inputs) cmdConflict(o, c, pkg string, byDefault bool) string {
	var in, out []string
	for _, e := range d.cmds[c] {
		if d.alp.origin[e] == o {
			in = append(in, e)
		} else if d.alp.origin[e] != "" && d.alp.origin[e] != "busybox" {
			out = append(out, e)
		}
	}
	if o2 := d.alp.origin[c]; o2 != "" && o2 != o && o2 != "busybox" && !slices.Contains(out, c) {
		out = append(out, c)
	}
	switch {
	case len(in) > 0 && !slices.Contains(in, pkg):
		return fmt.Sprintf("%s: the cmd: evidence says %s, the split functions %s", c, strings.Join(in, " "), pkg)
	case len(in) == 0 && byDefault && len(out) > 0:
		return fmt.Sprintf("%s: no split function of %s moves it, and Alpine ships it in %s, of another origin: the command may be Debian's addition", c, o, strings.Join(out, " "))
	}
	return ""
}

// sonamesStable checks that every soname of libs is shipped by the
// source in each Debian release from p's to sid, and that Alpine's
// version of origin o is within the versions of those releases: a soname
// changes only with the upstream version, so Alpine's build carries the
// same one.
func (d *inputs) sonamesStable(p *debPackage, o string, libs []string) string {
	lo := upstreamNums(p.version)
	sid := d.srcs["sid"][p.source]
	if sid == nil {
		return "Debian sid has no source " + p.source + ", so the soname's range is not known"
	}
	for _, rel := range allReleases[slices.Index(allReleases, p.release):] {
		s := d.srcs[rel][p.source]
		for _, l := range libs {
			if s == nil || !slices.Contains(s.sonames, soname(l)) {
				return fmt.Sprintf("Debian %s's source %s does not ship %s: the soname changed", rel, p.source, soname(l))
			}
		}
	}
	hi, alp := upstreamNums(sid.version), upstreamNums(d.alp.version[o])
	if compareNums(alp, lo) < 0 || compareNums(alp, hi) > 0 {
		return fmt.Sprintf("Alpine's %s %s is outside Debian's %s … %s, where the sonames are known", o, d.alp.version[o], versionString(lo), versionString(hi))
	}
	return ""
}

// targets returns the Alpine packages of origin o that ship files: for a
// command, the package the cmd: evidence names (when in o), else the one
// the split functions give; all must be known, and the two must agree.
func (d *inputs) targets(o string, files []string) ([]string, string, bool) {
	rows := d.splits[o]
	if len(rows) == 0 {
		return nil, "aports " + d.alp.repo[o] + "/" + o + " could not be read", false
	}
	for _, pk := range d.alp.pkgs[o] {
		if !slices.ContainsFunc(rows, func(r splitRow) bool { return r.pkg == pk }) {
			return nil, fmt.Sprintf("Alpine's %s is not among the packages read from aports %s/%s", pk, d.alp.repo[o], o), false
		}
	}
	var pkgs []string
	files2 := map[string][]string{}   // package → files
	patterns := map[string][]string{} // package → the patterns that move them
	for _, f := range files {
		pkg, pattern := moveTarget(rows, f)
		if pkg == "" {
			return nil, fmt.Sprintf("%s: %s", path.Base(f), pattern), false
		}
		if !isLib(f) {
			if why := d.cmdConflict(o, path.Base(f), pkg, pattern == ""); why != "" {
				return nil, why, false
			}
		}
		if !slices.Contains(d.alp.pkgs[o], pkg) {
			return nil, fmt.Sprintf("%s: goes to %s, which is not in Alpine %s", path.Base(f), pkg, d.alp.release), false
		}
		if !slices.Contains(pkgs, pkg) {
			pkgs = append(pkgs, pkg)
		}
		files2[pkg] = append(files2[pkg], path.Base(f))
		if pattern != "" && !slices.Contains(patterns[pkg], pattern) {
			patterns[pkg] = append(patterns[pkg], pattern)
		}
	}
	slices.Sort(pkgs)
	var ev []string
	for _, pkg := range pkgs {
		how := "in the main package " + pkg + " (no split function moves them)"
		if len(patterns[pkg]) > 0 {
			how = "moved to " + pkg + " by amove " + strings.Join(patterns[pkg], " ")
			if len(patterns[pkg]) > 3 {
				how = fmt.Sprintf("moved to %s by %d amove patterns naming them", pkg, len(patterns[pkg]))
			}
		}
		ev = append(ev, strings.Join(files2[pkg], " ")+": "+how)
	}
	return pkgs, strings.Join(ev, "; "), true
}

// table writes debian-alpine-generated.tsv: a row per candidate the
// rules decide and the curated table does not have.
func (d *inputs) table() []byte {
	var b strings.Builder
	b.WriteString("# Debian package -> Alpine packages, derived by internal/genlongtail's rules from Debian's indexes and aports (see\n")
	b.WriteString("# docs/tables.md); consulted only for names debian-alpine.tsv has no row for. Generated from internal/genlongtail/input; do not edit.\n")
	b.WriteString("# rule: dev (the origin's -dev), lib (the package shipping the sonames), tools (the packages shipping the commands).\n")
	b.WriteString("debian\talpine\trule\tevidence\n")
	names := slices.Clone(d.cands)
	slices.Sort(names)
	for _, n := range slices.Compact(names) {
		if d.curated[n] {
			continue
		}
		if dec := d.decide(n); dec.refused == "" {
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", n, strings.Join(dec.alpine, " "), dec.rule, dec.evidence)
		}
	}
	return []byte(b.String())
}

// printReport prints the candidates no rule decides, and for the curated
// rows the rules also decide, whether they agree.
func (d *inputs) printReport(w io.Writer) {
	names := slices.Clone(d.cands)
	slices.Sort(names)
	for _, n := range slices.Compact(names) {
		dec := d.decide(n)
		switch {
		case d.curated[n] && dec.refused == "":
			fmt.Fprintf(w, "curated\t%s\t%s\t%s\n", n, strings.Join(dec.alpine, " "), dec.rule)
		case dec.refused != "" && !d.curated[n]:
			fmt.Fprintf(w, "refused\t%s\t%s\n", n, dec.refused)
		}
	}
}
