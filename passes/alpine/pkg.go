package alpine

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/alpinepkg"
	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/transform"
	"github.com/docklean/docklean/transform/data"
	"mvdan.cc/sh/v3/syntax"
)

// pmSyntax describes a source package manager's command line.
type pmSyntax struct {
	argOpts  map[string]bool   // options that take the next word as their value
	okOpt    *regexp.Regexp    // options that can be dropped on Alpine
	subs     map[string]string // subcommand → "add", "del", "upgrade" or why it is dropped
	toAlpine func(pkg, release string) ([]string, bool)
	table    string // the curated mapping table (data/*-alpine.tsv), for its notes
}

var aptSyntax = &pmSyntax{
	argOpts: map[string]bool{"-o": true, "-t": true, "--target-release": true, "--option": true},
	okOpt: regexp.MustCompile(`^(-[qyfmV]+|-o|-t|--(yes|assume-yes|quiet|no-install-recommends|no-install-suggests|fix-missing|fix-broken|` +
		`allow-unauthenticated|allow-downgrades|allow-change-held-packages|allow-remove-essential|force-yes|auto-remove|autoremove|purge|` +
		`no-upgrade|show-progress|verbose-versions|ignore-missing|target-release|option|default-release|update)|--(quiet|option|target-release|default-release)=.*|-o.+|-q=.*)$`),
	subs: map[string]string{
		"update": "apk add --no-cache fetches the package index itself", "clean": "apk add --no-cache leaves no cache",
		"autoclean": "apk add --no-cache leaves no cache", "auto-clean": "apk add --no-cache leaves no cache",
		"dist-clean": "apk add --no-cache leaves no cache and no package index", "distclean": "apk add --no-cache leaves no cache and no package index",
		"autoremove": "apk removes unneeded dependencies with apk del",
		"install":    "add", "remove": "del", "purge": "del",
		"upgrade": "upgrade", "dist-upgrade": "upgrade", "full-upgrade": "upgrade",
	},
	toAlpine: alpinepkg.FromDebian,
	table:    data.DebianAlpine,
}

var yumSyntax = &pmSyntax{
	argOpts: map[string]bool{"-x": true, "--exclude": true, "--setopt": true, "--enablerepo": true, "--disablerepo": true},
	okOpt: regexp.MustCompile(`^(-[yq]+|-x|--(assumeyes|quiet|nodocs|nogpgcheck|allowerasing|best|nobest|noplugins|refresh|skip-broken|setopt|` +
		`enablerepo|disablerepo|exclude|skip-unavailable)|--(setopt|disableplugin|enablerepo|disablerepo|exclude|disableexcludes|releasever|installonly-limit)=.*)$`),
	subs: map[string]string{
		"makecache": "apk add --no-cache fetches the package index itself", "clean": "apk add --no-cache leaves no cache",
		"autoremove": "apk removes unneeded dependencies with apk del",
		"install":    "add", "remove": "del", "erase": "del", "update": "upgrade", "upgrade": "upgrade",
	},
	toAlpine: alpinepkg.FromFedora,
	table:    data.FedoraAlpine,
}

// apkAdd is an apk add this pass writes: a RUN's install command.
type apkAdd struct {
	start   int // file offset of the command
	headEnd int // end of the words "apk add --no-cache" replaces
	last    int // end of the last package word that stays
	virtual string
	debs    []string // the source package words, to match a later purge
	names   []string // the Alpine packages it installs
	delOff  int      // for a virtual package: the offset of the apk del that removes it
	line    int
	brk     string // what continues its RUN on a new line (see shellx.LineBreak)
	cond    bool   // it runs only under a condition (if, ||, a loop, a subshell)
}

