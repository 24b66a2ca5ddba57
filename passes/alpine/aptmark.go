package alpine

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// The official images' build-dependency pattern: remember the packages
// installed by hand, install the build dependencies, build, mark every
// package automatic again, keep the packages that own the libraries the
// build linked against, and purge the rest:
//
//	savedAptMark="$(apt-mark showmanual)"; apt-get update; apt-get install -y gcc libpng-dev; <build>;
//	apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark;
//	find /usr/local -type f -executable -exec ldd '{}' ';' | awk … | xargs -r dpkg-query --search | cut -d: -f1 | sort -u | xargs -r apt-mark manual;
//	apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false
//
// Alpine's form: the install becomes a virtual package; the scan keeps
// the same ldd over the same files (musl's ldd prints the same
// "NAME => PATH" lines), drops the libraries it finds under /usr/local as
// the Debian awk does (built there, or bundled beside a pip wheel's own
// libraries), and names each other as apk's so:NAME, which a second virtual
// package keeps (resolved from the installed packages: --no-network); apk
// del removes the build dependencies. docker-library's Alpine variants run
// scanelf over /usr/local instead, which also lists what no package
// provides (python's _tkinter without tk, a wheel's bundled libraries)
// and fails the RUN:
//
//	apk add --no-cache --virtual .build-deps gcc libpng-dev; <build>;
//	apk add --no-network --virtual .run-deps $(find /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { if (index($3, "/usr/local/") == 1) next; print "so:" $1 }' | sort -u);
//	apk del --no-network .build-deps
//
// Both keep what the stage had before and what the built files link
// against, and remove the rest of what the install brought. The pattern
// converts only whole, at the top level of one RUN, with exactly one
// install between the showmanual and the purge; any other apt-mark is
// refused as before (debianOnly).

// aptMarkPlan is the pattern found in one RUN.
type aptMarkPlan struct {
	from, to int                   // file offsets of the showmanual's end and the purge: the install lies between
	line     int                   // the showmanual's line
	saved    *syntax.Stmt          // VAR="$(apt-mark showmanual)"
	purge    *syntax.Stmt          // apt-get purge --auto-remove, with no package
	scan     *syntax.Stmt          // the ldd pipeline, or nil
	lddCmd   string                // its ldd or find … -exec ldd command, as written (see scanSource)
	skip     map[*syntax.Stmt]bool // the pattern's statements, which the walk leaves alone
}

// runDepsAwk reads ldd's "NAME => PATH (ADDRESS)" lines, drops the
// libraries found under /usr/local, and names the others as apk's so:NAME.
const runDepsAwk = `awk '/=>/ { if (index($3, "/usr/local/") == 1) next; print "so:" $1 }'`

// aptMarkOf returns the pattern's plan for the shell-form RUN in, found
// once: the RUN's conversion and the stage's command uses both need it.
func (s *alpineStage) aptMarkOf(in *parser.Instruction) *aptMarkPlan {
	p, ok := s.marks[in]
	if !ok {
		p = (&runConv{s: s, in: in, sh: in.Shell}).aptMark()
		s.marks[in] = p
	}
	return p
}

