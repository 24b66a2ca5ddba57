package alpine

import (
	"regexp"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// layoutRule is an absolute path into a Debian package's files that is
// somewhere else, or nowhere, on Alpine. A stage that names it in an ENV
// or ARG value, a SHELL, CMD or ENTRYPOINT, a COPY or ADD destination or a
// RUN word gets Alpine's path (to, with $1… from re) when the package it
// belongs to is installed by the stage (debs, a Debian name prefix; "" for
// any stage), or is refused when to is "" (no Alpine path docklean has
// checked). source says where the Alpine path was read.
type layoutRule struct {
	re     *regexp.Regexp
	debs   string
	to     string
	why    string
	source string
}

// layoutRules are checked in order; the first whose pattern matches a path
// decides.
var layoutRules = []layoutRule{
	{
		re: regexp.MustCompile(`^/etc/nginx/conf\.d(/[^\s:"']*)?$`), debs: "nginx", to: "/etc/nginx/http.d$1",
		why:    "Alpine's nginx.conf includes /etc/nginx/http.d/*.conf inside http { } (Debian's conf.d) and conf.d/*.conf at the top level, where a server block stops nginx from starting",
		source: "aports main/nginx/nginx.conf and nginx.post-upgrade (conf.d → http.d since 1.18.0-r13)",
	},
	{
		re: regexp.MustCompile(`^/etc/nginx/sites-enabled/default$`), debs: "nginx", to: "/etc/nginx/http.d/default.conf",
		why:    "Debian's default site is sites-enabled/default, Alpine's default server http.d/default.conf (which answers 404)",
		source: "aports main/nginx APKBUILD and nginx.post-install (http-default_server.conf installed as http.d/default.conf)",
	},
	{
		re: regexp.MustCompile(`^/usr/lib/jvm/java-(11|17|21)-openjdk-(amd64|arm64)(/[^\s:"']*)?$`), debs: "openjdk-", to: "/usr/lib/jvm/java-$1-openjdk$3",
		why:    "Alpine's openjdk packages install the JVM without the architecture suffix",
		source: `aports community/openjdk11, openjdk17, openjdk21 APKBUILD: _java_home="/usr/lib/jvm/java-N-openjdk"`,
	},
	{
		re:  regexp.MustCompile(`^/usr/lib/jvm(/[^\s:"']*)?`),
		why: "it is a path of Debian's JVM layout (default-java, -amd64 suffixes, java-8) whose Alpine equivalent docklean has not checked; use the Alpine path (/usr/lib/jvm/java-N-openjdk, /usr/lib/jvm/default-jvm) by hand",
	},
	{
		re: regexp.MustCompile(`^/usr/bin/chromium$`), debs: "chromium", to: "/usr/bin/chromium-browser",
		why:    "Alpine's chromium installs its launcher as /usr/bin/chromium-browser (/usr/bin/chromium only in recent releases)",
		source: "aports community/chromium APKBUILD: ln -sfv ../lib/chromium/chromium-launcher.sh /usr/bin/chromium-browser",
	},
	{
		// a package's own data folder: its layout inside may differ, and
		// docklean has checked none of them
		re:   regexp.MustCompile(`^/usr/share/([a-z0-9][a-z0-9.+-]*)/[^\s:"']+`),
		debs: "$1",
		why:  "it is inside the data folder of a Debian package the stage installs, whose layout docklean has not checked against Alpine's package of it; check the path in Alpine's package and convert by hand",
	},
	{
		re:  regexp.MustCompile(`^/usr/lib/(x86_64|aarch64|i386|arm[a-z0-9]*)-linux-gnu[a-z]*(/[^\s:"']*)?$`),
		why: "it is Debian's multiarch library folder, which Alpine does not have (its libraries are in /usr/lib and /lib)",
	},
}

// layoutPath finds the paths in text that a layout rule matches: each
// starts at the start of text or after a blank, quote, ':', '=' or ',' (a
// list or an option value) and ends at such a character.
var layoutPath = regexp.MustCompile(`/(etc/nginx/conf\.d|etc/nginx/sites-enabled/default|usr/lib/jvm|usr/bin/chromium|usr/share/[a-z0-9][a-z0-9.+-]*/|usr/lib/[a-z0-9_]+-linux-gnu[a-z]*)[^\s:"',;&|)\]]*`)

// layoutHandled are the paths of the Debian markers (pkg.go) that a
// layout rule maps instead of refusing.
var layoutHandled = map[string]bool{"/etc/nginx/sites-enabled/default": true}

// layoutMatch is one path in an instruction's text.
type layoutMatch struct {
	start, end int // file offsets
	path       string
	rule       *layoutRule
}

// findLayouts returns the layout paths in text, which starts at file
// offset base.
func findLayouts(text string, base int) []layoutMatch {
	var out []layoutMatch
	for _, m := range layoutPath.FindAllStringIndex(text, -1) {
		if m[0] > 0 && !strings.ContainsRune(" \t\r\n\"'[:=,", rune(text[m[0]-1])) {
			continue
		}
		p := text[m[0]:m[1]]
		for i := range layoutRules {
			if layoutRules[i].re.MatchString(p) {
				out = append(out, layoutMatch{base + m[0], base + m[1], p, &layoutRules[i]})
				break
			}
		}
	}
	return out
}

// installs reports whether the stage installs a Debian package whose name
// starts with prefix.
func (s *alpineStage) installs(prefix string) bool {
	for d := range s.debs {
		if strings.HasPrefix(d, prefix) {
			return true
		}
	}
	return false
}

// layouts applies the layout rules to every instruction of the stage, once
// it knows what the stage installs.
func (s *alpineStage) layouts() {
	for _, in := range s.st.Instructions {
		var ms []layoutMatch
		editable := true // the matches may be edited where they are
		switch in.Keyword {
		case "env", "arg", "shell", "cmd", "entrypoint":
			start := stages.KeywordEnd(s.doc, in)
			ms = findLayouts(string(s.doc.Src[start:in.End]), start)
			editable = in.Keyword != "cmd" && in.Keyword != "entrypoint" && in.Keyword != "shell" || in.JSON
		case "copy", "add":
			if len(in.Args) == 0 {
				continue
			}
			// the destination, found as the last occurrence of the word
			dst := in.Args[len(in.Args)-1]
			i := strings.LastIndex(s.doc.Text(in), dst)
			if i < 0 {
				i, editable = 0, false
			}
			ms = findLayouts(dst, in.Start+i)
		case "run":
			ms, editable = s.runLayouts(in)
		}
		for _, m := range ms {
			r := m.rule
			kw := upper(in.Keyword)
			switch {
			case r.debs == "$1" && (!s.debs[r.re.FindStringSubmatch(m.path)[1]] || in.Keyword == "copy" || in.Keyword == "add"):
				continue // not a package of the stage, or files the stage puts there itself
			case r.debs != "" && r.debs != "$1" && !s.installs(r.debs):
				continue // not the package's files: nothing to say
			case r.to == "":
				s.refuse(in.StartLine, codeLayout, "%s names %s: %s", kw, m.path, r.why)
				return
			case !editable:
				s.refuse(in.StartLine, codeLayout, "%s names %s inside quotes, a here-document or a shell-form command, which docklean does not edit: %s; change it to %s by hand", kw, m.path, r.why, r.re.ReplaceAllString(m.path, r.to))
				return
			}
			to := r.re.ReplaceAllString(m.path, r.to)
			if s.overlaps(m.start, m.end) {
				s.refuse(in.StartLine, codeLayout, "%s names %s, which Alpine has at %s, where docklean already changes the text; change it by hand", kw, m.path, to)
				return
			}
			s.edits = append(s.edits, transform.Edit{Start: m.start, End: m.end, Text: to})
			s.changed(in.StartLine, codeLayout, "%s: %s → %s: %s (checked in %s)", kw, m.path, to, r.why, r.source)
		}
	}
}

// overlaps reports whether [start, end) touches an edit already planned.
func (s *alpineStage) overlaps(start, end int) bool {
	for _, e := range s.edits {
		if start < e.End && e.Start < end || start == e.Start {
			return true
		}
	}
	return false
}

// runLayouts finds the layout paths of a RUN. They may be edited only when
// each is in a word of plain text (no quotes, no expansions) of a parsed
// shell RUN: docklean never edits inside quotes or here-documents.
func (s *alpineStage) runLayouts(in *parser.Instruction) ([]layoutMatch, bool) {
	sh := in.Shell
	if sh == nil || sh.Err != nil || !sh.Mapped() || len(in.Heredocs) > 0 {
		return findLayouts(s.doc.Text(in), in.Start), false
	}
	text := sh.Text
	raw := layoutPath.FindAllStringIndex(text, -1)
	if len(raw) == 0 {
		return nil, true
	}
	// the text ranges of unquoted literal words
	var plain [][2]int
	parser.Walk(sh.File, func(n syntax.Node) bool {
		if w, ok := n.(*syntax.Word); ok {
			if len(w.Parts) == 1 {
				if l, ok := w.Parts[0].(*syntax.Lit); ok && !strings.Contains(l.Value, `\`) {
					plain = append(plain, [2]int{int(w.Pos().Offset()), int(w.End().Offset())})
				}
			}
			return false
		}
		return true
	})
	sort.Slice(plain, func(i, j int) bool { return plain[i][0] < plain[j][0] })
	var out []layoutMatch
	editable := true
	for _, m := range raw {
		if m[0] > 0 && !strings.ContainsRune(" \t\r\n\"'[:=,", rune(text[m[0]-1])) {
			continue
		}
		p := text[m[0]:m[1]]
		var rule *layoutRule
		for i := range layoutRules {
			if layoutRules[i].re.MatchString(p) {
				rule = &layoutRules[i]
				break
			}
		}
		if rule == nil {
			continue
		}
		k := sort.Search(len(plain), func(i int) bool { return plain[i][1] > m[0] })
		inPlain := k < len(plain) && plain[k][0] <= m[0] && m[1] <= plain[k][1]
		editable = editable && inPlain
		start, end := sh.Range(m[0], m[1])
		if strings.ContainsAny(string(s.doc.Src[start:end]), "\n\\") {
			editable = false // the path runs over a continuation line
		}
		out = append(out, layoutMatch{start, end, p, rule})
	}
	return out, editable
}

// nginxSetup refuses a stage that installs Debian's nginx and either
// replaces nginx.conf (a Debian one names user www-data, which Alpine does
// not have, and includes folders Alpine's packages do not use) or puts no
// configuration of its own at all: Debian's default site serves
// /var/www/html, Alpine's default server answers every request with 404
// (aports main/nginx/default.conf: location / { return 404; }).
func (s *alpineStage) nginxSetup() {
	if !s.debs["nginx"] || s.refused() {
		return
	}
	configured := false
	for _, in := range s.st.Instructions {
		text := s.doc.Text(in)
		switch in.Keyword {
		case "copy", "add":
			dst := ""
			if len(in.Args) > 0 {
				dst = in.Args[len(in.Args)-1]
			}
			if dst == "/etc/nginx/nginx.conf" || dst == "/etc/nginx/" || dst == "/etc/nginx" {
				s.refuse(in.StartLine, codeService, "%s replaces %s, written for Debian's nginx: it may name user www-data (Alpine's nginx runs as nginx; Alpine has no www-data user) and include folders Alpine's nginx does not use (sites-enabled, modules-enabled); convert by hand", upper(in.Keyword), dst)
				return
			}
			configured = configured || strings.HasPrefix(dst, "/etc/nginx/")
		case "run":
			configured = configured || strings.Contains(text, "/etc/nginx/")
		}
	}
	if !configured {
		s.refuse(s.st.From.StartLine, codeService, "the stage installs nginx and relies on Debian's default site (root /var/www/html); Alpine's default server answers every request with 404 (aports main/nginx default.conf); add a server block to /etc/nginx/http.d/ and convert by hand")
	}
}

// sshHostKeys makes Debian's install-time host keys explicit: Debian's
// openssh-server generates them in its postinst; Alpine's openssh-server
// does not (its OpenRC service does, aports main/openssh/sshd.initd, and
// containers do not run OpenRC), so "sshd -D" would exit with "no hostkeys
// available". A "RUN ssh-keygen -A" goes right after the RUN that installs
// it, unless the stage already runs ssh-keygen -A.
func (s *alpineStage) sshHostKeys() {
	if !s.debs["openssh-server"] || s.refused() {
		return
	}
	var add *apkAdd
	for _, a := range s.adds {
		for _, d := range a.debs {
			if d == "openssh-server" && add == nil {
				add = a
			}
		}
	}
	if add == nil {
		return // installed by the stage this one is built on, which got the keys
	}
	if add.cond {
		s.refuse(add.line, codeService, "openssh-server is installed under a condition; Alpine's does not generate host keys at install as Debian's does (sshd would exit), and docklean cannot tell where to generate them; add RUN ssh-keygen -A by hand")
		return
	}
	var run *parser.Instruction
	for _, in := range s.st.Instructions {
		if in.Keyword == "run" && in.Start <= add.start && add.start < in.End {
			run = in
		}
		if run != nil && in.Keyword == "run" && makesHostKeys(s.doc.Text(in)) {
			return // the stage makes its host keys itself: an ssh-keygen -A before would make ssh-keygen -f ask to overwrite
		}
	}
	if run == nil {
		return
	}
	at := s.doc.LineEnd(run.EndLine)
	text := s.doc.Indent(run.StartLine) + "RUN ssh-keygen -A" + s.doc.EOL
	if at == len(s.doc.Src) && (at == 0 || s.doc.Src[at-1] != '\n') {
		text = s.doc.EOL + text
	}
	s.inserts = append(s.inserts, transform.Edit{Start: at, End: at, Text: text})
	s.changed(run.StartLine, codeService, "RUN ssh-keygen -A inserted after this RUN: Debian's openssh-server generates the host keys when it is installed, Alpine's leaves it to its OpenRC service (aports main/openssh/sshd.initd), so sshd would exit with \"no hostkeys available\"")
}

// makesHostKeys reports whether a RUN's text generates sshd's host keys:
// ssh-keygen -A, or ssh-keygen writing an /etc/ssh/ssh_host_ key.
func makesHostKeys(text string) bool {
	return strings.Contains(text, "ssh-keygen -A") || strings.Contains(text, "ssh-keygen") && strings.Contains(text, "/etc/ssh/ssh_host_")
}