// pkgCmd translates an apt-get/apt/yum/dnf/microdnf command.
func (r *runConv) pkgCmd(st *syntax.Stmt, c *syntax.CallExpr, sx *pmSyntax) {
	s := r.s
	prog, _ := shellx.WordLit(c.Args[0])
	prog = path.Base(prog)
	sub, firstPkg := "", -1
	var pkgs, late []int
	for i := 1; i < len(c.Args); i++ {
		r.done[c.Args[i]] = true
		w, lit := shellx.WordLit(c.Args[i])
		switch {
		case lit && strings.HasPrefix(w, "-"):
			if setting, isOpt, _ := aptSetting(c, i); sx == aptSyntax && isOpt {
				if why := aptSettingUnsafe(setting); why != "" {
					s.refuse(r.line(c.Args[i]), codePkgManager, "%s", why)
					return
				}
				s.changed(r.line(c.Args[i]), codePkgManager, "apt option -o %s dropped: it only tunes apt, and apk has nothing it would change", setting)
			}
			if !sx.okOpt.MatchString(w) {
				s.refuse(r.line(c.Args[i]), codePkgManager, "%s option %s has no apk equivalent", prog, w)
				return
			}
			if firstPkg >= 0 {
				late = append(late, i)
			}
			if sx.argOpts[w] && i+1 < len(c.Args) {
				i++
				r.done[c.Args[i]] = true
				if v, _ := shellx.WordLit(c.Args[i]); w == "-t" && sx == aptSyntax || w == "--target-release" {
					s.changed(r.line(c.Args[i]), codePkgManager, "%s %s dropped: Alpine installs from its release's repositories", w, v)
				}
				if firstPkg >= 0 {
					late = append(late, i)
				}
			}
		case sub == "":
			if !lit {
				s.refuse(r.line(c), codePkgManager, "%s runs a subcommand docklean cannot read", prog)
				return
			}
			sub = w
		default:
			if firstPkg < 0 {
				firstPkg = i
			}
			pkgs = append(pkgs, i)
		}
	}
	action, known := sx.subs[sub]
	if !known {
		s.refuse(r.line(c), codePkgManager, "%s %s has no apk equivalent", prog, sub)
		return
	}
	if action == "del" || action == "add" {
		if len(pkgs) == 0 {
			s.refuse(r.line(c), codePkgManager, "%s %s without package names", prog, sub)
			return
		}
	} else if sub == "autoremove" && len(pkgs) > 0 {
		action = "del"
	}
	r.dropAssigns(c)
	line := r.line(c)
	first, _ := r.span(c.Args[0])
	_, lastEnd := r.span(c.Args[len(c.Args)-1])
	switch action {
	case "add", "del":
	case "upgrade":
		if len(pkgs) > 0 {
			s.refuse(line, codePkgManager, "%s %s of single packages has no apk equivalent", prog, sub)
			return
		}
		r.edits = append(r.edits, transform.Edit{Start: first, End: lastEnd, Text: "apk upgrade --no-cache"})
		s.changed(line, codePkgManager, "%s %s → apk upgrade --no-cache", prog, sub)
		return
	default:
		r.del[st] = fmt.Sprintf("%s %s removed (%s)", prog, sub, action)
		return
	}
	debs := r.pkgWords(c, pkgs)
	if action == "del" {
		for _, a := range r.adds {
			if a.virtual == "" && slices.Equal(a.debs, debs) {
				a.virtual = ".build-deps"
				if n := len(slices.DeleteFunc(slices.Clone(r.s.adds), func(b *apkAdd) bool { return b.virtual == "" })); n > 1 {
					a.virtual = fmt.Sprintf(".build-deps-%d", n)
				}
				a.delOff = first
				r.edits = append(r.edits, transform.Edit{Start: first, End: lastEnd, Text: "apk del " + a.virtual})
				s.changed(line, codePkgManager, "%s %s → apk del %s (the packages installed as %s on %v)", prog, sub, a.virtual, a.virtual, transform.Line(a.line))
				r.keepRuntime(c, a.start, a.names, debs, "apk del "+a.virtual)
				return
			}
		}
	}
	outs, ok := r.translate(c, pkgs, sx)
	if !ok {
		return
	}
	keep := false
	lastKept := -1
	for _, o := range outs {
		if !o.del {
			keep = true
			lastKept = o.idx
		}
	}
	verb := "apk add --no-cache"
	if action == "del" {
		verb = "apk del"
	}
	if !keep {
		r.del[st] = fmt.Sprintf("%s %s removed: none of its packages is needed on Alpine", prog, sub)
		return
	}
	var dels []int
	for _, o := range outs {
		if o.del {
			dels = append(dels, o.idx)
		} else if o.text != "" {
			s, e := r.span(c.Args[o.idx])
			r.edits = append(r.edits, transform.Edit{Start: s, End: e, Text: o.text})
		}
	}
	dels = append(dels, late...)
	slices.Sort(dels)
	r.deleteWords(c, dels)
	headEnd := lastEnd
	if firstPkg > 0 {
		_, headEnd = r.span(c.Args[firstPkg-1])
	}
	if action == "del" {
		r.edits = append(r.edits, transform.Edit{Start: first, End: headEnd, Text: verb})
		s.changed(line, codePkgManager, "%s %s → %s", prog, sub, verb)
		r.keepRuntime(c, first, outNames(outs), debs, "apk del")
		return
	}
	_, last := r.span(c.Args[lastKept])
	a := &apkAdd{start: first, headEnd: headEnd, last: last, debs: debs, names: outNames(outs), line: line,
		brk: shellx.LineBreak(s.doc, r.in), cond: !r.topLevel(st)}
	r.adds = append(r.adds, a)
	s.adds = append(s.adds, a)
	for _, n := range outNames(outs) {
		s.has[n] = true
	}
	s.noteRecommends(c, debs)
	s.changed(line, codePkgManager, "%s %s → apk add --no-cache (Alpine's package manager; no package index is left in the layer)", prog, sub)
}

