package verify

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Base images for the end-to-end tests. No registry is reachable here, so
// the tests make stand-ins locally and cache them in the engine, tagged
// docklean-standin/NAME:KEY where KEY hashes the recipe and its inputs; a
// stand-in whose tag exists is reused. The images a Dockerfile names
// (golang:1.26, alpine:3.24, ...) are tags on those stand-ins; an image that
// is already present and is not a stand-in is never re-tagged.

// standinRecipe changes whenever a stand-in's content changes.
const standinRecipe = "4"

// goToolchain is the toolchain served by the module proxy for the golang
// stand-in; it is the project's own Go version.
const goToolchain = "1.26.8"

// standinLabel marks stand-in images.
const standinLabel = "docklean.standin"

// standins makes each of refs available to the local engine, building and
// tagging stand-ins as needed. It fails the test for an image it cannot
// stand in for.
func standins(t *testing.T, d *Docker, refs []string) {
	t.Helper()
	standinMu.Lock()
	defer standinMu.Unlock()
	ctx := context.Background()
	for _, ref := range refs {
		repo, _, _ := strings.Cut(ref, "@")
		if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
			repo = repo[:i]
		}
		out, err := d.output(ctx, "image", "inspect", "--format", `{{index .Config.Labels "`+standinLabel+`"}}`, ref)
		if err == nil && (out == "" || out == "<no value>") {
			continue // a real image: use it
		}
		var img string
		switch repo {
		case "golang":
			img = goStandin(t, d)
		case "alpine", "busybox":
			img = busyboxStandin(t, d)
		case "debian":
			if !strings.Contains(ref, "bookworm") {
				t.Fatalf("no stand-in for %s: only Debian bookworm is made locally", ref)
			}
			img = debianStandin(t, d)
		default:
			t.Fatalf("no local stand-in for base image %s (no registry is reachable here)", ref)
		}
		if out == img {
			continue // already tagged with the current stand-in
		}
		if _, err := d.output(ctx, "tag", img, ref); err != nil {
			t.Fatal(err)
		}
	}
}

// standinMu serializes the making of stand-ins by parallel tests.
var standinMu sync.Mutex

// cachedImage returns the tag docklean-standin/name:key(inputs), calling
// make to create it unless it exists.
func cachedImage(t *testing.T, d *Docker, name string, inputs []string, make func(tag string)) string {
	t.Helper()
	h := sha256.Sum256([]byte(strings.Join(append([]string{standinRecipe}, inputs...), "\x00")))
	tag := "docklean-standin/" + name + ":" + hex.EncodeToString(h[:6])
	if _, err := d.output(context.Background(), "image", "inspect", "--format", "{{.Id}}", tag); err == nil {
		return tag
	}
	t.Logf("making stand-in image %s", tag)
	make(tag)
	return tag
}

// staticBusybox finds Debian's busybox-static and returns its path and hash.
func staticBusybox(t *testing.T) (string, string) {
	t.Helper()
	for _, p := range []string{"/bin/busybox", "/usr/bin/busybox"} {
		f, err := elf.Open(p)
		if err != nil {
			continue
		}
		static := true
		for _, prog := range f.Progs {
			static = static && prog.Type != elf.PT_INTERP
		}
		f.Close()
		if static {
			return p, fileHash(t, p)
		}
	}
	t.Fatal("no static busybox found: apt-get install busybox-static (.ci/e2e does)")
	return "", ""
}

func fileHash(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// rootfs writes a root file system as a tar stream.
type rootfs struct{ tw *tar.Writer }

func (r rootfs) dir(name string, mode int64) error {
	return r.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode})
}

func (r rootfs) file(name string, mode int64, data []byte) error {
	if err := r.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data))}); err != nil {
		return err
	}
	_, err := r.tw.Write(data)
	return err
}

func (r rootfs) symlink(name, target string) error {
	return r.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777})
}

// copyTree adds the host folder src under name; exec picks the files that
// get mode 0755 (the module zip the Go toolchain comes in keeps no modes).
func (r rootfs) copyTree(src, name string, exec func(rel string) bool) error {
	return filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.ToSlash(filepath.Join(name, rel))
		switch {
		case e.IsDir():
			return r.dir(target, 0o755)
		case e.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return r.symlink(target, l)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		mode := int64(0o644)
		if exec(filepath.ToSlash(rel)) {
			mode = 0o755
		}
		return r.file(target, mode, data)
	})
}

