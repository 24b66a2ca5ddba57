package alpine

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// accounts is what a stage (with the stages it is built on) does with
// users and groups, checked against the base users and groups of Debian's
// and Alpine's images (data/alpine-users.tsv, ...).
type accounts struct {
	groupNames map[string]bool // groups addgroup creates here
	userNames  map[string]bool // users adduser creates here
	wwwLine    int             // first line that uses the user www-data
	wwwDone    bool            // a stage this one is built on creates it
	noted      map[string]bool // groups whose other id was reported
	usedUsers  []userRef       // users the stage runs as or gives files to (usernames.go)
}

func newAccounts() *accounts {
	return &accounts{groupNames: map[string]bool{}, userNames: map[string]bool{}, noted: map[string]bool{}}
}

func (a *accounts) inherit(p *accounts) {
	for k := range p.groupNames {
		a.groupNames[k] = true
	}
	for k := range p.userNames {
		a.userNames[k] = true
	}
	a.wwwDone = p.wwwDone || p.wwwLine > 0
	for k := range p.noted {
		a.noted[k] = true
	}
}

// numbers returns the numbers of a text that stand alone: not part of a
// name (app33), a version (3.33) or a longer word.
func numbers(text string) []string {
	var ns []string
	word := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '-'
	}
	for i := 0; i < len(text); {
		if text[i] < '0' || text[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(text) && text[j] >= '0' && text[j] <= '9' {
			j++
		}
		if (i == 0 || !word(text[i-1])) && (j == len(text) || !word(text[j])) {
			ns = append(ns, text[i:j])
		}
		i = j
	}
	return ns
}

// userCmdText finds the user and group commands of a text.
var userCmdText = regexp.MustCompile(`(useradd|groupadd|adduser|addgroup|usermod|groupmod)\b[^;&|\n]*`)

// idUsed reports whether the file depends on the numeric id: it declares
// a VOLUME (files outside the image keep their owners' ids), or the number
// appears anywhere but in user and group commands (USER 999, --chown=999,
// chown 999, a config). The numbers are counted once per file.
func (s *alpineStage) idUsed(id string) bool {
	m := s.file.ids
	if m == nil {
		m = map[string]int{}
		src := string(s.doc.Src)
		for _, n := range numbers(src) {
			m[n]++
		}
		for _, u := range userCmdText.FindAllString(src, -1) {
			for _, n := range numbers(u) {
				m[n]--
			}
		}
		for _, in := range s.doc.Instructions {
			if in.Keyword == "volume" {
				m["volume"] = 1
			}
		}
		s.file.ids = m
	}
	return m["volume"] > 0 || m[id] > 0
}

// idValue returns the number an id word stands for: the word itself, or
// the default of the ARG or ENV it names ($UID, ${UID}, ${UID:-1000});
// fromVar reports that a --build-arg can change it.
func (s *alpineStage) idValue(raw string) (id string, fromVar bool) {
	v := strings.Trim(raw, `"'`)
	if v != "" && strings.Trim(v, "0123456789") == "" {
		return v, false
	}
	name := strings.TrimPrefix(v, "$")
	name = strings.TrimSuffix(strings.TrimPrefix(name, "{"), "}")
	name, def, hasDef := strings.Cut(name, ":-")
	if pv, ok := s.vars[name]; ok && strings.Trim(pv.value, "0123456789") == "" && pv.value != "" {
		return pv.value, true
	}
	if hasDef && def != "" && strings.Trim(def, "0123456789") == "" {
		return def, true
	}
	return "", true
}

