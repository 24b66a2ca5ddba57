package alpine

import (
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/docklean/docklean/internal/alpinepkg"
	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// gnuPackages maps a BusyBox applet to the Alpine package that provides the
// program Debian has under that name (GNU's, or util-linux's, procps'...).
// A converted stage that runs the applet with an option BusyBox's --help
// does not list gets the package; an applet with no entry makes the stage
// refuse instead. Every name is checked against Alpine's package list by
// TestGNUPackagesExist.
var gnuPackages = map[string]string{
	// coreutils
	"arch": "coreutils", "base64": "coreutils", "basename": "coreutils", "cat": "coreutils",
	"chgrp": "coreutils", "chmod": "coreutils", "chown": "coreutils", "chroot": "coreutils",
	"cksum": "coreutils", "comm": "coreutils", "cp": "coreutils", "cut": "coreutils",
	"date": "coreutils", "dd": "coreutils", "df": "coreutils", "dirname": "coreutils",
	"du": "coreutils", "env": "coreutils", "expand": "coreutils", "expr": "coreutils",
	"factor": "coreutils", "fold": "coreutils", "head": "coreutils", "hostid": "coreutils",
	"id": "coreutils", "install": "coreutils", "link": "coreutils", "ln": "coreutils",
	"ls": "coreutils", "md5sum": "coreutils", "mkdir": "coreutils", "mkfifo": "coreutils",
	"mknod": "coreutils", "mktemp": "coreutils", "mv": "coreutils", "nice": "coreutils",
	"nl": "coreutils", "nohup": "coreutils", "nproc": "coreutils", "od": "coreutils",
	"paste": "coreutils", "printenv": "coreutils", "readlink": "coreutils", "realpath": "coreutils",
	"rm": "coreutils", "rmdir": "coreutils", "seq": "coreutils", "sha1sum": "coreutils",
	"sha256sum": "coreutils", "sha512sum": "coreutils", "shred": "coreutils", "shuf": "coreutils",
	"sleep": "coreutils", "sort": "coreutils", "split": "coreutils", "stat": "coreutils",
	"stty": "coreutils", "sum": "coreutils", "sync": "coreutils", "tac": "coreutils",
	"tail": "coreutils", "tee": "coreutils", "timeout": "coreutils", "touch": "coreutils",
	"tr": "coreutils", "truncate": "coreutils", "tty": "coreutils", "uname": "coreutils",
	"unexpand": "coreutils", "uniq": "coreutils", "unlink": "coreutils", "wc": "coreutils",
	"who": "coreutils", "whoami": "coreutils", "yes": "coreutils", "groups": "coreutils",
	// the rest of Debian's essential and common tools
	"grep": "grep", "egrep": "grep", "fgrep": "grep",
	"find": "findutils", "xargs": "findutils",
	"sed":  "sed",
	"tar":  "tar",
	"awk":  "gawk",
	"diff": "diffutils", "cmp": "diffutils",
	"ps": "procps-ng", "free": "procps-ng", "top": "procps-ng", "pgrep": "procps-ng",
	"pkill": "procps-ng", "pmap": "procps-ng", "uptime": "procps-ng", "watch": "procps-ng",
	"sysctl": "procps-ng",
	"flock":  "util-linux", "getopt": "util-linux", "setsid": "util-linux", "logger": "util-linux",
	"rev": "util-linux", "hexdump": "util-linux", "more": "util-linux", "setpriv": "setpriv",
	"nsenter": "util-linux", "unshare": "util-linux", "blkid": "util-linux", "fallocate": "util-linux",
	"gzip": "gzip", "gunzip": "gzip", "zcat": "gzip",
	"bzip2": "bzip2", "bunzip2": "bzip2", "bzcat": "bzip2",
	"unxz": "xz", "xzcat": "xz",
	"wget": "wget", "less": "less", "unzip": "unzip",
	"bc": "bc", "dos2unix": "dos2unix", "unix2dos": "dos2unix", "xxd": "xxd",
	"ifconfig": "net-tools", "netstat": "net-tools", "route": "net-tools", "arp": "net-tools",
	"ip": "iproute2", "ping": "iputils-ping", "nc": "netcat-openbsd", "which": "which",
	"mount": "mount", "umount": "umount", "nslookup": "bind-tools", "run-parts": "run-parts",
	"ionice": "util-linux", "strings": "binutils", "cpio": "cpio", "tree": "tree", "lsof": "lsof",
	"passwd": "shadow",
}

// noAlpineOption are options that no Alpine provider of the program has,
// with why: the program's Alpine packages were read for them.
var noAlpineOption = map[string]map[string]string{
	// RHEL's passwd (its own passwd package) reads the new password from
	// standard input with --stdin; BusyBox's passwd (its --help: -a -d -l
	// -u) and shadow's (passwd --help of shadow 4.x, the same upstream as
	// Alpine's shadow: -a -d -e -h -k -i -l -n -q -r -R -S -u -w -x) have
	// no such option, so the password is never set.
	"passwd": {"--stdin": "RHEL's passwd reads the password from standard input with it; neither BusyBox's passwd nor shadow's has it, so the user gets no password: use chpasswd (echo USER:PASSWORD | chpasswd)"},
}

// notChecked are applets whose options docklean does not check: ash
// builtins (ash runs its own echo, printf, test, kill...), the shells, and
// commands other parts of the pass translate.
var notChecked = map[string]bool{
	"[": true, "[[": true, "echo": true, "printf": true, "test": true, "true": true, "false": true,
	"kill": true, "pwd": true, "sh": true, "ash": true,
	"adduser": true, "addgroup": true, "deluser": true, "delgroup": true, "su": true,
}

// userApplets are the BusyBox user commands whose options the RUN's user
// translation handles (user.go); in a script it does not see (one
// copied from the context, sh -c, a CMD) their options are checked as any
// applet's: Debian's adduser --disabled-password is not BusyBox's.
var userApplets = map[string]bool{"adduser": true, "addgroup": true, "deluser": true, "delgroup": true, "su": true}

// unlistedLong are long options BusyBox's applets take without listing
// them in --help (loginutils/adduser.c's adduser_longopts, addgroup.c's
// addgroup_longopts), each run in the real Alpine 3.20.3: "=" takes a
// value. The fixtures alpine/script-adduser-options and
// script-adduser-options-refused are run there by TestE2EAlpineGroupsPaths.
var unlistedLong = map[string]map[string]string{
	"adduser": {"--home": "=", "--gecos": "=", "--shell": "=", "--ingroup": "=", "--uid": "=",
		"--disabled-password": "", "--empty-password": "", "--system": "", "--no-create-home": ""},
	"addgroup": {"--gid": "=", "--system": ""},
}

// shadowOnly are shadow's user commands, which BusyBox lacks; a script the
// RUN's user translation does not see gets shadow for them.
var shadowOnly = map[string]bool{"useradd": true, "usermod": true, "groupadd": true, "groupmod": true, "userdel": true, "groupdel": true}

// runners are applets that run a command given after their own options;
// the command is checked in turn. skip is the number of operands before it.
var runners = map[string]int{"xargs": 0, "env": 0, "nice": 0, "nohup": 0, "timeout": 1, "chroot": 1, "setsid": 0, "time": 0, "watch": 0, "flock": 1}

// gnu checks one command against BusyBox's options: an option BusyBox's
// applet lacks adds the GNU package that has it (with a finding), or
// refuses the stage when no package is known.
func (r *runConv) gnu(c *syntax.CallExpr) {
	args := make([]gnuArg, len(c.Args))
	for i, w := range c.Args {
		args[i].v, args[i].lit = shellx.WordLit(w)
	}
	r.s.gnuArgs(args, r.line(c), r.startOf(c), transform.Msg{})
	if script := shellC(args); script != "" {
		r.s.gnuScript(script, r.line(c), r.startOf(c), transform.Msgf(" (in %s -c)", args[0].v))
	}
}

// shellC returns the script of "sh -c SCRIPT" (bash, ash too) when it is
// literal text.
func shellC(args []gnuArg) string {
	if len(args) < 3 || !args[0].lit {
		return ""
	}
	switch path.Base(args[0].v) {
	case "sh", "bash", "ash", "dash":
	default:
		return ""
	}
	for i := 1; i+1 < len(args); i++ {
		if !args[i].lit || !strings.HasPrefix(args[i].v, "-") {
			return ""
		}
		if strings.HasSuffix(args[i].v, "c") && args[i+1].lit {
			return args[i+1].v
		}
	}
	return ""
}

// gnuRunTime checks what a CMD or ENTRYPOINT runs: its program and
// options, or the script of sh -c, or a shell-form command line.
func (s *alpineStage) gnuRunTime(in *parser.Instruction) {
	if len(in.Args) == 0 {
		return
	}
	where := transform.Msgf(" (%s)", upper(in.Keyword))
	if !in.JSON {
		s.gnuScript(strings.Join(in.Args, " "), in.StartLine, len(s.doc.Src), where)
		return
	}
	args := make([]gnuArg, len(in.Args))
	for i, a := range in.Args {
		args[i] = gnuArg{a, true}
	}
	if script := shellC(args); script != "" {
		s.gnuScript(script, in.StartLine, len(s.doc.Src), where)
		return
	}
	s.gnuArgs(args, in.StartLine, len(s.doc.Src), where)
}

// gnuArgs checks one command line; where says where it is when it is not
// the RUN's own text (a script the RUN writes).
func (s *alpineStage) gnuArgs(args []gnuArg, line, off int, where transform.Msg) {
	for len(args) > 0 {
		name := path.Base(args[0].v)
		if !args[0].lit {
			return
		}
		if opt, why := lacksEverywhere(name, args[1:]); opt != "" {
			s.refuse(line, codeBusybox, "%s %s%v: %s", name, opt, where, why)
			return
		}
		if s.has[gnuPackages[name]] {
			return
		}
		if !where.IsZero() && s.family == rebase.FamFedora && name == "adduser" {
			// RHEL's shadow-utils installs adduser as a link to useradd
			s.refuse(line, codeUser, "adduser%v: on RHEL adduser is a link to useradd, on Alpine it is BusyBox's adduser, with other options and defaults; call useradd (Alpine's shadow has it) or convert by hand", where)
			return
		}
		if !where.IsZero() && shadowOnly[name] {
			// text the RUN's user translation does not see: a script
			if !s.has["shadow"] {
				s.need("shadow", off, codeBusybox, "%s%v on %v: BusyBox has no %s; shadow has it", name, where, transform.Line(line), name)
			}
			return
		}
		opt, word, rest := busyboxLacks(name, args[1:], !where.IsZero())
		if opt != "" {
			cmd := transform.Msgf("%s %s%v", name, word, where)
			pkg, ok := gnuPackages[name]
			if !ok || !alpinepkg.Exists(pkg, s.release) {
				s.refuse(line, codeBusybox, "%v: BusyBox's %s (Alpine's %s) has no %s, and docklean knows no Alpine package with the full %s; convert by hand", cmd, name, name, opt, name)
				return
			}
			s.need(pkg, off, codeBusybox, "%v on %v: BusyBox's %s has no %s (from busybox %s --help in Alpine's base image); %s brings the full %s", cmd, transform.Line(line), name, opt, name, pkg, name)
			return
		}
		args = rest
	}
}

// lacksEverywhere returns an option of the command that no Alpine
// provider of it has (noAlpineOption), and why.
func lacksEverywhere(name string, args []gnuArg) (string, string) {
	for _, a := range args {
		if a.lit && a.v == "--" {
			break
		}
		long, _, _ := strings.Cut(a.v, "=")
		if why, ok := noAlpineOption[name][long]; ok && a.lit {
			return long, why
		}
	}
	return "", ""
}

type gnuArg struct {
	v   string
	lit bool
}

// busyboxLacks returns the first option of a command that BusyBox's applet
// name does not list, or "" and, for a command runner (xargs, env...), the
// command it runs. Options are read as GNU getopt reads them: combined
// short flags (-oP), values attached or in the next word (-m1, -m 1,
// --opt=v), "--" ending the options; words that are not literal text are
// taken as operands. Commands that are not BusyBox applets, and applets
// whose help docklean has not read, give "".
func busyboxLacks(name string, args []gnuArg, script bool) (opt, word string, rest []gnuArg) {
	if notChecked[name] && !(script && userApplets[name]) {
		return "", "", nil
	}
	a := busyboxTable()[name]
	if a == nil || !a.known {
		return "", "", nil
	}
	switch name {
	case "find":
		opt := findLacks(a, args)
		return opt, opt, nil
	case "date":
		if word := dateLacks(args); word != "" {
			return "-d TIME in that form (it reads only @SECONDS, hh:mm[:ss], YYYY-MM-DD [hh:mm[:ss]], MM.DD-hh:mm and digits)", word, nil
		}
	}
	skip, runner := runners[name]
	for i := 0; i < len(args); i++ {
		w := args[i]
		switch {
		case !w.lit || w.v == "-" || !strings.HasPrefix(w.v, "-") || name == "env" && strings.Contains(w.v, "="):
			if name == "tar" && i == 0 && w.lit && w.v != "" && strings.Trim(w.v, "-") == w.v {
				// old-style tar: "tar xzf FILE"
				opt, used := shortCluster(a, "-"+w.v, "cxt")
				if opt != "" {
					return opt, w.v, nil
				}
				i += used
				continue
			}
			if runner {
				if name == "env" && w.lit && strings.Contains(w.v, "=") {
					continue
				}
				if skip > 0 {
					skip--
					continue
				}
				return "", "", args[i:]
			}
		case w.v == "--":
			if runner {
				return "", "", args[min(i+1, len(args)):]
			}
			return "", "", nil
		case strings.HasPrefix(w.v, "--"):
			long, _, hasVal := strings.Cut(w.v, "=")
			kind, ok := a.long[long]
			if !ok {
				kind, ok = unlistedLong[name][long]
			}
			if !ok {
				return long, w.v, nil
			}
			if kind == "=" && !hasVal {
				i++
			}
		case (name == "head" || name == "tail") && strings.Trim(w.v[1:], "0123456789") == "":
			// head -5: BusyBox takes a count as an option
		default:
			opt, used := shortCluster(a, w.v, map[bool]string{true: "cxt"}[name == "tar"])
			if opt != "" {
				return opt, w.v, nil
			}
			i += used
		}
	}
	return "", "", nil
}

// shortCluster reads one word of short options, "-oP" or "-m1", and
// returns the first letter BusyBox lacks (as "-P") and the number of
// following words it takes as a value (0 or 1). extra are letters the
// applet accepts that its help does not list as options (tar's c, x, t).
func shortCluster(a *bbApplet, w, extra string) (string, int) {
	for k := 1; k < len(w); k++ {
		kind, ok := a.short[w[k]]
		if !ok {
			if strings.IndexByte(extra, w[k]) >= 0 {
				continue
			}
			return "-" + w[k:k+1], 0
		}
		switch kind {
		case ":":
			if k+1 < len(w) {
				return "", 0 // -m1: the rest is the value
			}
			return "", 1
		case "::":
			return "", 0
		}
	}
	return "", 0
}

// findLacks checks find's leading options and its expression.
func findLacks(a *bbApplet, args []gnuArg) string {
	for i := 0; i < len(args); i++ {
		w := args[i]
		if !w.lit || !strings.HasPrefix(w.v, "-") || w.v == "-" {
			continue
		}
		if len(w.v) == 2 {
			if _, ok := a.short[w.v[1]]; ok {
				continue
			}
		}
		kind, ok := a.long[w.v]
		switch {
		case !ok && (w.v == "-a" || w.v == "-o"):
		case !ok:
			return w.v
		case w.v == "-exec":
			for i++; i < len(args) && !(args[i].v == ";" || args[i].v == "+"); i++ {
			}
		case kind == "=":
			i++
		}
	}
	return ""
}

// busyboxDate matches the TIME forms BusyBox's date -d reads (its --help
// lists them): @seconds, hh:mm[:ss], [YYYY.]MM.DD-hh:mm[:ss],
// YYYY-MM-DD[ hh:mm[:ss]], [[[[[YY]YY]MM]DD]hh]mm[.ss].
var busyboxDate = regexp.MustCompile(`^(@-?\d+|\d\d?:\d\d(:\d\d)?|(\d{4}\.)?\d\d\.\d\d-\d\d:\d\d(:\d\d)?|\d{4}-\d\d-\d\d( \d\d?:\d\d(:\d\d)?)?|\d{2,12}(\.\d\d)?)$`)

// dateLacks returns "-d 'TIME'" for date -d TIME with a TIME BusyBox's date cannot read
// ("next monday", "1 day ago", a variable), unless -D gives its format.
func dateLacks(args []gnuArg) string {
	var val *gnuArg
	for i, w := range args {
		if w.lit && strings.HasPrefix(w.v, "-D") {
			return ""
		}
		if w.lit && strings.HasPrefix(w.v, "-d") && !strings.HasPrefix(w.v, "--") {
			if len(w.v) > 2 {
				val = &gnuArg{w.v[2:], true}
			} else if i+1 < len(args) {
				val = &args[i+1]
			}
		}
	}
	if val != nil && !val.lit {
		return "-d $VALUE"
	}
	if val != nil && !busyboxDate.MatchString(val.v) {
		return "-d '" + val.v + "'"
	}
	return ""
}

// writtenScript checks the commands of a script a RUN writes to a file:
// "cat > FILE <<EOF" bodies and the text of "echo/printf ... > FILE". The
// text is parsed as shell where it is literal; what does not parse is not
// checked.
func (r *runConv) writtenScript(st *syntax.Stmt, c *syntax.CallExpr) {
	var file string
	var body strings.Builder
	for _, rd := range st.Redirs {
		switch rd.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.ClbOut:
			file, _ = shellx.WordLit(rd.Word)
		case syntax.Hdoc, syntax.DashHdoc:
			if rd.Hdoc != nil {
				if v, ok := shellx.WordLit(rd.Hdoc); ok {
					body.WriteString(v)
				} else {
					body.WriteString(r.raw(rd.Hdoc))
				}
			}
		}
	}
	if file == "" || len(c.Args) == 0 {
		return
	}
	if name, _ := shellx.WordLit(c.Args[0]); name == "echo" || name == "printf" {
		for _, w := range c.Args[1:] {
			if v, ok := shellx.WordLit(w); ok && !strings.HasPrefix(v, "-") {
				body.WriteString(strings.ReplaceAll(v, `\n`, "\n") + "\n")
			}
		}
	}
	if body.Len() == 0 {
		return
	}
	r.s.gnuScript(body.String(), r.line(c), r.startOf(c), transform.Msgf(" (in %s, which the RUN writes)", file))
}