// busyboxBase writes a minimal userland: busybox with its applets in /bin,
// /etc/passwd and group, CA certificates, /tmp and /root.
func (r rootfs) busyboxBase(busybox string) error {
	data, err := os.ReadFile(busybox)
	if err != nil {
		return err
	}
	out, err := exec.Command(busybox, "--list").Output()
	if err != nil {
		return err
	}
	for _, d := range []string{"bin", "etc", "etc/ssl", "etc/ssl/certs", "usr", "usr/bin", "root", "var"} {
		if err := r.dir(d, 0o755); err != nil {
			return err
		}
	}
	if err := r.dir("tmp", 0o1777); err != nil {
		return err
	}
	if err := r.file("bin/busybox", 0o755, data); err != nil {
		return err
	}
	for _, applet := range strings.Fields(string(out)) {
		if applet != "busybox" {
			if err := r.symlink("bin/"+applet, "busybox"); err != nil {
				return err
			}
		}
	}
	if err := r.symlink("usr/bin/env", "/bin/busybox"); err != nil {
		return err
	}
	certs, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		return fmt.Errorf("CA certificates: %v (apt-get install ca-certificates)", err)
	}
	if err := r.file("etc/ssl/certs/ca-certificates.crt", 0o644, certs); err != nil {
		return err
	}
	if err := r.file("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")); err != nil {
		return err
	}
	return r.file("etc/group", 0o644, []byte("root:x:0:\nnogroup:x:65534:\n"))
}

// dockerImport streams the root file system write produces into
// `docker import` with the given Dockerfile changes, tagging it tag.
func dockerImport(t *testing.T, d *Docker, tag string, changes []string, write func(rootfs) error) {
	t.Helper()
	args := []string{"import"}
	for _, c := range append(changes, "LABEL "+standinLabel+"="+tag) {
		args = append(args, "--change", c)
	}
	pr, pw := io.Pipe()
	cmd := d.command(context.Background(), pr, append(args, "-", tag)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(pw, 1<<20)
	tw := tar.NewWriter(bw)
	err := write(rootfs{tw})
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	pw.CloseWithError(err)
	if werr := cmd.Wait(); err == nil && werr != nil {
		err = fmt.Errorf("docker import: %v: %s", werr, stderr.String())
	}
	if err != nil {
		t.Fatalf("making %s: %v", tag, err)
	}
}

// busyboxStandin stands in for alpine: busybox, certificates, passwd.
// Unlike Alpine it has no apk, so Dockerfiles that install packages on it
// cannot be tested here.
func busyboxStandin(t *testing.T, d *Docker) string {
	bb, sum := staticBusybox(t)
	return cachedImage(t, d, "busybox", []string{sum}, func(tag string) {
		dockerImport(t, d, tag, []string{`CMD ["/bin/sh"]`}, func(r rootfs) error { return r.busyboxBase(bb) })
	})
}

// goStandin stands in for golang:<ver>: the busybox userland plus the Go
// toolchain from the module proxy (golang.org/toolchain) in /usr/local/go,
// the host's time zone database, and the official image's environment. Its
// build cache is warmed with the standard packages the fixtures import, so
// a fixture's `go build` takes seconds instead of minutes on two cores (the
// original and the rewrite gain alike; the cache sits in the base layer
// instead of the build's layer, so image sizes are about the same).
func goStandin(t *testing.T, d *Docker) string {
	bb, sum := staticBusybox(t)
	return cachedImage(t, d, "golang", []string{sum, goToolchain, strings.Join(warmPackages, " ")}, func(tag string) {
		out, err := exec.Command("go", "mod", "download", "-json", "golang.org/toolchain@v0.0.1-go"+goToolchain+".linux-amd64").Output()
		if err != nil {
			t.Fatalf("downloading the Go toolchain from the module proxy: %v", err)
		}
		var mod struct{ Dir, Error string }
		if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
			t.Fatalf("go mod download golang.org/toolchain: %v %s", err, mod.Error)
		}
		changes := []string{
			"ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"ENV GOLANG_VERSION=" + goToolchain,
			"ENV GOTOOLCHAIN=local",
			"ENV GOPATH=/go",
			"WORKDIR /go",
			`CMD ["/bin/sh"]`,
		}
		toolExec := regexp.MustCompile(`^(bin/[^/]+|pkg/tool/[^/]+/[^/]+)$`)
		toolchain := tag + "-toolchain"
		dockerImport(t, d, toolchain, changes, func(r rootfs) error {
			if err := r.busyboxBase(bb); err != nil {
				return err
			}
			for _, dir := range []string{"go", "go/bin", "go/src", "usr/local", "usr/share"} {
				if err := r.dir(dir, 0o755); err != nil {
					return err
				}
			}
			if _, err := os.Stat("/usr/share/zoneinfo"); err == nil {
				if err := r.copyTree("/usr/share/zoneinfo", "usr/share/zoneinfo", func(string) bool { return false }); err != nil {
					return err
				}
			}
			return r.copyTree(mod.Dir, "usr/local/go", toolExec.MatchString)
		})
		warm := fmt.Sprintf("FROM %s\nRUN go build %s\nLABEL %s=%s\n", toolchain, strings.Join(warmPackages, " "), standinLabel, tag)
		cmd := d.command(context.Background(), strings.NewReader(warm), "build", "-q", "-t", tag, "-")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("warming the Go build cache: %v\n%s", err, out)
		}
		d.output(context.Background(), "image", "rm", toolchain)
	})
}