// idClash checks an id given to addgroup -g (group true) or adduser -u
// against Alpine's base image. It returns "" when the id is free there;
// else the refusal, or with drop true the finding for dropping the id
// when the Dockerfile does not depend on it.
func (s *alpineStage) idClash(cmd, raw string, group, implicitGroup bool) (msg string, drop bool) {
	id, fromVar := s.idValue(raw)
	if id == "" {
		return "", false
	}
	var owner string
	if group {
		if n := alpineBaseGroups().byID[id]; n != "" {
			owner = "group " + n
		}
	} else if n := alpineBaseUsers().byID[id]; n != "" {
		owner = "user " + n
	} else if n := alpineBaseGroups().byID[id]; n != "" && implicitGroup {
		owner = "group " + n + " (BusyBox's adduser gives the user's own group the same id)"
	}
	if owner == "" {
		return "", false
	}
	kind, flag := "uid", "-u"
	if group {
		kind, flag = "gid", "-g"
	}
	clash := fmt.Sprintf("%s %s is taken by Alpine's %s in the base image, so BusyBox's %s %s %s fails there", kind, id, owner, strings.Fields(cmd)[0], flag, id)
	if fromVar || s.idUsed(id) {
		why := "the Dockerfile uses " + id + " elsewhere or declares a VOLUME, so the id matters"
		if fromVar {
			why = "the id comes from " + raw + ", which a --build-arg may set to match files outside the image"
		}
		return fmt.Sprintf("%s; %s: pick an id Alpine does not use (1000 and up are free) or keep this stage on Debian", clash, why), false
	}
	return fmt.Sprintf("%s %s dropped: %s; nothing else in the Dockerfile uses %s, so BusyBox picks a free id (set one of 1000 and up if files outside the image need a fixed id)", flag, id, clash, id), true
}

// nameClash checks the name of a user or group the stage creates against
// Alpine's base image.
func (s *alpineStage) nameClash(name string, user, implicitGroup bool) string {
	name = strings.Trim(name, `"'`)
	if user {
		if id, ok := alpineBaseUsers().byName[name]; ok {
			return fmt.Sprintf("user %s already exists in Alpine's base image (uid %s), so BusyBox's adduser fails; choose another name or keep this stage on Debian", name, id)
		}
	}
	if !user || implicitGroup {
		if id, ok := alpineBaseGroups().byName[name]; ok && !s.acct.groupNames[name] {
			return fmt.Sprintf("group %s already exists in Alpine's base image (gid %s), so BusyBox's %s fails; choose another name or keep this stage on Debian", name, id, map[bool]string{true: "adduser", false: "addgroup"}[user])
		}
	}
	return ""
}

// groupRef checks a group a command names (-G, usermod -aG, chown :G,
// --chown=U:G): it returns a refusal, or "" after noting a group whose id
// differs between Debian and Alpine.
func (s *alpineStage) groupRef(g string, line int) string {
	g = strings.Trim(g, `"'`)
	if g == "" || strings.Contains(g, "$") {
		return ""
	}
	if strings.Trim(g, "0123456789") == "" {
		if s.groups[g] != "" || sharedGroup(g) != "" || s.family != rebase.FamDebian {
			return ""
		}
		if n := debianBaseGroups().byID[g]; n != "" {
			alp, ok := alpineBaseGroups().byName[n]
			if !ok {
				return fmt.Sprintf("group id %s is Debian's group %s, which Alpine's base image does not have; use a group name the stage creates", g, n)
			}
			return fmt.Sprintf("group id %s is Debian's group %s, which is %s on Alpine: the number would name another group (or none); use the name %s, or keep this stage on Debian", g, n, alp, n)
		}
		return ""
	}
	if s.acct.groupNames[g] || s.family != rebase.FamDebian {
		return ""
	}
	deb, inDeb := debianBaseGroups().byName[g]
	alp, inAlp := alpineBaseGroups().byName[g]
	switch {
	case inDeb && !inAlp:
		return fmt.Sprintf("group %s does not exist on Alpine", g)
	case inDeb && deb != alp && !s.acct.noted[g] && g != "www-data" && !s.setsGID(g): // www-data: see wwwData
		s.acct.noted[g] = true
		s.note(line, codeID, "group %s is gid %s on Debian and %s on Alpine: access to devices or volumes granted to the group by id (--device, --group-add, files from a Debian container) changes", g, deb, alp)
	}
	return ""
}

