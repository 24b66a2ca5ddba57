package alpine

import (
	"fmt"
	"strings"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// userOpt describes one option of shadow's useradd/groupadd/usermod or
// Debian's adduser/addgroup: its canonical name and whether it takes a
// value.
type userOpt struct {
	name string
	arg  bool
}

var shadowOpts = map[string]userOpt{
	"-m": {"create-home", false}, "--create-home": {"create-home", false},
	"-M": {"no-create-home", false}, "--no-create-home": {"no-create-home", false},
	"-r": {"system", false}, "--system": {"system", false},
	"-l": {"no-log-init", false}, "--no-log-init": {"no-log-init", false},
	"-U": {"user-group", false}, "--user-group": {"user-group", false},
	"-a": {"append", false}, "--append": {"append", false},
	"-u": {"uid", true}, "--uid": {"uid", true},
	"-g": {"gid", true}, "--gid": {"gid", true},
	"-G": {"groups", true}, "--groups": {"groups", true},
	"-d": {"home", true}, "--home-dir": {"home", true}, "--home": {"home", true},
	"-s": {"shell", true}, "--shell": {"shell", true},
	"-c": {"comment", true}, "--comment": {"comment", true},
	"-k": {"skel", true}, "--skel": {"skel", true},
	// Debian's adduser and addgroup.
	"--gecos": {"comment", true}, "--ingroup": {"gid", true},
	"--disabled-password": {"disabled-password", false}, "--disabled-login": {"disabled-login", false},
	"--group": {"user-group", false}, "--quiet": {"quiet", false}, "-q": {"quiet", false},
	"--force-badname": {"quiet", false}, "--allow-bad-names": {"quiet", false},
}

// userCmd is a parsed user or group command: its options by canonical
// name (values as written) and its positional words.
type userCmd struct {
	opts  map[string]string
	pos   []string
	other string // the first option docklean does not translate
}

func (r *runConv) parseUser(c *syntax.CallExpr) userCmd {
	u := userCmd{opts: map[string]string{}}
	for i := 1; i < len(c.Args); i++ {
		w, lit := shellx.WordLit(c.Args[i])
		raw := r.raw(c.Args[i])
		if !lit || !strings.HasPrefix(w, "-") || w == "-" {
			u.pos = append(u.pos, raw)
			continue
		}
		flag, val, hasVal := strings.Cut(w, "=")
		var opts []userOpt
		if o, ok := shadowOpts[flag]; ok {
			opts = []userOpt{o}
		} else if !strings.HasPrefix(w, "--") {
			// combined short flags: -rm, -ms /bin/bash
			for k := 1; k < len(w); k++ {
				o, ok := shadowOpts["-"+w[k:k+1]]
				if !ok {
					u.other = w
					return u
				}
				if o.arg && k+1 < len(w) {
					u.opts[o.name] = w[k+1:]
					opts = nil
					break
				}
				opts = append(opts, o)
			}
		} else {
			u.other = w
			return u
		}
		for _, o := range opts {
			switch {
			case !o.arg:
				u.opts[o.name] = ""
			case hasVal:
				u.opts[o.name] = val
			case i+1 < len(c.Args):
				i++
				u.opts[o.name] = r.raw(c.Args[i])
			default:
				u.other = w
				return u
			}
		}
	}
	return u
}

func (r *runConv) raw(w *syntax.Word) string {
	s, e := r.span(w)
	return string(r.s.doc.Src[s:e])
}

// refuseUser refuses the stage for the user command being translated.
func (r *runConv) refuseUser(why string) {
	if r.prog == "adduser" || r.prog == "addgroup" {
		r.s.refuse(r.line0, codeUser, "Debian's %s: %s", r.prog, why)
		return
	}
	r.s.refuse(r.line0, codeUser, "%s: %s", r.prog, why)
}

// groupName checks a group a user is added to: a name Alpine has (or the
// stage creates), or a number an earlier addgroup or both bases give a
// name. It returns why not.
func (r *runConv) groupName(g string, line int) string {
	if why := r.s.groupRef(g, line); why != "" {
		return why
	}
	if why := r.s.memberGID(g); why != "" {
		return why
	}
	if strings.Trim(g, "0123456789") == "" && r.s.groupByID(g) == "" {
		return fmt.Sprintf("group %s is a number that no earlier addgroup names, and BusyBox's addgroup USER GROUP takes a name", g)
	}
	return ""
}

// user translates useradd, groupadd, usermod and Debian's adduser/addgroup to
// BusyBox, or keeps them and installs shadow.
func (r *runConv) user(st *syntax.Stmt, c *syntax.CallExpr, prog string) {
	s := r.s
	for _, w := range c.Args {
		r.done[w] = true
	}
	u := r.parseUser(c)
	line := r.line(c)
	r.line0, r.prog = line, prog
	debianStyle := prog == "adduser" || prog == "addgroup"
	if debianStyle && len(u.opts) == 0 && u.other == "" {
		// BusyBox's adduser USER GROUP / addgroup NAME read the same
		switch {
		case len(u.pos) == 2:
			if why := r.groupName(u.pos[1], line); why != "" {
				s.refuse(line, codeUser, "Debian's %s: %s", prog, why)
			}
		case len(u.pos) == 1 && prog == "addgroup":
			if why := s.nameClash(u.pos[0], false, false); why != "" {
				s.refuse(line, codeUser, "Debian's %s: %s", prog, why)
			}
			s.acct.groupNames[strings.Trim(u.pos[0], `"'`)] = true
		case len(u.pos) == 1:
			if why := s.nameClash(u.pos[0], true, true); why != "" {
				s.refuse(line, codeUser, "Debian's %s: %s", prog, why)
			}
			s.acct.userNames[strings.Trim(u.pos[0], `"'`)] = true
		}
		return
	}
	var text, why string
	if u.other == "" {
		switch prog {
		case "useradd", "adduser":
			text, why = r.adduser(u, prog == "adduser")
		case "groupadd", "addgroup":
			text, why = r.addgroup(u)
		case "usermod":
			text, why = r.usermod(u)
		default:
			why = prog + " has no BusyBox translation in docklean"
		}
	} else {
		why = fmt.Sprintf("option %s has no BusyBox form", u.other)
	}
	if s.refused() {
		return
	}
	if text == "" {
		if debianStyle {
			s.refuse(line, codeUser, "Debian's %s: %s", prog, why)
			return
		}
		if strings.Contains(why, "does not exist on Alpine") {
			s.refuse(line, codeUser, "%s: %s", prog, why)
			return
		}
		s.need("shadow", r.startOf(c), codeUser, "%s on %v keeps its form (%s)", prog, transform.Line(line), why)
		return
	}
	if strings.Contains(text, "&&") && !r.isLeaf(st) {
		text = "{ " + text + "; }"
	}
	start, _ := r.span(c.Args[0])
	_, end := r.span(c.Args[len(c.Args)-1])
	r.edits = append(r.edits, transform.Edit{Start: start, End: end, Text: text})
	s.changed(line, codeUser, "%s → %s (%s)", prog, text, why)
}

func (r *runConv) startOf(n syntax.Node) int {
	s, _ := r.span(n)
	return s
}

func (r *runConv) isLeaf(st *syntax.Stmt) bool {
	for _, l := range shellx.FlattenAnd(r.sh.File) {
		if l == st {
			return true
		}
	}
	return false
}

// adduser builds BusyBox adduser for shadow's useradd (debian false) or
// Debian's adduser.
func (r *runConv) adduser(u userCmd, debian bool) (string, string) {
	if len(u.pos) != 1 {
		return "", "it names more or fewer than one user"
	}
	name := u.pos[0]
	o := u.opts
	var pre, post []string
	args := []string{"adduser", "-D"}
	_, system := o["system"]
	if system {
		args = append(args, "-S")
	}
	_, create := o["create-home"]
	_, noCreate := o["no-create-home"]
	if debian {
		create = !noCreate && !system
	}
	if !create {
		args = append(args, "-H")
	}
	if h, ok := o["home"]; ok {
		args = append(args, "-h", h)
	}
	shell, hasShell := o["shell"]
	if _, ok := o["disabled-login"]; ok && !hasShell {
		shell, hasShell = "/sbin/nologin", true
	}
	if !hasShell && system && !debian {
		shell, hasShell = "/bin/sh", true // useradd's default; BusyBox gives system users /bin/false
	}
	if hasShell {
		args = append(args, "-s", shell)
		if commands.IsBash(strings.Trim(shell, `"'`)) {
			r.s.need("bash", len(r.s.doc.Src), codeShell, "%s", "a user's login shell is bash")
		}
	}
	g, hasG := o["gid"]
	_, ug := o["user-group"]
	ownGroup := !hasG && system && (!debian || ug) // addgroup -S NAME first
	implicitGroup := !hasG && !system              // BusyBox's adduser makes the group NAME
	if why := r.s.nameClash(name, true, implicitGroup || ownGroup); why != "" {
		r.refuseUser(why)
		return "", ""
	}
	r.s.acct.userNames[strings.Trim(name, `"'`)] = true
	if implicitGroup || ownGroup {
		r.s.acct.groupNames[strings.Trim(name, `"'`)] = true
	}
	if _, ok := o["uid"]; !ok && system {
		distro := "Debian"
		if r.s.family == rebase.FamFedora {
			distro = "RHEL/Fedora"
		}
		r.s.note(r.line0, codeID, "system user %s: %s picks its uid (and its own group's gid) from 999 down, BusyBox's adduser -S from 100 up; give it a uid (1000 and up are free on Alpine) if files outside the image need a fixed id", strings.Trim(name, `"'`), distro)
	}
	if _, ok := o["shell"]; debian && !system && !ok {
		r.s.note(r.line0, codeUser, "Debian's adduser gives %s the login shell /bin/bash, and Debian 12's adds it to the group users; BusyBox's adduser gives /bin/sh and no extra group (this matters for logins and for files shared through the group users)", strings.Trim(name, `"'`))
	}
	if id, ok := o["uid"]; ok {
		msg, drop := r.s.idClash("adduser", id, false, implicitGroup)
		switch {
		case msg == "":
			args = append(args, "-u", id)
		case drop:
			r.s.changed(r.line0, codeUser, "%s", msg)
		default:
			r.refuseUser(msg)
			return "", ""
		}
	}
	if hasG {
		if strings.Trim(g, "0123456789") == "" {
			gname := r.s.groupByID(g)
			if gname == "" {
				return "", fmt.Sprintf("group %s is a number that no earlier addgroup names", g)
			}
			g = gname
		}
		args = append(args, "-G", g)
	} else if ownGroup {
		// useradd -r and adduser --system --group make a group named after the user
		pre = append(pre, "addgroup -S "+name)
		args = append(args, "-G", name)
	}
	if c, ok := o["comment"]; ok {
		args = append(args, "-g", c)
	}
	if k, ok := o["skel"]; ok {
		args = append(args, "-k", k)
	}
	if gs, ok := o["groups"]; ok {
		for _, grp := range strings.Split(gs, ",") {
			if why := r.groupName(grp, r.line0); why != "" {
				r.refuseUser(why)
				return "", ""
			}
			if n := r.s.groupByID(grp); n != "" {
				grp = n
			}
			post = append(post, "addgroup "+name+" "+grp)
		}
	}
	args = append(args, name)
	cmds := append(append(pre, strings.Join(args, " ")), post...)
	why := "BusyBox adduser: -D no password"
	if !create {
		why += ", -H no home directory as with useradd"
		if debian {
			why = "BusyBox adduser with the same options"
		}
	}
	if system {
		why += ", -S system user"
	}
	if len(post) > 0 {
		why += ", supplementary groups via addgroup USER GROUP"
	}
	return strings.Join(cmds, " && "), why
}

// addgroup builds BusyBox addgroup for groupadd or Debian's addgroup.
func (r *runConv) addgroup(u userCmd) (string, string) {
	if len(u.pos) != 1 {
		return "", "it names more or fewer than one group"
	}
	for k := range u.opts {
		if k != "system" && k != "gid" && k != "quiet" {
			return "", "option --" + k + " has no BusyBox form"
		}
	}
	args := []string{"addgroup"}
	if _, ok := u.opts["system"]; ok {
		args = append(args, "-S")
	}
	if why := r.s.nameClash(u.pos[0], false, false); why != "" {
		r.refuseUser(why)
		return "", ""
	}
	r.s.acct.groupNames[strings.Trim(u.pos[0], `"'`)] = true
	if g, ok := u.opts["gid"]; ok {
		r.s.groups[g] = u.pos[0]
		msg, drop := r.s.idClash("addgroup", g, true, false)
		switch {
		case msg == "":
			args = append(args, "-g", g)
		case drop:
			r.s.changed(r.line0, codeUser, "%s", msg)
		default:
			r.refuseUser(msg)
			return "", ""
		}
	}
	args = append(args, u.pos[0])
	return strings.Join(args, " "), "BusyBox addgroup"
}

// usermod translates "usermod -aG GROUPS USER", the one form BusyBox has.
func (r *runConv) usermod(u userCmd) (string, string) {
	_, appendG := u.opts["append"]
	gs, hasG := u.opts["groups"]
	if len(u.opts) != 2 || !appendG || !hasG || len(u.pos) != 1 {
		return "", "only usermod -aG has a BusyBox form"
	}
	var cmds []string
	for _, g := range strings.Split(gs, ",") {
		if why := r.groupName(g, r.line0); why != "" {
			r.refuseUser(why)
			return "", ""
		}
		if n := r.s.groupByID(g); n != "" {
			g = n
		}
		cmds = append(cmds, "addgroup "+u.pos[0]+" "+g)
	}
	return strings.Join(cmds, " && "), "BusyBox adds a user to a group with addgroup USER GROUP"
}

// groupByID returns the group an earlier addgroup in this stage (or a
// stage it builds on) created with gid, or a group both distributions
// have, or "".
func (s *alpineStage) groupByID(gid string) string {
	if g, ok := s.groups[gid]; ok {
		return g
	}
	return sharedGroup(gid)
}
