package alpine

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/internal/gosrc"
	"github.com/docklean/docklean/internal/rebase"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// glibc programs put on musl (issue 14 §2, issue 18 §6): prebuilt Linux
// binaries downloaded by a RUN or ADD (also when the URL or its parts sit
// in ARG/ENV values), ELF files of the build context copied into the stage,
// files copied out of a stage that stays on glibc, and software known not
// to build on musl.

// keepGlibc refuses one converted tree that copies files out of a stage
// that stays on glibc (not converted, not Alpine or scratch), where
// programs built or installed may be linked against glibc; static Go
// builds (CGO_ENABLED=0 on every go build) and web assets are fine. It
// reports whether it refused one (the caller repeats until nothing
// changes).
func keepGlibc(doc *parser.Document, planOf map[*parser.Stage]*treePlan) bool {
	for _, in := range doc.Instructions {
		if in.Keyword != "copy" || in.Stage == nil {
			continue
		}
		for _, f := range in.Flags {
			from, ok := strings.CutPrefix(f, "--from=")
			srcSt := doc.StageByName(from)
			src, dst := planOf[srcSt], planOf[in.Stage]
			if ok && srcSt == nil && dst != nil && dst.converted && !muslImage(from) && !rebase.Portable(in.Args) {
				dst.refuseAll(codeGlibcCopy, "%v copies files out of the image %s, which docklean cannot tell is built for musl; programs built for glibc do not run on Alpine", transform.Line(in.StartLine), from)
				return true
			}
			if !ok || src == nil || dst == nil || src == dst || src.converted || src.musl || !dst.converted {
				continue
			}
			if rebase.Portable(in.Args) && !src.builder || staticGo(doc, src.tree) {
				continue
			}
			dst.refuseAll(codeGlibcCopy, "%v copies files out of %s, which stays on glibc; programs built or installed there may not run on musl", transform.Line(in.StartLine), stages.StageName(srcSt))
			return true
		}
	}
	return false
}

// muslImages are images commonly named by COPY --from whose files run on
// musl: composer and docker are built FROM Alpine (docker-library/composer
// and docker-library/docker Dockerfiles), php-extension-installer ships a
// shell script, astral-sh/uv static musl binaries (its Dockerfile: FROM
// scratch with the x86_64-unknown-linux-musl build).
var muslImages = []string{"composer", "docker", "mlocati/php-extension-installer", "ghcr.io/mlocati/php-extension-installer", "ghcr.io/astral-sh/uv"}

// muslImage reports whether an image named by COPY --from is known to hold
// musl or static files: an Alpine image or tag, one of muslImages,
// scratch-based static distroless, or busybox's musl flavour.
func muslImage(ref string) bool {
	ref, _, _ = strings.Cut(ref, "@")
	name, tag, _ := strings.Cut(ref, ":")
	name = strings.TrimPrefix(strings.TrimPrefix(name, "docker.io/"), "library/")
	base := path.Base(name)
	return base == "alpine" || strings.Contains(tag, "alpine") || slices.Contains(muslImages, name) ||
		strings.HasPrefix(name, "gcr.io/distroless/static") || base == "busybox" && strings.Contains(tag, "musl")
}

var goBuildText = regexp.MustCompile(`(?:^|[\s;&|(])go\s+(build|install)\b`)

// staticGo reports whether the stages build Go programs with cgo off in
// every go build and install: static programs that run on musl.
func staticGo(doc *parser.Document, tree []*parser.Stage) bool {
	builds := 0
	offIn := map[*parser.Stage]bool{} // ENV CGO_ENABLED=0 set in the stage or one it is built on
	for _, st := range tree {
		off := offIn[stages.ParentStage(doc, st)]
		for _, in := range st.Instructions {
			text := doc.Text(in)
			switch in.Keyword {
			case "env", "arg":
				if strings.Contains(text, "CGO_ENABLED=0") || strings.Contains(text, "CGO_ENABLED 0") {
					off = true
				}
			case "run":
				for _, m := range goBuildText.FindAllStringIndex(text, -1) {
					builds++
					if !off && !strings.Contains(text[:m[0]], "CGO_ENABLED=0") {
						return false
					}
				}
			}
		}
		offIn[st] = off
	}
	return builds > 0
}

