package alpine

import (
	"path"
	"strings"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// alpineBin is where an Alpine package installs a program that Dockerfiles
// run by absolute path: from is the Alpine name of the package that brings
// the program on Debian or Fedora, pkg the Alpine package that has it, at
// path.
type alpineBin struct{ from, pkg, path string }

// alpineBins are the programs whose Alpine path docklean has checked, each
// in its package's APKBUILD (alpinelinux/aports). A CMD or ENTRYPOINT that
// runs one by another path gets the Alpine path.
var alpineBins = map[string]alpineBin{
	// community/tini: install tini "$pkgdir"/sbin/tini (Debian: /usr/bin/tini)
	"tini": {"tini", "tini", "/sbin/tini"},
	// the tini-static subpackage; Debian's tini has /usr/bin/tini-static
	"tini-static":   {"tini", "tini-static", "/sbin/tini-static"},
	"dumb-init":     {"dumb-init", "dumb-init", "/usr/bin/dumb-init"},       // install … "$pkgdir"/usr/bin/dumb-init
	"gosu":          {"gosu", "gosu", "/usr/bin/gosu"},                      // install -Dm755 gosu -t "$pkgdir"/usr/bin/
	"supervisord":   {"supervisor", "supervisor", "/usr/bin/supervisord"},   // setup.py install --prefix=/usr
	"supervisorctl": {"supervisor", "supervisor", "/usr/bin/supervisorctl"}, // same
	"nginx":         {"nginx", "nginx", "/usr/sbin/nginx"},                  // ./configure --sbin-path=/usr/sbin/nginx
	"sshd":          {"openssh-server", "openssh-server", "/usr/sbin/sshd"}, // ./configure --prefix=/usr: sbindir /usr/sbin
	"bash":          {"bash", "bash", "/bin/bash"},                          // configure --bindir=/bin
	"python3":       {"python3", "python3", "/usr/bin/python3"},             // configure --prefix=/usr
	// zabbix/zabbix-docker Dockerfiles/snmptraps/alpine/Dockerfile: apk add
	// net-snmp, CMD ["/usr/sbin/snmptrapd", ...]
	"snmptrapd": {"net-snmp", "net-snmp", "/usr/sbin/snmptrapd"},
}

// binPaths checks the programs a SHELL, CMD or ENTRYPOINT runs by absolute path
// against where the stage's Alpine packages install them: a path it has
// checked is rewritten to Alpine's (/usr/bin/tini → /sbin/tini); a program
// of an installed package whose Alpine path it has not checked refuses the
// stage, since the container would not start if the path were wrong.
func (s *alpineStage) binPaths(in *parser.Instruction) {
	kw := upper(in.Keyword)
	for _, arg := range in.Args {
		for _, w := range strings.Fields(arg) {
			w = strings.Trim(w, `"'`)
			dir, prog := path.Split(w)
			if !commands.BinDirs[dir] {
				continue
			}
			b, known := alpineBins[prog]
			switch {
			case known && s.has[b.from] && !s.has[b.pkg]:
				s.refuse(in.StartLine, codeProgPath, "%s runs %s, which Alpine's %s does not have: it is %s in package %s; add %s to an apk add and call it there", kw, w, b.from, b.path, b.pkg, b.pkg)
				return
			case known && s.has[b.from] && w != b.path:
				if !s.rewritePath(in, w, b.path) {
					s.refuse(in.StartLine, codeProgPath, "%s runs %s, which Alpine's %s installs as %s, and docklean could not rewrite the path exactly; change it by hand", kw, w, b.pkg, b.path)
					return
				}
				s.changed(in.StartLine, codeProgPath, "%s: %s → %s, where Alpine's %s installs it", kw, w, b.path, b.pkg)
			case !known && (s.has[prog] || s.debs[prog]):
				s.refuse(in.StartLine, codeProgPath, "%s runs %s by its path, and docklean cannot check that Alpine's package installs %s there; call it by name (PATH finds it) or convert by hand", kw, w, prog)
				return
			}
		}
	}
}

// rewritePath replaces every occurrence of the word old in in's text by
// new; it reports false when old also occurs inside another word.
func (s *alpineStage) rewritePath(in *parser.Instruction, old, new string) bool {
	text := s.doc.Text(in)
	var edits []transform.Edit
	for i := 0; ; {
		j := strings.Index(text[i:], old)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(old)
		if start == 0 || !strings.ContainsRune("\"' \t[", rune(text[start-1])) || end < len(text) && !strings.ContainsRune("\"' \t]\r\n", rune(text[end])) {
			return false
		}
		edits = append(edits, transform.Edit{Start: in.Start + start, End: in.Start + end, Text: new})
		i = end
	}
	s.edits = append(s.edits, edits...)
	return len(edits) > 0
}
