package alpine

import (
	"bytes"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// userRef is a user name the stage runs as or gives files to; where names
// the script from the context that uses it (the zero Msg for the
// Dockerfile).
type userRef struct {
	name  string
	line  int
	where transform.Msg
}

// packageUsers are the users that Alpine packages create when installed
// (their .pre-install scripts in aports: main/nginx, main/redis,
// main/postgresql*, main/mariadb, community/tor, main/bind's
// bind.pre-install: adduser ... -G named -D named), by package.
var packageUsers = map[string]string{
	"nginx": "nginx", "redis": "redis", "postgresql": "postgres", "mariadb": "mysql", "tor": "tor", "bind": "named",
}

// imageUsers are the users that official images' Alpine variants create
// (docker-library's Dockerfiles: node's addgroup/adduser node, postgres,
// redis, nginx), by image.
var imageUsers = map[string]string{
	"node": "node", "postgres": "postgres", "redis": "redis", "nginx": "nginx",
}

// knownUsers refuses the stage when it uses a user name (USER, --chown,
// chown) that nothing on Alpine creates: not the Dockerfile, not Alpine's
// base image, not a package or image docklean knows. On Debian such a
// user usually comes from a package that names it otherwise on Alpine
// (debian-tor, Alpine's tor; distccd, Alpine's distcc).
func (s *alpineStage) knownUsers() {
	for _, u := range s.acct.usedUsers {
		n := u.name
		if n == "" || n == "root" || n == "www-data" || strings.ContainsAny(n, "$") || s.acct.userNames[n] || alpineBaseUsers().byName[n] != "" {
			continue
		}
		if _, err := strconv.Atoi(n); err == nil {
			continue
		}
		if imageUsers[s.image] == n {
			continue
		}
		known := false
		for pkg, user := range packageUsers {
			known = known || user == n && installed(s.has, pkg)
		}
		if known || s.createsUser(n) {
			continue
		}
		at := transform.Msgf("%v", transform.Line(u.line))
		if !u.where.IsZero() {
			at = u.where
		}
		s.refuse(u.line, codeUser, "%v uses the user %s, which neither the Dockerfile nor Alpine's base image creates, and no Alpine package docklean knows does (a Debian package may create it under a name Alpine's package does not use, as debian-tor and Alpine's tor); create it in the Dockerfile or convert by hand", at, n)
		return
	}
}

// installed reports whether pkg, or a versioned package of it (Alpine's
// postgresql16 for postgresql), is among the packages has.
func installed(has map[string]bool, pkg string) bool {
	for k := range has {
		if v, ok := strings.CutPrefix(k, pkg); ok && strings.Trim(v, "0123456789") == "" {
			return true
		}
	}
	return false
}

// createsUser reports whether a RUN of the file runs useradd or adduser with
// the name as a word (a form the BusyBox translation kept, with shadow).
func (s *alpineStage) createsUser(name string) bool {
	if s.file.users == nil {
		s.file.users = newUserCmdRuns(s.doc)
	}
	runs := s.file.users
	if found, ok := runs.creates[name]; ok {
		return found
	}
	re := regexp.MustCompile(`(?:useradd|adduser)[^\n;&|]*[\s'"]` + regexp.QuoteMeta(name) + `(?:[\s'";&|]|$)`)
	found := false
	for _, text := range runs.texts {
		if found = re.MatchString(text); found {
			break
		}
	}
	runs.creates[name] = found
	return found
}

// userOperand is where a command names a user: the option before it
// ("-u" for sudo -u USER), or "" for the first operand (chown USER[:GROUP]
// FILE, su USER, gosu USER CMD).
var userOperand = map[string]string{
	"chown": "", "su": "", "gosu": "", "su-exec": "", "runuser": "-u", "sudo": "-u",
}

// scriptUsers records the users a shell script from the build context
// runs as or gives files to (chown, su, runuser -u, sudo -u, gosu,
// su-exec), in functions and subshells too, for knownUsers; the users the
// script creates itself (useradd, adduser) count as created.
func (s *alpineStage) scriptUsers(text, file string, line int) {
	f, err := syntax.NewParser().Parse(strings.NewReader(text), "")
	if err != nil {
		return
	}
	where := transform.Msgf("%s, copied on %v,", file, transform.Line(line))
	parser.Walk(f, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if !ok || len(c.Args) < 2 {
			return true
		}
		prog, _ := shellx.WordLit(c.Args[0])
		prog = path.Base(prog)
		if prog == "useradd" || prog == "adduser" {
			if v, ok := shellx.WordLit(c.Args[len(c.Args)-1]); ok && !strings.HasPrefix(v, "-") {
				s.acct.userNames[v] = true
			}
			return true
		}
		opt, ok := userOperand[prog]
		if !ok {
			return true
		}
		if name := scriptUser(c.Args[1:], opt, prog == "su"); name != "" && !strings.Contains(name, "/") {
			name, _, _ = strings.Cut(name, ":")
			name, _, _ = strings.Cut(name, ".")
			s.acct.usedUsers = append(s.acct.usedUsers, userRef{name, line, where})
			if name == "www-data" {
				s.useWWW(line) // Alpine has no such user: wwwData creates it
			}
		}
		return true
	})
}

// scriptUser returns the user of a command's arguments: the word after
// the option opt, or with opt "" the first word that is not an option
// (su's "-" and "-c CMD" skipped). A word that is not literal gives "".
func scriptUser(args []*syntax.Word, opt string, su bool) string {
	for i := 0; i < len(args); i++ {
		v, ok := shellx.WordLit(args[i])
		if !ok {
			return ""
		}
		switch {
		case strings.HasPrefix(v, "--reference"):
			return "" // chown --reference=FILE: no user named
		case opt != "" && v == opt && i+1 < len(args):
			u, _ := shellx.WordLit(args[i+1])
			return u
		case opt != "" && strings.HasPrefix(v, opt) && len(v) > len(opt):
			return strings.TrimPrefix(v, opt)
		case opt != "":
		case su && (v == "-c" || v == "-s" || v == "--command" || v == "--shell"):
			i++
		case strings.HasPrefix(v, "-"):
		default:
			return v
		}
	}
	return ""
}

// userCmdRuns holds, for createsUser, the texts of the RUNs of a document
// that hold "useradd" or "adduser" (no other RUN can match its pattern) and
// its answers by name: a scan of every RUN of the file for each user each
// stage uses was quadratic in the size of a many-stage file.
type userCmdRuns struct {
	texts   []string
	creates map[string]bool
}

func newUserCmdRuns(doc *parser.Document) *userCmdRuns {
	c := &userCmdRuns{creates: map[string]bool{}}
	for _, in := range doc.Instructions {
		if in.Keyword != "run" {
			continue
		}
		if t := doc.Src[in.Start:in.End]; bytes.Contains(t, []byte("useradd")) || bytes.Contains(t, []byte("adduser")) {
			c.texts = append(c.texts, string(t))
		}
	}
	return c
}
