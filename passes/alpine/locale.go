package alpine

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// Locales: glibc needs a locale generated (locale-gen, localedef) before
// setlocale accepts its name; musl accepts every name and uses UTF-8 in
// all but C and POSIX, with no locale files at all. Checked in Alpine
// 3.20's musl with LANG=en_US.UTF-8: setlocale("") returns en_US.UTF-8,
// CODESET is UTF-8 and é decodes as U+00E9; the same as C.UTF-8 in every
// other respect (strcoll is strcmp, no thousands separator, C's date
// format). musl-locales (Debian's locales maps to it) adds the locale
// command and, with MUSL_LOCPATH set, message translations only.
//
// So a RUN that generates en_US.UTF-8 or C.UTF-8 drops the generation
// (and the edits of /etc/locale.gen that feed it), and ENV LANG/LC_ALL
// stay as they are. Other locales refuse: musl has none of their formats
// (decimal comma, dates, collation), which programs would silently lose.

// localeNote is the finding of a dropped locale generation.
const localeNote = "musl needs no generated locale: it accepts en_US.UTF-8 as it is and uses UTF-8, but has no locale data, so collation is by code point and numbers and dates are formatted as in C (glibc's en_US sorts a before B and groups thousands); musl-locales adds only the locale command and message translations"

// localeName finds the locale names in a command's text: en_US.UTF-8,
// de_DE@euro, C.UTF-8.
var localeName = regexp.MustCompile(`\b(?:[a-z]{2,3}_[A-Z]{2}|C)(?:\.[A-Za-z0-9-]+)?(?:@[a-z]+)?\b`)

// muslLocale reports whether a locale name means on musl what it means on
// glibc, closely enough to convert: UTF-8 with C's or en_US's formats.
func muslLocale(name string) bool {
	lang, charset, _ := strings.Cut(name, ".")
	cs := strings.ToLower(strings.ReplaceAll(charset, "-", ""))
	return (lang == "en_US" || lang == "C") && cs == "utf8"
}

// localeCall handles the commands that generate glibc locales or feed
// locale-gen: it plans their removal, or refuses. It reports whether c is
// one of them.
func (r *runConv) localeCall(st *syntax.Stmt, c *syntax.CallExpr, base string) bool {
	text := r.s.doc.Src
	s, e := r.span(st)
	cmd := string(text[s:e])
	switch {
	case base == "locale-gen" || base == "localedef" || base == "update-locale":
	case (base == "sed" || base == "echo" || base == "printf") && strings.Contains(cmd, "/etc/locale.gen"):
		if base == "sed" && !strings.Contains(cmd, " -i") {
			return false
		}
	default:
		return false
	}
	if strings.Contains(cmd, "$") {
		// the stage's ARG and ENV first: update-locale LANG=$LANG is not
		// an assignment of LANG to itself
		cmd = stages.ArgRef.ReplaceAllStringFunc(cmd, func(m string) string {
			sub := stages.ArgRef.FindStringSubmatch(m)
			if v := r.s.vars[sub[1]+sub[3]]; v != nil && v.value != "" {
				return v.value
			}
			return m
		})
		cmd = r.s.expandVars(cmd)
		if strings.Contains(cmd, "$") {
			r.s.refuse(r.line(c), codeLocale, "%s names a locale through a variable docklean cannot resolve; convert by hand (musl needs no locale generation)", base)
			return true
		}
	}
	names := localeName.FindAllString(cmd, -1)
	if base == "localedef" {
		names = nil // -i en_US names the source; localedefUTF8 checks it
	}
	for _, n := range names {
		if !muslLocale(n) {
			r.s.refuse(r.line(c), codeLocale, "%s sets up the locale %s: musl accepts the name but has no locale data, so that language's number and date formats and collation would be lost (C's instead); keep the stage on Debian, or convert by hand", base, n)
			return true
		}
	}
	switch base {
	case "localedef":
		if !r.localedefUTF8(c) {
			return true
		}
	case "locale-gen":
		if len(c.Args) == 1 && !r.s.localeGenFed(r) {
			return true
		}
	case "update-locale":
		r.del[st] = "update-locale removed: it writes /etc/default/locale, which only PAM logins read, and musl needs no generated locale"
		return true
	default:
		if len(names) == 0 {
			r.s.refuse(r.line(c), codeLocale, "%s edits /etc/locale.gen in a way docklean cannot read; convert by hand (musl needs no locale generation)", base)
			return true
		}
		r.del[st] = fmt.Sprintf("%s of /etc/locale.gen removed: Alpine has no such file, and musl needs no generated locale", base)
		return true
	}
	r.del[st] = fmt.Sprintf("%s removed: %s", base, localeNote)
	return true
}