// staticRelease are release downloads of well-known projects whose Linux
// binaries are static (Go with cgo off), so they run on musl although
// their names say linux-amd64.
var staticRelease = []struct{ re, note string }{
	{`(dl\.k8s\.io|storage\.googleapis\.com/kubernetes-release)/.*/kubectl`, "kubectl is in Kubernetes' KUBE_STATIC_LIBRARIES, built with CGO_ENABLED=0 (kubernetes hack/lib/golang.sh)"},
	{`get\.helm\.sh/helm-v`, "helm's Makefile builds with CGO_ENABLED ?= 0"},
	{`releases\.hashicorp\.com/terraform/`, "terraform release binaries are built with CGO_ENABLED=0"},
	{`github\.com/docker/compose/releases/download/v2`, "docker compose v2 is built with CGO_ENABLED=0 (its Dockerfile)"},
	{`github\.com/mikefarah/yq/releases/`, "yq's release script builds with CGO_ENABLED=0"},
	{`(go\.dev/dl/|golang\.org/dl/|dl\.google\.com/go/)go1`, "the Go distribution's binaries are static; golang:*-alpine installs the same tarball"},
	{`github\.com/tianon/gosu/releases/`, "gosu release binaries are static (its README)"},
}

var staticReleaseRes = func() []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, s := range staticRelease {
		out = append(out, regexp.MustCompile(s.re))
	}
	return out
}()

var (
	urlText = regexp.MustCompile(`https?://[^\s"'|;&)<>]+`)
	// linuxBinary finds a prebuilt Linux program or package in a URL path:
	// an architecture next to linux, a linux tarball, linux2.6 (DeleGate's
	// builds for Linux 2.6, glibc), or an archive in a bin/linux/ folder.
	linuxBinary = regexp.MustCompile(`(?i)linux[-_./]?(amd64|x86[-_]64|x64|64|arm64|aarch64)\b|(amd64|x86[-_]64|x64|aarch64|arm64)[-_.](unknown[-_.])?linux|[-_]amd64\.deb$|\.appimage$|[-_.]linux([-_][a-z0-9]+)?\.(tar\.(gz|xz|bz2)|tgz|zip)$|linux2\.[46]|/bin/linux/.*\.(tar\.(gz|xz|bz2)|tgz|zip)$`)
	// notGlibc are URL words that say the build is not a glibc one.
	notGlibc = regexp.MustCompile(`(?i)musl|static|alpine|darwin|macos|windows|\.(sha256|sha512|asc|sig|sha256sum|md5)$|checksums?`)
	shAssign = regexp.MustCompile(`(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|)]*)`)
)

// expandVars expands $NAME and ${NAME} in text through the stage's ARG and
// ENV values, ARGs before FROM and the shell assignments of the text
// itself, a few rounds deep (a URL built from ARGs that use ARGs).
func (s *alpineStage) expandVars(text string) string {
	locals := map[string]string{}
	for _, m := range shAssign.FindAllStringSubmatch(text, -1) {
		locals[m[1]] = stages.Unquote(m[2])
	}
	if s.meta == nil {
		s.meta = stages.MetaArgs(s.doc)
	}
	meta := s.meta
	for round := 0; round < 3 && strings.Contains(text, "$"); round++ {
		text = stages.ArgRef.ReplaceAllStringFunc(text, func(m string) string {
			sub := stages.ArgRef.FindStringSubmatch(m)
			name := sub[1] + sub[3]
			if v, ok := locals[name]; ok && v != "" {
				return v
			}
			if v := s.vars[name]; v != nil && v.value != "" {
				return v.value
			}
			if a, ok := meta[name]; ok && a.Value != "" {
				return a.Value
			}
			if sub[2] != "" {
				return sub[2]
			}
			return m
		})
	}
	return text
}

// glibcDownload refuses the stage when a RUN or ADD downloads a prebuilt
// glibc Linux binary: a URL, after its variables are expanded, whose file
// name says linux-amd64 (x86_64, x64, ...), an amd64 .deb or an AppImage,
// and neither musl nor static, nor a known static release.
func (s *alpineStage) glibcDownload(in *parser.Instruction) {
	text := s.doc.Text(in)
	if !strings.Contains(text, "://") && (!strings.Contains(text, "$") || in.Keyword != "add" && !containsAny(text, []string{"curl", "wget", "aria2c", "http"})) {
		return
	}
	exp := text
	if strings.Contains(text, "$") {
		exp = s.expandVars(text)
	}
	for _, u := range urlText.FindAllString(exp, -1) {
		u = strings.TrimRight(u, ".,")
		if f := glibcDownloadURL(u); f != "" {
			via := ""
			if !strings.Contains(text, u) {
				via = " (its URL is built from ARG/ENV values)"
			}
			what := "a prebuilt " + f + " not marked musl or static, so most likely linked against glibc,"
			if f == "glibc build" {
				what = "a glibc build,"
			}
			s.refuse(in.StartLine, codeGlibc, "it downloads %s%s, %s which will not run on musl; keep the stage on Debian, or use the project's musl or static build", u, via, what)
			return
		}
	}
}