// warmPackages are the standard packages the Go fixtures import.
var warmPackages = []string{"fmt", "html/template", "log", "net/http", "os", "sort", "strings", "time"}

// debianStandin stands in for debian:bookworm-slim: debootstrap's minbase
// variant, configured like the official slim image (no docs, man pages or
// locales; apt deletes downloaded packages; no package lists).
func debianStandin(t *testing.T, d *Docker) string {
	if _, err := exec.LookPath("debootstrap"); err != nil {
		t.Fatal("debootstrap is not installed: apt-get install debootstrap (.ci/e2e does)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("debootstrap needs root to make the debian:bookworm-slim stand-in")
	}
	mirror := debianMirror()
	return cachedImage(t, d, "debian", []string{"bookworm", mirror}, func(tag string) {
		dir := t.TempDir()
		cmd := exec.Command("debootstrap", "--variant=minbase", "bookworm", dir, mirror)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("debootstrap: %v\n%s", err, tail(string(out), 20))
		}
		for name, text := range slimConfig {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, glob := range []string{"var/lib/apt/lists/*", "var/cache/apt/*.bin", "var/cache/apt/archives/*.deb", "usr/share/man/*", "usr/share/locale/*", "usr/share/info/*"} {
			matches, _ := filepath.Glob(filepath.Join(dir, glob))
			for _, m := range matches {
				if filepath.Base(m) != "partial" && filepath.Base(m) != "lock" {
					os.RemoveAll(m)
				}
			}
		}
		docs, _ := filepath.Glob(filepath.Join(dir, "usr/share/doc/*/*"))
		for _, m := range docs {
			if filepath.Base(m) != "copyright" {
				os.RemoveAll(m)
			}
		}
		dockerImport(t, d, tag, []string{`CMD ["bash"]`}, func(r rootfs) error {
			return r.copyRootfs(dir)
		})
	})
}

// copyRootfs adds a whole root file system, keeping modes and owners.
func (r rootfs) copyRootfs(dir string) error {
	return filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			h.Name += "/"
		}
		h.Uname, h.Gname = "", ""
		if err := r.tw.WriteHeader(h); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(r.tw, f)
		return err
	})
}

// slimConfig is the apt and dpkg configuration the official Debian images
// carry (debuerreotype's minimizing and slimming settings, written here from
// their documented behaviour).
var slimConfig = map[string]string{
	"etc/apt/apt.conf.d/docker-clean": `DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
`,
	"etc/apt/apt.conf.d/docker-gzip-indexes":        "Acquire::GzipIndexes \"true\";\n",
	"etc/apt/apt.conf.d/docker-no-languages":        "Acquire::Languages \"none\";\n",
	"etc/apt/apt.conf.d/docker-autoremove-suggests": "Apt::AutoRemove::SuggestsImportant \"false\";\n",
	"etc/dpkg/dpkg.cfg.d/docker": `path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
`,
}

// debianMirror is the host's Debian mirror (from its apt sources), so the
// stand-in is made from the same place the host installs from.
func debianMirror() string {
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*")
	re := regexp.MustCompile(`(?m)(?:^deb\s+(?:\[[^]]*\]\s+)?|^URIs:\s*)(https?://\S+/debian)/?\s`)
	for _, f := range append([]string{"/etc/apt/sources.list"}, files...) {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if m := re.FindSubmatch(b); m != nil {
			return string(m[1])
		}
	}
	return "http://deb.debian.org/debian"
}