// localedefUTF8 checks that a localedef builds en_US.UTF-8 or C.UTF-8:
// input en_US or C, charmap UTF-8, a name muslLocale accepts; it refuses
// otherwise.
func (r *runConv) localedefUTF8(c *syntax.CallExpr) bool {
	var input, charmap, name string
	for i := 1; i < len(c.Args); i++ {
		w, ok := shellx.WordLit(c.Args[i])
		if !ok {
			r.s.refuse(r.line(c), codeLocale, "localedef has an argument docklean cannot read; convert by hand")
			return false
		}
		val := func() string {
			if i+1 < len(c.Args) {
				i++
				v, _ := shellx.WordLit(c.Args[i])
				return v
			}
			return ""
		}
		switch {
		case w == "-i" || w == "--inputfile":
			input = val()
		case w == "-f" || w == "--charmap":
			charmap = val()
		case w == "-A" || w == "--alias-file":
			val()
		case strings.HasPrefix(w, "--inputfile="):
			input = strings.TrimPrefix(w, "--inputfile=")
		case strings.HasPrefix(w, "--charmap="):
			charmap = strings.TrimPrefix(w, "--charmap=")
		case w == "-c" || w == "--force" || w == "--no-archive" || w == "-v" || w == "--verbose" || w == "--quiet" || strings.HasPrefix(w, "--alias-file="):
		case strings.HasPrefix(w, "-"):
			r.s.refuse(r.line(c), codeLocale, "localedef option %s is not one docklean reads; convert by hand", w)
			return false
		default:
			name = w
		}
	}
	if (input != "en_US" && input != "C") || strings.ToUpper(strings.ReplaceAll(charmap, "-", "")) != "UTF8" || !muslLocale(name) {
		r.s.refuse(r.line(c), codeLocale, "localedef builds %s from %s with charmap %s; docklean converts only en_US.UTF-8 and C.UTF-8 (musl has no other locale data)", name, input, charmap)
		return false
	}
	return true
}

// localeGenFed reports whether a bare locale-gen (Debian's, which builds
// what /etc/locale.gen lists) reads only what r's RUN writes there: no
// other instruction of the stage mentions the file. It refuses otherwise.
func (s *alpineStage) localeGenFed(r *runConv) bool {
	for _, in := range s.st.Instructions {
		if in != r.in && strings.Contains(s.doc.Text(in), "locale.gen") {
			s.refuse(in.StartLine, codeLocale, "%v writes locale.gen, which locale-gen on %v builds from; docklean cannot tell which locales it lists; convert by hand", transform.Line(in.StartLine), transform.Line(r.in.StartLine))
			return false
		}
	}
	if !strings.Contains(r.sh.Text, "/etc/locale.gen") {
		s.refuse(r.in.StartLine, codeLocale, "locale-gen builds the locales /etc/locale.gen lists, which this RUN does not write: docklean cannot tell which; convert by hand")
		return false
	}
	return true
}

// isLocaleGen reports whether c runs locale-gen, localedef or
// update-locale, which localeCall removes or refuses.
func isLocaleGen(c *syntax.CallExpr) bool {
	w, _ := shellx.WordLit(c.Args[0])
	switch path.Base(w) {
	case "locale-gen", "localedef", "update-locale":
		return true
	}
	return false
}