// glibcDownloadURL says what a URL downloads when it is a glibc Linux
// build, or "".
func glibcDownloadURL(u string) string {
	p := u
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			p = u[i+3+j:] // the path: a host name says nothing about the libc
		}
	}
	p, _, _ = strings.Cut(p, "?")
	if glibcDownload.MatchString(u) {
		return "glibc build"
	}
	if !linuxBinary.MatchString(p) || notGlibc.MatchString(p) {
		return ""
	}
	for _, re := range staticReleaseRes {
		if re.MatchString(u) {
			return ""
		}
	}
	switch {
	case strings.HasSuffix(strings.ToLower(p), ".deb"):
		return "Debian package"
	case strings.HasSuffix(strings.ToLower(p), ".appimage"):
		return "AppImage"
	}
	return "Linux binary"
}

// muslUnbuildable are projects whose sources do not build on musl, by the
// URL a RUN clones or downloads them from.
var muslUnbuildable = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`(?i)github\.com/TelegramMessenger/MTProxy`), "MTProxy includes <execinfo.h> and uses glibc-only interfaces (backtrace), which musl does not have"},
}

// glibcHeaders are C headers glibc has and musl does not.
var glibcHeaders = regexp.MustCompile(`(?m)^[ \t]*#[ \t]*include[ \t]*<(execinfo\.h|error\.h|gnu/libc-version\.h|obstack\.h)>`)

// buildCmd finds a C/C++ build in a RUN.
var buildCmd = regexp.MustCompile(`(?:^|[\s;&|(])(make|cmake|gcc|g\+\+|cc|c\+\+|\./configure|ninja|meson)(\s|$)`)

// muslBuild refuses the stage when a RUN builds software known not to
// build on musl: a project in muslUnbuildable, or C sources of the build
// context that include a glibc-only header.
func (s *alpineStage) muslBuild(in *parser.Instruction) {
	text := s.doc.Text(in)
	if containsAny(text, []string{"MTProxy", "mtproxy", "$"}) {
		exp := s.expandVars(text)
		for _, m := range muslUnbuildable {
			if f := m.re.FindString(exp); f != "" {
				s.refuse(in.StartLine, codeGlibc, "it fetches %s: %s, so it does not build on Alpine; keep the stage on Debian", f, m.why)
				return
			}
		}
	}
	if len(s.cSources) == 0 || !buildCmd.MatchString(text) {
		return
	}
	f := s.cSources[0]
	s.refuse(in.StartLine, codeGlibc, "the RUN builds C sources of the build context, and %s includes <%s>, a glibc header musl does not have; keep the stage on Debian", f[0], f[1])
}

// maxScanFiles bounds how many files of a copied folder the pass reads.
const maxScanFiles = 5000

// contextCode is what the files one COPY or ADD brings from the build
// context hold: the first glibc ELF file, C sources that include a header
// only glibc has, and whether there were more files than docklean reads.
type contextCode struct {
	glibcFile, glibcWhy string
	bashScript          string // the first file whose #! line runs bash
	// the first shell script that uses a package's path under /etc or
	// /var, and that path (scriptDataPath; accountDataPaths judges it)
	dataScript, dataPath string
	cSources             [][2]string
	capped               bool
}

