package gomultistage

import (
	"debug/elf"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/gosrc"
	"github.com/docklean/docklean/internal/refdata"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// TestGoMultistageBuilds compiles the Go program of every converted
// go-multistage fixture with the exact command its builder stage runs (same
// flags, CGO_ENABLED and variables, paths rebased under a temporary root),
// checks that the binary lands where the runtime stage copies it from, and,
// for scratch and distroless runtimes, that it is static (no ELF interpreter).
func TestGoMultistageBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles Go programs")
	}
	goBin, err := exec.LookPath("go") // go test puts GOROOT/bin first in PATH
	if err != nil {
		t.Fatal(err)
	}
	wants, _ := filepath.Glob("../../fixtures/go-multistage/*/want.Dockerfile")
	built := 0
	for _, want := range wants {
		dir := filepath.Dir(want)
		ctxDir := filepath.Join(dir, "context")
		if _, err := os.Stat(ctxDir); err != nil {
			continue
		}
		src, _ := os.ReadFile(want)
		doc, err := parser.Parse(src)
		if err != nil || len(doc.Stages) < 2 {
			continue // refused: nothing to build
		}
		built++
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			if why := buildFixture(t, goBin, doc, os.DirFS(ctxDir)); why != notBuilt[name] {
				t.Errorf("not built because %q, want %q (see notBuilt)", why, notBuilt[name])
			}
		})
	}
	if built < 5 {
		t.Fatalf("only %d converted fixtures with a Go program", built)
	}
}

// notBuilt lists the converted go-multistage fixtures that
// TestGoMultistageBuilds cannot build, with the reason buildFixture gives:
// one that it builds, or that it cannot build for another reason, fails.
var notBuilt = map[string]string{
	"dotenv-viper-config":    noModules,
	"dotenv-literal-shipped": noModules,
	"pgx-keeps-root":         noModules,
	"sqlite-keeps-root":      noModules,
	"ldflags-expansions":     "argument 2 of the build command uses an unknown variable",
	"platform-cross":         "the build command sets GOOS from a variable",
}

// noModules is why a fixture whose go.mod requires modules is not built.
const noModules = "the fixture's go.mod requires modules, which this test does not download: unit tests run without network"

var copyFromRe = regexp.MustCompile(`^COPY --from=(\S+) (\S+) (\S+)$`)

// buildFixture builds the binary the runtime stage of doc copies, as its
// builder stage does, and checks it; it returns why it did not build it
// ("" when it did).
func buildFixture(t *testing.T, goBin string, doc *parser.Document, ctx fs.FS) (why string) {
	rt := doc.Stages[len(doc.Stages)-1]
	var binSrc, builderName string
	for _, in := range rt.Instructions {
		if m := copyFromRe.FindStringSubmatch(doc.Text(in)); m != nil {
			builderName, binSrc = m[1], m[2] // the binary is copied last
		}
	}
	builder := doc.StageByName(builderName)
	if builder == nil {
		t.Fatalf("runtime stage copies from unknown stage %q", builderName)
	}
	g := &goStage{doc: doc, st: builder, ctx: ctx, src: gosrc.Read(ctx), vars: map[string]goVar{},
		dir: "/go", dirText: "/go", dirs: map[string]bool{}, pkgLine: map[string]int{}}
	for _, in := range builder.Instructions[1:] {
		if err := g.scan(in, nil); err != nil {
			t.Fatalf("scanning the builder: %v", err)
		}
	}
	var b *goBinary
	for _, x := range g.bins {
		for _, p := range x.texts {
			if p == binSrc {
				b = x
			}
		}
	}
	if b == nil {
		t.Fatalf("no go build in the builder writes %s (builds: %s)", binSrc, g.binList())
	}
	for _, s := range g.sources {
		if mod, err := fs.ReadFile(ctx, path.Join(s.ctx, "go.mod")); err == nil && regexp.MustCompile(`(?m)^require\b`).Match(mod) {
			return noModules
		}
	}
	root := t.TempDir()
	for _, s := range g.sources {
		copyContext(t, ctx, s.ctx, filepath.Join(root, s.dest))
	}
	for _, d := range append(slices.Clone(goDirs), keys(g.dirs)...) {
		_ = os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	env := append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GOBIN="+filepath.Join(root, "go/bin"))
	for k, v := range g.vars {
		if v.known && v.arg == nil {
			if k == "GOBIN" || k == "GOPATH" {
				v.value = filepath.Join(root, v.value)
			}
			env = append(env, k+"="+v.value)
		}
	}
	for _, a := range b.call.Assigns {
		v, ok := g.shWord(a.Value, nil)
		if !ok {
			return fmt.Sprintf("the build command sets %s from a variable", a.Name.Value)
		}
		env = append(env, a.Name.Value+"="+v.value)
	}
	var args []string
	for i, w := range b.call.Args[1:] {
		v, ok := g.shWord(w, nil)
		if !ok {
			return fmt.Sprintf("argument %d of the build command uses an unknown variable", i+1)
		}
		if i > 0 && (args[i-1] == "-o" || args[i-1] == "-C") && strings.HasPrefix(v.value, "/") {
			v.value = filepath.Join(root, v.value)
		}
		args = append(args, v.value)
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = filepath.Join(root, b.dir)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), b.dir, err, out)
	}
	f, err := elf.Open(filepath.Join(root, b.built))
	if err != nil {
		t.Fatalf("the build did not write %s (copied to the runtime stage from %s): %v", b.built, binSrc, err)
	}
	defer f.Close()
	base := rt.Base
	if base != "scratch" && base != distrolessImage {
		return ""
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s runs on %s but is dynamically linked (has PT_INTERP)", binSrc, base)
		}
	}
	return ""
}

func keys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// copyContext copies context path p (a file, a folder or a pattern) to dst
// the way COPY does.
func copyContext(t *testing.T, ctx fs.FS, p, dst string) {
	t.Helper()
	if p == "." {
		copyTree(t, ctx, dst)
		return
	}
	matches, _ := fs.Glob(ctx, p)
	if strings.ContainsAny(p, "*?[") {
		dst = filepath.Dir(dst)
	}
	for _, m := range matches {
		st, _ := fs.Stat(ctx, m)
		target := dst
		if strings.ContainsAny(p, "*?[") {
			target = filepath.Join(dst, path.Base(m))
		}
		if st.IsDir() {
			sub, _ := fs.Sub(ctx, m)
			copyTree(t, sub, target)
			continue
		}
		b, _ := fs.ReadFile(ctx, m)
		_ = os.MkdirAll(filepath.Dir(target), 0o755)
		if err := os.WriteFile(target, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyTree copies fsys into dst, overwriting files as COPY does.
func copyTree(t *testing.T, fsys fs.FS, dst string) {
	t.Helper()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGoMultistageAlpineNames checks that every Alpine package go-multistage
// may install in an alpine runtime exists in the default Alpine release.
func TestGoMultistageAlpineNames(t *testing.T) {
	inRelease := map[string]bool{}
	for _, r := range refdata.Rows(t, "alpine-packages.tsv") {
		if slices.Contains(strings.Split(r["in_releases"], ","), transform.DefaultAlpine) {
			inRelease[r["name"]] = true
		}
	}
	names := []string{"tzdata"}
	for _, p := range cgoRuntimeLibs {
		names = append(names, p)
	}
	for _, p := range runtimeTools {
		if p != "" {
			names = append(names, p)
		}
	}
	for _, n := range names {
		if !inRelease[n] {
			t.Errorf("go-multistage may install %s, which Alpine %s does not have", n, transform.DefaultAlpine)
		}
	}
}