// aptMark finds the pattern in the RUN and plans its statements, or
// returns nil when the RUN does not hold it whole (its apt-mark commands
// are then refused by call).
func (r *runConv) aptMark() *aptMarkPlan {
	if !strings.Contains(r.sh.Text, "apt-mark") {
		return nil
	}
	leaves := shellx.FlattenAnd(r.sh.File)
	p := &aptMarkPlan{skip: map[*syntax.Stmt]bool{}}
	saved := ""
	var auto, manual bool
	for _, st := range leaves {
		switch {
		case p.purge != nil:
		case saved == "":
			if v := showManual(st); v != "" {
				_, p.from = r.span(st.Cmd)
				saved, p.line, p.saved = v, r.line(st), st
				p.skip[st] = true
			}
		case !auto:
			if auto = markAuto(st); auto {
				p.skip[st] = true
			}
		case !manual:
			if manual = markManual(st, saved); manual {
				p.skip[st] = true
			}
		case isPurge(st):
			p.purge = st
			p.to, _ = r.span(st.Cmd)
			p.skip[st] = true
		case p.scan == nil:
			if cmd, ok := r.scanSource(st); ok {
				p.scan, p.lddCmd = st, cmd
				p.skip[st] = true
			}
		}
	}
	if p.purge == nil {
		return nil
	}
	for st := range p.skip {
		if !r.topLevel(st) || st.Background || st.Negated {
			return nil
		}
	}
	// Every apt-mark of the RUN must be one of the pattern's.
	found := true
	syntax.Walk(r.sh.File, func(n syntax.Node) bool {
		if st, ok := n.(*syntax.Stmt); ok && p.skip[st] {
			return false
		}
		if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 {
			if v, _ := shellx.WordLit(c.Args[0]); path.Base(v) == "apt-mark" {
				found = false
			}
		}
		return found
	})
	if !found {
		return nil
	}
	return p
}

// apply turns the plan into edits once the RUN's install has been
// translated: the install between the showmanual and the purge becomes
// the virtual package, the ldd pipeline keeps its run-time libraries,
// and the purge removes it.
func (p *aptMarkPlan) apply(r *runConv) {
	s := r.s
	var in []*apkAdd
	for _, a := range r.adds {
		if a.start > p.from && a.start < p.to {
			in = append(in, a)
		}
	}
	if len(in) != 1 || in[0].cond || in[0].virtual != "" {
		s.refuse(p.line, codeBuildDeps, "the RUN saves apt-mark's manual packages on %v and purges the rest on %v, with %d apt-get installs between them; docklean converts this pattern with exactly one install that always runs, which becomes apk's virtual package",
			transform.Line(p.line), transform.Line(r.line(p.purge)), len(in))
		return
	}
	a := in[0]
	for _, n := range a.names {
		if why := pluginSplit[n]; why != "" {
			s.refuse(a.line, codeBuildDeps, "the build installs %s, and %s: ldd sees only the libraries the built files link, so apk del would remove them where Debian's libraries keep them in the same package; convert by hand, installing them for good", n, why)
			return
		}
	}
	a.virtual = ".build-deps"
	if n := len(slices.DeleteFunc(slices.Clone(s.adds), func(b *apkAdd) bool { return b.virtual == "" })); n > 1 {
		a.virtual = fmt.Sprintf(".build-deps-%d", n)
	}
	for _, st := range []*syntax.Stmt{p.purge, p.scan} {
		if st == nil {
			continue
		}
		start, end := r.span(st.Cmd)
		if commentLine.MatchString(string(s.doc.Src[start:end])) {
			s.refuse(r.line(st), codeBuildDeps, "a comment line sits inside the command on %v, which docklean would rewrite as one line; move the comment out of it", transform.Line(r.line(st)))
			return
		}
	}
	for st := range p.skip {
		switch st {
		case p.scan, p.purge:
		case p.saved:
			r.del[st] = fmt.Sprintf("apt-mark showmanual removed: the build dependencies are the virtual package %s (%v), which apk del removes alone, and apk keeps what was installed before", a.virtual, transform.Line(a.line))
		default:
			start, end := r.span(st.Cmd)
			r.del[st] = fmt.Sprintf("%s removed: apk del %s removes only the build dependencies", strings.Join(strings.Fields(string(s.doc.Src[start:end])), " "), a.virtual)
		}
	}
	if p.scan != nil {
		s.file.runDeps++
		runDeps := ".run-deps"
		if s.file.runDeps > 1 {
			runDeps = fmt.Sprintf(".run-deps-%d", s.file.runDeps)
		}
		start, end := r.span(p.scan.Cmd)
		r.edits = append(r.edits, transform.Edit{Start: start, End: end, Text: fmt.Sprintf(
			"apk add --no-network --virtual %s $(%s | %s | sort -u)", runDeps, p.lddCmd, runDepsAwk)})
		s.changed(r.line(p.scan), codeBuildDeps, "ldd … | dpkg-query … | apt-mark manual → the same ldd, whose libraries outside /usr/local apk keeps as the virtual package %s (so: names of the installed packages)", runDeps)
	}
	start, end := r.span(p.purge.Cmd)
	a.delOff = start
	s.keepBaseRuntime(a.start, a.names, r.line(p.purge), "apk del "+a.virtual)
	r.edits = append(r.edits, transform.Edit{Start: start, End: end, Text: "apk del --no-network " + a.virtual})
	s.changed(r.line(p.purge), codeBuildDeps, "apt-get purge --auto-remove → apk del --no-network %s (the build dependencies of %v)", a.virtual, transform.Line(a.line))
}

