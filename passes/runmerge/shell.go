package runmerge

import (
	"path"
	"strings"

	"github.com/docklean/docklean/parser"
	"mvdan.cc/sh/v3/syntax"
)

// shellPaths are the programs a RUN runs its text with: /bin/sh for the
// shell form (docker's default SHELL), and what it may be replaced by.
var shellPaths = map[string]bool{"/bin/sh": true, "/usr/bin/sh": true, "/bin/dash": true, "/usr/bin/dash": true, "/bin/bash": false}

// startupFiles are the files (and folders of files) a shell reads when it
// starts: a login shell (SHELL ["/bin/bash", "-l", "-c"]) reads the
// profiles, an interactive one the rc files, bash -c the file $BASH_ENV
// names (often one of these). A RUN that writes one changes how the
// shells of later RUNs start, which it cannot do for commands merged
// behind it in the same shell.
var startupFiles = []string{
	"/etc/profile", "/etc/profile.d/", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment",
	"/root/.bashrc", "/root/.profile", "/root/.bash_profile", "/root/.bash_login",
	"~/.bashrc", "~/.profile", "~/.bash_profile", "~/.bash_login",
	"$HOME/.bashrc", "$HOME/.profile", "$HOME/.bash_profile", "${HOME}/.bashrc", "${HOME}/.profile", "${HOME}/.bash_profile",
}

// shellChange says how the commands of f change the shell later RUNs run
// under, or the files it reads at start, or "" if they do not:
//
//	ln -sf /bin/bash /bin/sh, cp/mv/install/rm of /bin/sh
//	dpkg-divert ... /bin/sh, update-alternatives ... sh
//	dpkg-reconfigure dash (debconf's "dash/sh" question)
//	echo ... >> /etc/profile, ~/.bashrc, /etc/profile.d/x.sh, ...
//	conda init, mamba init (they edit ~/.bashrc)
//
// A RUN merged after such a RUN would run in the shell that was already
// running, not the one the change set up (run-merge refuses to merge it).
func shellChange(f *syntax.File) string {
	why := ""
	parser.Walk(f, func(n syntax.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.Redirect:
			switch n.Op {
			case syntax.RdrOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll, syntax.ClbOut, syntax.RdrInOut:
				if w := pathWord(n.Word); w != "" && (isShellPath(w) || isStartupFile(w)) {
					why = "it writes " + w
				}
			}
		case *syntax.CallExpr:
			args := make([]string, len(n.Args))
			for i, a := range n.Args {
				args[i] = pathWord(a)
			}
			for len(args) > 0 && (args[0] == "sudo" || args[0] == "env" || args[0] == "command") {
				args = args[1:]
			}
			if len(args) == 0 {
				return true
			}
			name := path.Base(args[0])
			switch {
			case name == "dpkg-reconfigure" && hasWord(args[1:], "dash"):
				why = "it runs dpkg-reconfigure dash, which chooses what /bin/sh is"
				return false
			case (name == "update-alternatives" || name == "alternatives") && (hasWord(args[1:], "sh") || anyShellPath(args[1:])):
				why = "it runs " + name + " for sh, which chooses what /bin/sh is"
				return false
			case (name == "conda" || name == "mamba" || name == "micromamba") && hasWord(args[1:], "init") || name == "chsh":
				why = "it runs " + strings.Join(args[:2], " ") + ", which edits the files the shell reads at start"
				return false
			}
			for _, a := range args[1:] {
				if isShellPath(a) && name != "sh" && name != "bash" && name != "dash" {
					why = "it runs " + name + " on " + a
					return false
				}
				if isStartupFile(a) && writesArgs[name] {
					why = "it runs " + name + " on " + a + ", a file the shell reads at start"
					return false
				}
			}
		}
		return true
	})
	return why
}

// writesArgs are commands that write the files they are given.
var writesArgs = map[string]bool{"tee": true, "cp": true, "mv": true, "ln": true, "install": true, "sed": true, "rm": true, "touch": true, "truncate": true, "chmod": true, "dd": true, "perl": true}

func isShellPath(w string) bool {
	_, ok := shellPaths[strings.TrimRight(w, "/")]
	return ok && w != "/bin/bash"
}

func anyShellPath(ws []string) bool {
	for _, w := range ws {
		if isShellPath(w) {
			return true
		}
	}
	return false
}

func isStartupFile(w string) bool {
	for _, f := range startupFiles {
		if w == f || strings.HasSuffix(f, "/") && strings.HasPrefix(w, f) || strings.HasPrefix(w, "/home/") && strings.HasSuffix(w, path.Base(f)) && strings.HasPrefix(path.Base(f), ".") {
			return true
		}
	}
	return false
}

func hasWord(ws []string, s string) bool {
	for _, w := range ws {
		if w == s {
			return true
		}
	}
	return false
}

// pathWord is a word's text with quotes removed and expansions kept as
// written ($HOME stays "$HOME"), for matching against paths.
func pathWord(w *syntax.Word) string {
	if w == nil {
		return ""
	}
	var b strings.Builder
	var walk func(parts []syntax.WordPart)
	walk = func(parts []syntax.WordPart) {
		for _, p := range parts {
			switch p := p.(type) {
			case *syntax.Lit:
				b.WriteString(p.Value)
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				walk(p.Parts)
			case *syntax.ParamExp:
				if p.Short {
					b.WriteString("$" + p.Param.Value)
				} else {
					b.WriteString("${" + p.Param.Value + "}")
				}
			default:
				b.WriteString("\x00")
			}
		}
	}
	walk(w.Parts)
	return b.String()
}