// dropAssigns removes DEBIAN_FRONTEND=... prefixes of a command.
func (r *runConv) dropAssigns(c *syntax.CallExpr) {
	for _, a := range c.Assigns {
		if !debianEnv[a.Name.Value] {
			continue
		}
		start, end := r.span(a)
		for end < len(r.s.doc.Src) && (r.s.doc.Src[end] == ' ' || r.s.doc.Src[end] == '\t') {
			end++
		}
		r.edits = append(r.edits, transform.Edit{Start: start, End: end, Text: ""})
		r.s.changed(r.line(a), codePkgManager, "%s= prefix removed (apk never prompts)", a.Name.Value)
	}
}

// pkgWords returns the package words of a command as written, for
// matching an install with the purge that undoes it.
func (r *runConv) pkgWords(c *syntax.CallExpr, idx []int) []string {
	var out []string
	for _, i := range idx {
		if v, ok := shellx.WordLit(c.Args[i]); ok {
			out = append(out, v)
		} else {
			s, e := r.span(c.Args[i])
			out = append(out, string(r.s.doc.Src[s:e]))
		}
	}
	slices.Sort(out)
	return out
}

// pkgOut is what becomes of one package word.
type pkgOut struct {
	idx   int
	del   bool
	text  string   // replacement, "" to keep the word
	names []string // the Alpine names it stands for
}

func outNames(outs []pkgOut) []string {
	var n []string
	for _, o := range outs {
		n = append(n, o.names...)
	}
	return n
}

var varWord = regexp.MustCompile(`^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$`)

// translate maps each package word; a word that is a variable is resolved
// and its definition rewritten.
func (r *runConv) translate(c *syntax.CallExpr, idx []int, sx *pmSyntax) ([]pkgOut, bool) {
	s := r.s
	seen := map[string]bool{}
	var outs []pkgOut
	for _, i := range idx {
		w := c.Args[i]
		line := r.line(w)
		lit, ok := shellx.WordLit(w)
		if l, isLit := w.Parts[0].(*syntax.Lit); !ok && isLit && strings.Contains(l.Value, "=") {
			lit, ok = r.raw(w), true // curl=${CURL_VERSION}: the pin goes anyway
		}
		if !ok {
			ws, we := r.span(w)
			text := strings.Trim(string(s.doc.Src[ws:we]), `"`)
			m := varWord.FindStringSubmatch(text)
			if m == nil {
				s.refuse(line, codePkgManager, "the package list %s is computed; docklean translates names it can read", text)
				return nil, false
			}
			v := r.locals[m[1]]
			if v == nil {
				v = s.vars[m[1]]
			}
			if v == nil && m[1] == "PHPIZE_DEPS" && s.image == "php" {
				// the php images' own ENV: Alpine's names in its Alpine images
				outs = append(outs, pkgOut{idx: i, names: phpizeDepsAlpine})
				continue
			}
			if v == nil {
				s.refuse(line, codePkgManager, "the package list $%s has no default in the stage's ARG/ENV or earlier in the RUN", m[1])
				return nil, false
			}
			var names []string
			own := map[string]bool{} // the definition may serve other commands: dedupe only within it
			for _, p := range strings.Fields(v.value) {
				n, ok := r.mapPkg(p, v.line, sx, own)
				if !ok {
					return nil, false
				}
				names = append(names, n...)
			}
			if len(names) == 0 {
				s.refuse(line, codePkgManager, "none of the packages in $%s is needed on Alpine; remove the variable", m[1])
				return nil, false
			}
			if !v.rewritten {
				v.rewritten = true
				text := strings.Join(names, " ")
				if text != v.value {
					if v.bare && len(names) > 1 {
						text = `"` + text + `"`
					}
					r.edits = append(r.edits, transform.Edit{Start: v.start, End: v.end, Text: text})
					s.changed(v.line, codePkgManager, "$%s holds the packages of %v: %s → %s", m[1], transform.Line(line), v.value, strings.Join(names, " "))
				}
			}
			outs = append(outs, pkgOut{idx: i, names: names})
			continue
		}
		names, ok := r.mapPkg(lit, line, sx, seen)
		if !ok {
			return nil, false
		}
		o := pkgOut{idx: i, names: names, del: len(names) == 0}
		if !o.del && (len(names) != 1 || names[0] != lit) {
			o.text = strings.Join(names, " ")
		}
		outs = append(outs, o)
	}
	return outs, true
}