// pluginSplit are Alpine -dev packages whose libraries load modules that
// Alpine ships in other packages than the library itself (aports'
// subpackages, ../shared/data/alpine-packages.tsv), where Debian keeps them
// with the library or in packages the library depends on: the run-time
// libraries ldd finds do not bring them. docker-library's wordpress
// Alpine image installs imagemagick for this reason.
var pluginSplit = map[string]string{
	"imagemagick-dev": "ImageMagick reads PNG, JPEG and the other formats through coder modules of the imagemagick package (the library is imagemagick-libs)",
	"libheif-dev":     "libheif encodes and decodes through plugins packaged apart (libheif-aom, libheif-x265 … in Alpine 3.24)",
	"vips-dev":        "libvips loads HEIF, JPEG XL, ImageMagick and PDF support from modules packaged apart (vips-heif, vips-jxl, vips-magick, vips-poppler)",
}

// commentLine finds a comment line inside a RUN's text.
var commentLine = regexp.MustCompile(`\n[ \t]*#`)

// showManual returns VAR for VAR="$(apt-mark showmanual)", or "".
func showManual(st *syntax.Stmt) string {
	c, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) > 0 || len(c.Assigns) != 1 || len(st.Redirs) > 0 {
		return ""
	}
	a := c.Assigns[0]
	if a.Value == nil || a.Append || a.Index != nil || len(a.Value.Parts) != 1 {
		return ""
	}
	part := a.Value.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part = dq.Parts[0]
	}
	cs, ok := part.(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 || len(cs.Stmts[0].Redirs) > 0 {
		return ""
	}
	if inner, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr); ok && len(inner.Assigns) == 0 && slices.Equal(lits(inner.Args), []string{"apt-mark", "showmanual"}) {
		return a.Name.Value
	}
	return ""
}

// markAuto reports whether st is apt-mark auto '.*', its output dropped.
func markAuto(st *syntax.Stmt) bool {
	c, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(c.Assigns) > 0 || !slices.Equal(lits(c.Args), []string{"apt-mark", "auto", ".*"}) {
		return false
	}
	for _, rd := range st.Redirs {
		if v, _ := shellx.WordLit(rd.Word); v != "/dev/null" {
			return false
		}
	}
	return true
}

// markManual reports whether st is apt-mark manual $VAR, alone or after
// [ -z "$VAR" ] ||.
func markManual(st *syntax.Stmt, v string) bool {
	isVar := func(w *syntax.Word) bool { name, ok := shellx.ParamName(w); return ok && name == v }
	if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && b.Op == syntax.OrStmt {
		t, ok := b.X.Cmd.(*syntax.CallExpr)
		if !ok || len(t.Args) != 4 || !slices.Equal(lits(t.Args[:2]), []string{"[", "-z"}) || !isVar(t.Args[2]) || !slices.Equal(lits(t.Args[3:]), []string{"]"}) {
			return false
		}
		st = b.Y
	}
	c, ok := st.Cmd.(*syntax.CallExpr)
	return ok && len(st.Redirs) == 0 && len(c.Assigns) == 0 && len(c.Args) == 3 && slices.Equal(lits(c.Args[:2]), []string{"apt-mark", "manual"}) && isVar(c.Args[2])
}