// copiedCode looks at the files a COPY or ADD brings from the build
// context, whole folders included: a bash script among them needs bash
// (a folder's scripts are often run from outside the Dockerfile, by a
// compose file or CI: SeleniumHQ's tests/bootstrap.sh); a glibc ELF
// program or library refuses the stage, and so does a
// copy of more files than docklean reads; C sources that include
// glibc-only headers are remembered for a later build. The context is read
// once per list of sources and file (stages often copy the same folder).
func (s *alpineStage) copiedCode(in *parser.Instruction) {
	ctx := s.u.Opts.Context
	if ctx == nil || len(in.Args) < 2 || slices.ContainsFunc(in.Flags, func(f string) bool { return strings.HasPrefix(f, "--from=") }) {
		return
	}
	srcs := in.Args[:len(in.Args)-1]
	key := strings.Join(srcs, "\n")
	if s.file.ctxCode == nil {
		s.file.ctxCode = map[string]*contextCode{}
	}
	c, ok := s.file.ctxCode[key]
	if !ok {
		c = readContextCode(ctx, srcs)
		s.file.ctxCode[key] = c
	}
	s.cSources = append(s.cSources, c.cSources...)
	if c.dataScript != "" {
		s.dataPaths = append(s.dataPaths, copiedDataPath{in, c.dataScript, c.dataPath})
	}
	if c.bashScript != "" {
		s.need("bash", in.Start, codeShell, "%s, copied on %v, is a bash script", c.bashScript, transform.Line(in.StartLine))
	}
	switch {
	case c.glibcFile != "":
		s.refuse(in.StartLine, codeGlibc, "it copies %s from the build context, an ELF file %s, which will not run on musl; keep the stage on Debian, or build it statically or on Alpine", c.glibcFile, c.glibcWhy)
	case c.capped:
		s.refuse(in.StartLine, codeGlibc, "%s copies more than %d files from the build context, more than docklean reads to rule out glibc programs; add the folders that need not be copied to .dockerignore", upper(in.Keyword), maxScanFiles)
	}
}

// readContextCode walks the files that srcs name in ctx, .dockerignore
// applied, at most maxScanFiles of them.
func readContextCode(ctx fs.FS, srcs []string) *contextCode {
	c := &contextCode{}
	ign := gosrc.ReadDockerignore(ctx)
	n := 0
	for _, src := range srcs {
		if strings.Contains(src, "://") || strings.HasPrefix(src, "git@") {
			continue
		}
		matches, err := fs.Glob(ctx, path.Clean(strings.TrimPrefix(src, "/")))
		if err != nil {
			continue
		}
		for _, m := range matches {
			_ = fs.WalkDir(ctx, m, func(p string, d fs.DirEntry, err error) error {
				if err != nil || ign.Ignored(p) && p != "." {
					if d != nil && d.IsDir() {
						return fs.SkipDir
					}
					return nil
				}
				if d.IsDir() {
					if d.Name() == ".git" {
						return fs.SkipDir
					}
					return nil
				}
				if !d.Type().IsRegular() {
					return nil
				}
				if n++; n > maxScanFiles {
					c.capped = true
					return fs.SkipAll
				}
				if !c.file(ctx, p, d) {
					return fs.SkipAll
				}
				return nil
			})
			if c.capped || c.glibcFile != "" {
				return c
			}
		}
	}
	return c
}

// file reads one context file; it returns false at a glibc ELF file.
func (c *contextCode) file(ctx fs.FS, p string, d fs.DirEntry) bool {
	switch path.Ext(p) {
	case ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp":
		if info, err := d.Info(); err == nil && info.Size() <= gosrc.MaxFileSize {
			if b, err := fs.ReadFile(ctx, p); err == nil {
				if m := glibcHeaders.FindSubmatch(b); m != nil {
					c.cSources = append(c.cSources, [2]string{p, string(m[1])})
				}
			}
		}
		return true
	}
	f, err := ctx.Open(p)
	if err != nil {
		return true
	}
	defer f.Close()
	r, ok := f.(interface {
		ReadAt([]byte, int64) (int, error)
	})
	if !ok {
		return true
	}
	var head [128]byte
	n, _ := r.ReadAt(head[:], 0)
	if c.bashScript == "" && bashShebang.Match(firstLine(head[:n])) {
		c.bashScript = p
	}
	if c.dataScript == "" && commands.ScriptShebang.Match(head[:n]) {
		if info, err := d.Info(); err == nil && info.Size() < 1<<20 {
			if b, err := fs.ReadFile(ctx, p); err == nil {
				if u := scriptDataPath(string(b)); u != "" {
					c.dataScript, c.dataPath = p, u
				}
			}
		}
	}
	info, err := readELF(r)
	if err != nil || !info.elf {
		return true
	}
	if why := info.glibc(); why != "" {
		c.glibcFile, c.glibcWhy = p, why
		return false
	}
	return true
}