// memberGID checks a group a user is added to (useradd -G, usermod -aG,
// adduser USER GROUP): a group of both base images whose gid differs
// (audio 29 on Debian, 18 on Alpine; video 44, 27) gives the user other
// rights on Alpine, since the host grants devices (--device) and
// --group-add by number. It returns the refusal, or "" when the gids
// match, the stage creates the group or the Dockerfile sets its gid
// (groupmod -g).
func (s *alpineStage) memberGID(g string) string {
	g = strings.Trim(g, `"'`)
	if s.family != rebase.FamDebian || g == "www-data" || s.acct.groupNames[g] || s.setsGID(g) { // www-data: see wwwData
		return ""
	}
	deb, inDeb := debianBaseGroups().byName[g]
	alp, inAlp := alpineBaseGroups().byName[g]
	if !inDeb || !inAlp || deb == alp {
		return ""
	}
	return fmt.Sprintf("the user is added to group %s, which is gid %s on Debian and %s on Alpine: what the host grants gid %s (devices passed with --device, --group-add %s, files a Debian container wrote) is not the group's on Alpine; set the gid in the Dockerfile (groupmod -g %s %s, with shadow) or keep this stage on Debian", g, deb, alp, deb, deb, deb, g)
}

// setsGID reports whether the Dockerfile gives the group an explicit gid
// (groupmod -g N GROUP, groupmod --gid N GROUP).
func (s *alpineStage) setsGID(g string) bool {
	re := regexp.MustCompile(`groupmod[^;&|\n]*\s(?:-g\s*|--gid[=\s]\s*)['"]?\d+['"]?[^;&|\n]*\s['"]?` + regexp.QuoteMeta(g) + `(?:['"\s;&|]|$)`)
	return re.Match(s.doc.Src)
}

// ownership checks the user and group of chown/chgrp in a RUN.
func (r *runConv) ownership(c *syntax.CallExpr, prog string) {
	for _, w := range c.Args[1:] {
		v, ok := shellx.WordLit(w)
		if !ok {
			continue
		}
		if strings.HasPrefix(v, "-") {
			continue
		}
		r.s.owner(v, prog == "chgrp", r.line(c))
		return // the first operand is the owner
	}
}

// owner checks USER:GROUP (or GROUP alone when groupOnly), from chown,
// chgrp, --chown or USER.
func (s *alpineStage) owner(v string, groupOnly bool, line int) {
	user, group, hasGroup := strings.Cut(v, ":")
	if !hasGroup {
		user, group, hasGroup = strings.Cut(v, ".")
		if hasGroup && strings.ContainsAny(group, "/") {
			user, group, hasGroup = v, "", false
		}
	}
	if groupOnly {
		user, group, hasGroup = "", v, true
	}
	if user == "www-data" {
		s.useWWW(line)
	}
	if !groupOnly {
		s.acct.usedUsers = append(s.acct.usedUsers, userRef{strings.Trim(user, `"'`), line, transform.Msg{}})
	}
	if hasGroup {
		if why := s.groupRef(group, line); why != "" {
			s.refuse(line, codeID, "%s", why)
		}
	}
}

// useWWW records that the stage relies on Debian's www-data user.
func (s *alpineStage) useWWW(line int) {
	if s.acct.wwwLine == 0 {
		s.acct.wwwLine = line
	}
}

// wwwWord finds the user www-data in a RUN, for scripts and configs that
// name it (su www-data, php-fpm's user = www-data, sed edits).
var wwwWord = regexp.MustCompile(`(^|[^A-Za-z0-9_.-])www-data([^A-Za-z0-9_-]|$)`)