// purgeOpts are the options of the pattern's purge: they choose what
// auto-remove keeps on Debian, where Alpine's apk del removes the virtual
// package's dependencies that nothing else needs.
var purgeOpts = map[string]bool{"-y": true, "-yq": true, "-qy": true, "-q": true, "-qq": true, "--yes": true, "--quiet": true,
	"--auto-remove": true, "--autoremove": true, "--purge": true,
	"APT::AutoRemove::RecommendsImportant=false": true, "APT::AutoRemove::SuggestsImportant=false": true}

// isPurge reports whether st is apt-get purge --auto-remove with no
// package: it removes every automatic package nothing needs.
func isPurge(st *syntax.Stmt) bool {
	c, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(c.Assigns) > 0 || len(st.Redirs) > 0 || len(c.Args) < 3 {
		return false
	}
	if v, _ := shellx.WordLit(c.Args[0]); v != "apt-get" {
		return false
	}
	if v, _ := shellx.WordLit(c.Args[1]); v != "purge" {
		return false
	}
	autoRemove := false
	for i := 2; i < len(c.Args); i++ {
		v, ok := shellx.WordLit(c.Args[i])
		if v == "-o" && i+1 < len(c.Args) {
			i++
			v, ok = shellx.WordLit(c.Args[i])
			ok = ok && strings.HasPrefix(v, "APT::")
		}
		if !ok || !purgeOpts[v] {
			return false
		}
		autoRemove = autoRemove || v == "--auto-remove" || v == "--autoremove"
	}
	return autoRemove
}

// scanSource reads the pattern's ldd pipeline: ldd FILES… or find DIRS…
// -exec ldd '{}' ';', piped on to xargs dpkg-query and ending in xargs
// apt-mark manual. It returns the ldd or find command as written, which
// runs the same on Alpine.
func (r *runConv) scanSource(st *syntax.Stmt) (string, bool) {
	var cmds []*syntax.Stmt
	var flat func(s *syntax.Stmt) bool
	flat = func(s *syntax.Stmt) bool {
		if b, ok := s.Cmd.(*syntax.BinaryCmd); ok && b.Op == syntax.Pipe {
			return flat(b.X) && flat(b.Y)
		}
		if _, ok := s.Cmd.(*syntax.CallExpr); !ok || len(s.Redirs) > 0 || s.Negated || s.Background {
			return false
		}
		cmds = append(cmds, s)
		return true
	}
	if !flat(st) || len(cmds) < 3 || len(st.Redirs) > 0 {
		return "", false
	}
	last := cmds[len(cmds)-1].Cmd.(*syntax.CallExpr)
	words := lits(last.Args)
	if len(words) < 3 || words[0] != "xargs" || !slices.Equal(words[len(words)-2:], []string{"apt-mark", "manual"}) {
		return "", false
	}
	query := false
	for _, c := range cmds[1 : len(cmds)-1] {
		w := lits(c.Cmd.(*syntax.CallExpr).Args)
		query = query || len(w) > 0 && w[0] == "xargs" && slices.Contains(w, "dpkg-query")
	}
	if !query {
		return "", false
	}
	first := cmds[0].Cmd.(*syntax.CallExpr)
	prog, _ := shellx.WordLit(first.Args[0])
	w := lits(first.Args)
	switch n := len(w); {
	case path.Base(prog) == "ldd" && n >= 2:
	case path.Base(prog) == "find" && n >= 5 && slices.Equal(w[n-4:], []string{"-exec", "ldd", "{}", ";"}):
	default:
		return "", false
	}
	start, end := r.span(first)
	return string(r.s.doc.Src[start:end]), true
}

// lits returns words as literals, "" for a word that is not one.
func lits(words []*syntax.Word) []string {
	out := make([]string, len(words))
	for i, a := range words {
		out[i], _ = shellx.WordLit(a)
	}
	return out
}
