package transform

import (
	"regexp"
	"strconv"
	"strings"
)

// userRef is a user name the stage runs as or gives files to.
type userRef struct {
	name string
	line int
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
		s.refuse(u.line, "line %d uses the user %s, which neither the Dockerfile nor Alpine's base image creates, and no Alpine package docklean knows does (a Debian package may create it under a name Alpine's package does not use, as debian-tor and Alpine's tor); create it in the Dockerfile or convert by hand", u.line, n)
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
	re := regexp.MustCompile(`(?:useradd|adduser)[^\n;&|]*[\s'"]` + regexp.QuoteMeta(name) + `(?:[\s'";&|]|$)`)
	for _, in := range s.doc.Instructions {
		if in.Keyword == "run" && re.MatchString(s.doc.Text(in)) {
			return true
		}
	}
	return false
}