// accountsOf checks the instructions other than RUN (USER, COPY --chown)
// and the RUNs' text for www-data.
func (s *alpineStage) accountsOf(in *parser.Instruction) {
	switch in.Keyword {
	case "user":
		if len(in.Args) > 0 {
			s.owner(in.Args[0], false, in.StartLine)
		}
	case "copy", "add":
		for _, f := range in.Flags {
			if v, ok := strings.CutPrefix(f, "--chown="); ok {
				s.owner(v, false, in.StartLine)
			}
		}
	case "run":
		if wwwWord.MatchString(s.doc.Text(in)) {
			s.useWWW(in.StartLine)
		}
	}
}

// wwwImages are images whose Alpine variants create the user www-data
// themselves (uid 82).
var wwwImages = map[string]bool{"php": true, "httpd": true}

// wwwVolumeImages are official images whose data lives in a VOLUME owned
// by www-data, and the volume: nextcloud's Debian Dockerfiles (nextcloud/docker
// 32/fpm/Dockerfile) run chown -R www-data:root /var/www before VOLUME
// /var/www/html, on php's Debian image (www-data uid 33), and its -alpine
// ones on php's Alpine image (www-data uid 82).
var wwwVolumeImages = map[string]string{"nextcloud": "/var/www/html"}

// wwwVolume refuses moving a stage on such an image to its Alpine variant:
// every existing deployment's volume belongs to uid 33, which the Alpine
// variant's www-data (82) cannot write, so the application fails at run
// time (Nextcloud: "Cannot write into config directory") until someone
// chowns the volume outside the Dockerfile. A note would be missed in a
// pull request that otherwise builds and starts on an empty volume.
func (s *alpineStage) wwwVolume() {
	vol, ok := wwwVolumeImages[s.image]
	if !ok || s.refused() {
		return
	}
	s.refuse(s.st.From.StartLine, codeID, "%s's data lives in VOLUME %s, owned by www-data, which is uid 33 in its Debian images and 82 in its Alpine ones: the volumes of existing containers would belong to another user and the application could not write them; keep the Debian image, or convert by hand and chown the volumes (chown -R 82:82) when you switch", s.image, vol)
}

// wwwData creates Debian's www-data user when the stage relies on it and
// Alpine's image lacks it, or refuses when the stage uses its ids by
// number.
func (s *alpineStage) wwwData() {
	s.wwwVolume()
	a := s.acct
	if a.wwwLine == 0 || a.wwwDone || a.userNames["www-data"] || s.family != rebase.FamDebian || s.refused() {
		return
	}
	if s.idUsed("33") {
		s.refuse(a.wwwLine, codeID, "the stage uses the user www-data and the number 33 (Debian's www-data uid and gid) or a VOLUME: on Alpine the group www-data is gid 82, so files and processes would not match; keep this stage on Debian or use names only")
		return
	}
	if wwwImages[s.image] {
		s.note(a.wwwLine, codeID, "www-data is uid/gid 82 in %s's Alpine images and 33 in its Debian ones: files that containers of the Debian image wrote to volumes belong to another id", s.image)
		return
	}
	from := s.st.From
	at := s.doc.LineEnd(from.EndLine)
	cmd := "adduser -S -D -H -u 33 -h /var/www -s /sbin/nologin -g www-data -G www-data www-data"
	text := s.doc.Indent(from.StartLine) + "RUN " + cmd + s.doc.EOL
	if at == len(s.doc.Src) && (at == 0 || s.doc.Src[at-1] != '\n') {
		text = s.doc.EOL + text
	}
	s.inserts = append(s.inserts, transform.Edit{Start: at, End: at, Text: text})
	s.changed(from.StartLine, codeID, "RUN %s inserted after FROM: the stage uses the user www-data (%v), which Debian's base image has (uid 33, gid 33) and Alpine's does not (only the group www-data, gid 82); the user keeps Debian's uid 33, its group is Alpine's www-data (gid 82)", cmd, transform.Line(a.wwwLine))
}