// gnuScript checks the commands of a shell script: one a RUN writes, or
// one a COPY brings from the build context. A script that does not parse
// is not checked.
func (s *alpineStage) gnuScript(text string, line, off int, where transform.Msg) {
	f, err := syntax.NewParser().Parse(strings.NewReader(text), "")
	if err != nil {
		return
	}
	parser.Walk(f, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && len(call.Args) > 0 {
			args := make([]gnuArg, len(call.Args))
			for i, w := range call.Args {
				args[i].v, args[i].lit = shellx.WordLit(w)
			}
			s.gnuArgs(args, line, off, where)
		}
		return true
	})
}

// shellScript finds the #! line of a POSIX shell or bash script.
var shellScript = regexp.MustCompile(`^#!\s*(/usr)?/bin/(env\s+)?(ba|da|a)?sh\b`)

// copiedScripts checks the shell scripts a COPY or ADD brings from the
// build context (--context), as gnuScript.
func (s *alpineStage) copiedScripts(in *parser.Instruction) {
	ctx := s.u.Opts.Context
	if ctx == nil || len(in.Args) < 2 {
		return
	}
	for _, f := range in.Flags {
		if strings.HasPrefix(f, "--from=") {
			return
		}
	}
	for _, src := range in.Args[:len(in.Args)-1] {
		matches, err := fs.Glob(ctx, path.Clean(strings.TrimPrefix(src, "/")))
		if err != nil {
			continue
		}
		for _, m := range matches {
			b, err := fs.ReadFile(ctx, m)
			if err != nil || !shellScript.Match(firstLine(b)) && !strings.HasSuffix(m, ".sh") {
				continue
			}
			s.gnuScript(string(b), in.StartLine, in.Start, transform.Msgf(" (in %s, copied on %v)", m, transform.Line(in.StartLine)))
			s.scriptUsers(string(b), m, in.StartLine)
		}
	}
}