// mapPkg maps one package as written (pins and architectures included) to
// the Alpine names not yet in seen, reporting each change.
func (r *runConv) mapPkg(word string, line int, sx *pmSyntax, seen map[string]bool) ([]string, bool) {
	s := r.s
	name := word
	if i := strings.IndexAny(name, "=/"); i >= 0 {
		name = name[:i]
	}
	name, _, _ = strings.Cut(name, ":")
	if strings.ContainsAny(name, "*?[]{}$") || name == "" {
		s.refuse(line, codePkgManager, "package pattern %s cannot be translated; name the packages", word)
		return nil, false
	}
	alp, ok := sx.toAlpine(name, s.release)
	if !ok {
		if why := alpinepkg.RefusedWhy(s.family == rebase.FamFedora, name); why != "" {
			s.refuse(line, codeUnknownPkg, "package %s has no Alpine equivalent in %s: %s", name, s.release, why)
		} else {
			s.refuse(line, codeUnknownPkg, "package %s has no Alpine equivalent in %s", name, s.release)
		}
		return nil, false
	}
	for _, a := range alp {
		if arches := alpinepkg.PartialArches(a); arches != "" {
			s.refuse(line, codeArch, "package %s → %s, which Alpine builds only for %s (aports, arch=): the original installs on amd64 and arm64 alike", name, a, archList(arches))
			return nil, false
		}
	}
	s.debs[name] = true
	if name != word {
		distro := map[string]string{rebase.FamDebian: "Debian", rebase.FamFedora: "Fedora"}[s.family]
		s.changed(line, codePkgManager, "%s → %s: the pin or suffix names a %s build, which means nothing to apk", word, name, distro)
	}
	var out []string
	for _, a := range alp {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	switch {
	case len(alp) == 0:
		s.changed(line, codePkgManager, "package %s dropped: not needed on Alpine", name)
	case len(out) == 0:
		s.changed(line, codePkgManager, "package %s dropped: %s is already in the list", name, strings.Join(alp, " "))
	case len(out) > 1:
		why := tableNote(sx.table, name)
		if why == "" {
			why = "Alpine has no single package for it"
		}
		s.changed(line, codePkgManager, "package %s → %s and %s: %s", name, strings.Join(out[:len(out)-1], ", "), out[len(out)-1], why)
	case out[0] != name:
		s.changed(line, codePkgManager, "package %s → %s (Alpine's name)", name, out[0])
	}
	return out, true
}

// tableNote returns the note column of pkg's row in a curated mapping
// table, or "".
func tableNote(table, pkg string) string {
	i := strings.Index(table, "\n"+pkg+"\t")
	if i < 0 {
		return ""
	}
	row, _, _ := strings.Cut(table[i+1:], "\n")
	f := strings.Split(row, "\t")
	if len(f) < 3 {
		return ""
	}
	return strings.TrimSpace(f[2])
}

// deleteWords removes the words at the given indices of c, grouping
// neighbours so that a package per line loses its whole line.
func (r *runConv) deleteWords(c *syntax.CallExpr, idx []int) {
	for k := 0; k < len(idx); k++ {
		j := k
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		start, _ := r.span(c.Args[idx[k]])
		_, end := r.span(c.Args[idx[j]])
		_, prev := r.span(c.Args[idx[k]-1])
		r.edits = append(r.edits, deleteSpan(r.s.doc, start, end, prev))
		k = j
	}
}

// emit writes the head of an apk add once its --virtual name is known.
func (a *apkAdd) emit(r *runConv) {
	text := "apk add --no-cache"
	if a.virtual != "" {
		text += " --virtual " + a.virtual
		r.s.changed(a.line, codePkgManager, "packages installed as %s so that apk del removes them together", a.virtual)
	}
	r.edits = append(r.edits, transform.Edit{Start: a.start, End: a.headEnd, Text: text})
}

// pmPaths are the caches and state of apt, dpkg, yum and dnf.
var pmPaths = []string{"/var/lib/apt", "/var/cache/apt", "/var/cache/debconf", "/var/log/apt", "/var/log/dpkg.log",
	"/var/cache/yum", "/var/cache/dnf", "/var/lib/dnf", "/var/log/yum.log", "/var/log/dnf", "/var/lib/yum"}

// rm drops the package-manager paths of an rm command, or the command.
func (r *runConv) rm(st *syntax.Stmt, c *syntax.CallExpr) {
	var pm []int
	others := 0
	for i := 1; i < len(c.Args); i++ {
		v, ok := shellx.WordLit(c.Args[i])
		switch {
		case ok && strings.HasPrefix(v, "-"):
		case ok && slices.ContainsFunc(pmPaths, func(p string) bool {
			return v == p || strings.HasPrefix(v, p+"/") || strings.HasPrefix(v, p+"*") || strings.HasPrefix(v, p+".")
		}):
			pm = append(pm, i)
		default:
			others++
		}
	}
	if len(pm) == 0 {
		return
	}
	var paths []string
	for _, i := range pm {
		v, _ := shellx.WordLit(c.Args[i])
		paths = append(paths, v)
	}
	why := fmt.Sprintf("rm of %s removed (Alpine has no such cache; apk add --no-cache leaves none)", strings.Join(paths, " "))
	if others == 0 {
		r.del[st] = why
		return
	}
	r.deleteWords(c, pm)
	r.s.changed(r.line(c), codePkgManager, "%s", why)
}

// debianOnly says why a command has no place on Alpine, or "".
func debianOnly(cmd, family string) string {
	switch {
	case strings.HasPrefix(cmd, "dpkg"):
		return cmd + " is Debian's package tool; Alpine has no dpkg"
	case cmd == "apt-key" || cmd == "apt-mark" || cmd == "apt-cache" || cmd == "apt-config":
		return cmd + " manages Debian's package state; apk has no equivalent"
	case cmd == "add-apt-repository" || cmd == "apt-add-repository":
		return cmd + " adds a PPA or Debian repository; Alpine packages come from its own repositories"
	case strings.HasPrefix(cmd, "debconf"):
		return cmd + " configures Debian packages; Alpine has no debconf"
	case cmd == "update-alternatives" || cmd == "alternatives":
		return cmd + ": Alpine has no alternatives system"
	case cmd == "locale-gen" || cmd == "update-locale" || cmd == "localedef":
		return cmd + " builds glibc locales; musl has no locale-gen (use musl-locales and ENV LANG by hand)"
	case cmd == "lsb_release":
		return "lsb_release does not exist on Alpine"
	case cmd == "update-rc.d" || cmd == "invoke-rc.d" || cmd == "gdebi":
		return cmd + " is Debian-only"
	case cmd == "rpm" || cmd == "rpmkeys" || cmd == "yum-config-manager" || cmd == "subscription-manager" || cmd == "update-crypto-policies":
		if family == rebase.FamFedora {
			return cmd + " is Fedora/RHEL machinery; Alpine has no equivalent"
		}
	}
	return ""
}

// urlAround extends a vendor marker to the whole URL or word it is in.
const urlAround = `[^\s"'|;&)]*`

var (
	debianMarkers = []struct{ re, why string }{
		{`/etc/apt\b`, "it uses /etc/apt, Debian's repository configuration,"},
		{`\S*\.deb\b`, "it installs a .deb file (%s),"},
		{`\bppa:\S*`, "it adds a PPA (%s),"},
		{multiarch.String(), "it uses Debian's multiarch library path (%s),"},
		// Configuration layouts that Alpine's packages of the same
		// programs do not read: the files would be silently ignored.
		{`/etc/nginx/(sites-enabled|sites-available|snippets)\b\S*`, "it puts nginx configuration in %s, a Debian layout that Alpine's nginx does not read (it includes /etc/nginx/http.d/*.conf); move the file there by hand"},
		{`/etc/supervisor/(conf\.d\b\S*|supervisord\.conf)`, "it puts supervisor configuration in %s, a Debian layout that Alpine's supervisor does not read (it reads /etc/supervisord.conf, which includes /etc/supervisor.d/*.ini); move the file there by hand"},
		{`/etc/mysql/\S*`, "it uses %s, Debian's MariaDB/MySQL configuration layout (Alpine's reads /etc/my.cnf and /etc/my.cnf.d/)"},
		{urlAround + `(deb\.nodesource\.com|script\.deb\.sh|packages\.microsoft\.com/(config/)?(debian|ubuntu)|download\.docker\.com/linux/(debian|ubuntu)|apt\.llvm\.org|apt\.postgresql\.org|dl\.yarnpkg\.com/debian|repo\.mongodb\.org/apt|packages\.cloud\.google\.com/apt|get\.docker\.com)` + urlAround,
			"it runs a vendor's Debian repository setup (%s),"},
	}
	fedoraMarkers = []struct{ re, why string }{
		{`/etc/yum\.repos\.d|/etc/dnf\b`, "it uses %s, the yum/dnf repository configuration,"},
		{`\S*\.rpm\b`, "it installs an .rpm file (%s),"},
		{urlAround + `(rpm\.nodesource\.com|script\.rpm\.sh|packages\.microsoft\.com/(config/)?(rhel|centos|fedora)|download\.docker\.com/linux/(centos|fedora|rhel))` + urlAround, "it runs a vendor's RPM repository setup (%s),"},
	}
	multiarch = regexp.MustCompile(`/usr/lib/(x86_64|aarch64|i386|arm)-linux-gnu\S*`)
	// pipedScript finds code downloaded by curl or wget and run by a
	// shell or an interpreter: "curl URL | sh", "wget -qO- URL | sudo -E
	// bash -", "curl URL | python3", "bash -c "$(curl URL)"", "bash <(curl
	// URL)", "python3 <(curl URL)". The URL is group 1 or 3, the program
	// group 2 or 4.
	pipedScript = regexp.MustCompile(`\b(?:curl|wget)\b[^|;&]*?(https?://[^\s"'|;&)]+)[^|;&]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?(?:/usr)?(?:/local)?(?:/bin/)?((?:ba|da|z|k|a)?sh|python[0-9.]*|perl|ruby|node|php)\b` +
		"|\\b((?:ba|da|z|k|a)?sh|python[0-9.]*|perl|ruby|node|php)\\s+(?:-\\S+\\s+)*[\"']?(?:\\$\\(|<\\(|`)\\s*(?:curl|wget)\\b[^)`]*?(https?://[^\\s\"'|;&)`]+)")
	// condaCmd finds conda, mamba or micromamba (by name or path, quoted or
	// as an exec-form word) with a subcommand that installs or runs
	// packages, only options between them.
	condaCmd      = regexp.MustCompile(`(?:^|[\s;&|("'\[])(?:[^\s;&|()"'\[]*/)?(conda|mamba|micromamba)["',]*(?:[ \t]+["']?-[^\s"',]*["',]*)*[ \t]+["']?(install|create|update|env|run|activate)\b`)
	glibcDownload = regexp.MustCompile(`https?://\S*(linux-gnu|manylinux|glibc|nodejs\.org/dist/|awscli-exe-linux|Miniconda|Miniforge|Mambaforge|Anaconda3)\S*`)
	// markerRes compiles the markers on first use, each with the words
	// one of which its matches hold (see filteredRegexp).
	markerRes = sync.OnceValue(func() map[string]filteredRegexp {
		m := map[string]filteredRegexp{}
		for _, mk := range append(slices.Clone(debianMarkers), fedoraMarkers...) {
			m[mk.re] = newFilteredRegexp(mk.re)
		}
		return m
	})
)

// stdinData follows an interpreter whose code is given by an option, so
// what is piped in is data: "curl URL | python3 -c 'import json…'",
// "| perl -ne …", "| python3 -m json.tool".
var stdinData = regexp.MustCompile(`^\s+-(c|m|[A-Za-z]*e)\b`)

// pipedCode returns the submatches of the first pipedScript match in text
// that runs downloaded code, or nil.
func pipedCode(text string) []string {
	for _, l := range pipedScript.FindAllStringSubmatchIndex(text, -1) {
		if l[4] >= 0 && !strings.HasSuffix(text[l[4]:l[5]], "sh") && stdinData.MatchString(text[l[1]:]) {
			continue
		}
		m := make([]string, len(l)/2)
		for i := range m {
			if l[2*i] >= 0 {
				m[i] = text[l[2*i]:l[2*i+1]]
			}
		}
		return m
	}
	return nil
}

// marker says why text (a RUN's shell text, a COPY argument) ties the stage
// to its distribution, with the code of the rule, or "".
func (s *alpineStage) marker(text string) (transform.Code, string) {
	ms := debianMarkers
	if s.family == rebase.FamFedora {
		ms = fedoraMarkers
	}
	for _, m := range ms {
		f := markerRes()[m.re].FindString(text)
		if layoutHandled[f] {
			// a path the layout rules map (layouts.go); another
			// match of the marker may still refuse
			f = ""
			for _, g := range markerRes()[m.re].FindAllString(text, -1) {
				if !layoutHandled[g] {
					f = g
					break
				}
			}
		}
		if f != "" {
			why := m.why
			if strings.Contains(why, "%s") {
				why = fmt.Sprintf(why, f)
			}
			if !strings.HasSuffix(why, ",") {
				return codeLayout, why // a configuration layout
			}
			if m.re == multiarch.String() {
				return codeLayout, why + " which has no Alpine equivalent"
			}
			return codeDebianTool, why + " which has no Alpine equivalent"
		}
	}
	// Both of pipedScript's alternatives need curl or wget; without them,
	// skip its slow scan.
	if containsAny(text, []string{"curl", "wget"}) {
		if m := pipedCode(text); m != nil {
			if prog := m[2] + m[3]; !strings.HasSuffix(prog, "sh") {
				return codeUnread, fmt.Sprintf("it runs code downloaded from %s with %s, which docklean has not read: such installers (get-pip.py and the like) install packages, write into the system python (externally managed on Alpine) or download glibc builds, so docklean cannot tell what it would do on Alpine", m[1]+m[4], prog)
			}
			return codeUnread, fmt.Sprintf("it runs a script downloaded from %s in a shell; such setup scripts detect the distribution and install with apt or yum, or download glibc builds, so docklean cannot tell what it would do on Alpine", m[1]+m[4])
		}
	}
	if f := glibcDownload.FindString(text); f != "" {
		return codeGlibc, fmt.Sprintf("it downloads a glibc build (%s) that will not run on musl", f)
	}
	if containsAny(text, []string{"conda", "mamba"}) {
		if m := condaCmd.FindStringSubmatch(text); m != nil {
			return codeGlibc, fmt.Sprintf("it runs %s, whose packages are glibc builds (conda has no musl platform)", m[1])
		}
	}
	return "", ""
}

// archList is an arch= value for a finding: "none" means no architecture.
func archList(arches string) string {
	if arches == "none" {
		return "no architecture (the package is disabled)"
	}
	return strings.ReplaceAll(arches, ",", ", ")
}

// keepRuntime keeps, after an apk del, the libraries Debian keeps after
// its purge or remove. apk del removes every package nothing in the world
// needs any more. Debian never removes its base packages, among them
// libstdc++6, libgcc-s1 and libgfortran's runtime that what g++, rustc and
// gfortran build links against; Alpine's libstdc++, libgcc and libgfortran
// come with the compilers and would go with them (baseRuntime). A purge
// without --auto-remove (and no apt-get autoremove after it in the RUN)
// also leaves the dependencies the purged packages brought, such as
// libpq5 of libpq-dev, which what was built against them needs: their
// Alpine packages are installed for good. A dependency with no Alpine
// name, or a package word docklean cannot read, refuses. at is the offset
// of the install the packages came from (or of the del), names their
// Alpine names, debs the Debian words of the del, del what apk del
// removes.
func (r *runConv) keepRuntime(c *syntax.CallExpr, at int, names, debs []string, del string) {
	s := r.s
	line := r.line(c)
	r.s.keepBaseRuntime(at, names, line, del)
	if s.family != rebase.FamDebian {
		// dnf removes the dependencies nothing needs, as apk does; yum 3
		// (CentOS 7) keeps them, and docklean has no Fedora dependency data
		// to name the libraries a -devel package brought
		if prog, _ := shellx.WordLit(c.Args[0]); path.Base(prog) == "yum" && slices.ContainsFunc(debs, func(d string) bool { return strings.HasSuffix(d, "-devel") }) {
			s.refuse(line, codePkgManager, "yum removes -devel packages on %v: yum 3 (CentOS 7) keeps the libraries they brought, apk del removes them, and docklean has no Fedora dependency data to name them; convert by hand", transform.Line(line))
		}
		return
	}
	for _, w := range c.Args[1:] {
		if v, ok := shellx.WordLit(w); ok && (v == "--auto-remove" || v == "--autoremove") {
			return // Debian removes the dependencies too
		}
	}
	if _, end := r.span(c); autoremove.MatchString(string(s.doc.Src[end:s.doc.LineEnd(r.in.EndLine)])) {
		return // so does apt-get autoremove after it
	}
	t := commands.Tables()
	seen := map[string]bool{}
	var walk func(d, from string) bool
	walk = func(d, from string) bool {
		for _, dep := range t.Depends(d) {
			switch {
			case seen[dep] || commands.InBase(dep) || toolchainDev.MatchString(dep):
			case strings.HasSuffix(dep, "-dev"): // libpq-dev → libssl-dev → libssl3
				seen[dep] = true
				if !walk(dep, from) {
					return false
				}
			case s.python && strings.HasPrefix(dep, "libpython"):
				// Debian's own Python's library: the python image's Python is
				// in /usr/local, and what pip builds there does not link it
			case runtimeLib.MatchString(dep):
				seen[dep] = true
				alps, ok := alpinepkg.FromDebian(dep, s.release)
				if !ok {
					s.refuse(line, codePkgManager, "the removal on %v keeps %s, which %s brought (no --auto-remove), and %s has no Alpine name docklean knows; add --auto-remove if the build does not need it, or convert by hand", transform.Line(line), dep, from, dep)
					return false
				}
				s.need(strings.Join(alps, " "), at, codePkgManager, "Debian's removal on %v keeps %s, which %s brought (no --auto-remove), and %s would remove it", transform.Line(line), dep, from, del)
			}
		}
		return true
	}
	for _, d := range debs {
		if !debName.MatchString(d) {
			s.refuse(line, codePkgManager, "the removal on %v keeps the dependencies of its packages installed (no --auto-remove), and docklean cannot tell which %s holds; add --auto-remove if the build does not need them, or convert by hand", transform.Line(line), d)
			return
		}
		if !walk(d, d) {
			return
		}
	}
}

// baseRuntime maps an Alpine compiler package to the run-time library of
// what it builds, which Debian keeps in every image (libstdc++6,
// libgcc-s1, libgfortran5 through gfortran's own base packages).
var baseRuntime = map[string]string{"g++": "libstdc++", "gfortran": "libgfortran", "rust": "libgcc", "cargo": "libgcc"}

// keepBaseRuntime installs for good, before at, the run-time libraries of
// the compilers among names (and what their meta packages bring:
// build-base's g++), which del removes where Debian keeps them.
func (s *alpineStage) keepBaseRuntime(at int, names []string, line int, del string) {
	for _, n := range withDepends(names) {
		if lib := baseRuntime[n]; lib != "" {
			s.need(lib, at, codePkgManager, "what %s builds links %s, which Debian keeps in every image and %s on %v would remove", n, lib, del, transform.Line(line))
		}
	}
}

var (
	// debName is a Debian package name as written, without a version.
	debName = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	// runtimeLib is a Debian shared-library package: libfoo3, libssl3,
	// libpq5, libgcc-s1, not libfoo-dev, -common, -data, -bin or -doc.
	runtimeLib = regexp.MustCompile(`^lib.*[0-9](t64)?$`)
	// autoremove is apt-get autoremove (or apt autoremove), with options.
	autoremove = regexp.MustCompile(`\bapt(-get)?\s+(-\S+\s+)*autoremove\b`)
	// toolchainDev are glibc's and the compilers' own -dev packages, whose
	// Alpine counterparts are musl-dev and the compilers themselves: their
	// libraries are glibc's (libnsl2, libtirpc3), not a build's.
	toolchainDev = regexp.MustCompile(`^(libc6-dev|libc-dev|libcrypt-dev|libnsl-dev|libtirpc-dev|linux-libc-dev|libgcc-[0-9]+-dev|libstdc\+\+-[0-9]+-dev)$`)
)
