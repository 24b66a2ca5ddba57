package verify

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"debug/elf"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docklean/docklean/transform"
)

// buildDepsDockerfile is the official images' apt-mark pattern around a
// build that installs a program linked against libpng (the "program" is
// the minirootfs's apk with one DT_NEEDED renamed: see
// TestE2EAlpineBuildDeps).
const buildDepsDockerfile = `FROM debian:bookworm-slim
COPY prog /usr/src/prog/
RUN set -eux; \
	savedAptMark="$(apt-mark showmanual)"; \
	apt-get update; \
	apt-get install -y --no-install-recommends libpng-dev; \
	test -f /usr/include/png.h; \
	install -m 755 /usr/src/prog/prog /usr/local/bin/prog; \
	rm -r /usr/src/prog; \
	apt-mark auto '.*' > /dev/null; \
	apt-mark manual $savedAptMark; \
	find /usr/local -type f -executable -exec ldd '{}' ';' \
		| awk '/=>/ { so = $(NF-1); if (index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
		| sort -u \
		| xargs -r dpkg-query --search \
		| cut -d: -f1 \
		| sort -u \
		| xargs -r apt-mark manual \
	; \
	apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \
	rm -rf /var/lib/apt/lists/*
CMD ["prog", "--version"]
`

// The lines the alpine pass must emit for it (passes/alpine/aptmark.go).
var buildDepsWant = []string{
	"apk add --no-cache --virtual .build-deps libpng-dev;",
	`apk add --no-network --virtual .run-deps $(find /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { if (index($3, "/usr/local/") == 1) next; print "so:" $1 }' | sort -u)`,
	"apk del --no-network .build-deps\n",
}

// runDepsCmd is the .run-deps command, which the control build replaces by ":".
var runDepsCmd = regexp.MustCompile(`apk add --no-network --virtual \.run-deps \$\(.*\)`)

// TestE2EAlpineBuildDeps proves the meaning of the apt-mark rewrite
// (alpine/build-deps-apt-mark*) in the real Alpine: docklean's output for
// the pattern is built, FROM the minirootfs plus a signed local apk
// repository holding libpng (/usr/lib/libpng16.so.16, provides
// so:libpng16.so.16) and libpng-dev (depends on libpng, ships png.h), with
// no network. The built program needs libpng16.so.16: the .run-deps line
// must keep libpng through .run-deps while apk del removes libpng-dev, and
// the program must run. The control, the same file without the .run-deps
// command, must lose libpng and the program must not start.
//
// No compiler exists in the minirootfs, so the program is its /sbin/apk
// with the DT_NEEDED libcrypto.so.3 renamed libpng16.so.16 (as long), and
// the fake libpng's library is a copy of the real libcrypto.so.3.
func TestE2EAlpineBuildDeps(t *testing.T) {
	e2eDocker(t)
	realAlpine(t)
	start := time.Now()
	if arch, err := exec.Command("docker", "version", "--format", "{{.Server.Arch}}").Output(); err != nil || strings.TrimSpace(string(arch)) != "amd64" {
		t.Fatalf("the Docker engine must run x86_64 images (the minirootfs is x86_64): server arch %q, %v", arch, err)
	}
	root := minirootfsFiles(t, "sbin/apk", "lib/libcrypto.so.3")
	prog, err := renameNeeded(root["sbin/apk"], "libcrypto.so.3", "libpng16.so.16")
	if err != nil {
		t.Fatal(err)
	}

	// Image tags of this run: the engine may be shared with other runs.
	var rnd [4]byte
	rand.Read(rnd[:])
	tags := "docklean-e2e/builddeps-" + hex.EncodeToString(rnd[:])

	// 1. docklean's real output, with the program in the build context
	// (the pass reads it: a musl ELF file, so the stage converts).
	ctxDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(ctxDir, "prog"), prog, 0o755); err != nil {
		t.Fatal(err)
	}
	res := rewrite(t, "Dockerfile", []byte(buildDepsDockerfile), os.DirFS(ctxDir), "alpine")
	out := string(res.Output)
	t.Logf("docklean's output:\n%s", out)
	for _, f := range res.Findings {
		if f.Kind == transform.Refused {
			t.Fatalf("the alpine pass refused: line %d: %s", f.Line, f.Message)
		}
	}
	for _, want := range buildDepsWant {
		if !strings.Contains(out, want) {
			t.Fatalf("docklean's output lacks %q", want)
		}
	}
	if regexp.MustCompile(`apt-|dpkg`).MatchString(out) { // ldd stays: musl has one
		t.Fatal("docklean's output still runs Debian's tools")
	}
	from := regexp.MustCompile(`(?m)^FROM alpine:\S+$`)
	if n := len(from.FindAllString(out, -1)); n != 1 {
		t.Fatalf("want one FROM alpine:… line, found %d", n)
	}

	// 2. The base: the real Alpine with a local, signed repository.
	base := localRepoImage(t, tags+":base", root["lib/libcrypto.so.3"])
	converted := from.ReplaceAllLiteralString(out, "FROM "+base)
	if len(runDepsCmd.FindAllString(converted, -1)) != 1 {
		t.Fatalf("want one .run-deps command in the output")
	}
	control := runDepsCmd.ReplaceAllLiteralString(converted, ":")

	// 3. What each image must hold, and whether its CMD (prog --version)
	// runs; both built at once, with no network.
	img := []check{
		{"libpng must stay installed (kept by .run-deps)", "apk info -e libpng", true, ""},
		{"libpng-dev must be gone (apk del .build-deps)", "apk info -e libpng-dev || test -e /usr/include/png.h", false, ""},
		{".build-deps must be gone", "apk info -e .build-deps", false, ""},
		{".run-deps must depend on so:libpng16.so.16", "apk info -R .run-deps | grep -x so:libpng16.so.16", true, ""},
		{".run-deps must depend on musl's so:libc.musl-x86_64.so.1 (ldd lists every library the program loads)", "apk info -R .run-deps | grep -x so:libc.musl-x86_64.so.1", true, ""},
		{"the built program must run", "prog --version | grep apk-tools", true, ""},
		// the real repositories, unreachable and never cached: the so:
		// names still resolve from the installed packages
		{"apk add --no-network with Alpine's remote repositories (no network, no cached index) must resolve so:libpng16.so.16 from the installed packages",
			"cp /etc/apk/repositories /tmp/r; printf 'https://dl-cdn.alpinelinux.org/alpine/v3.20/main\\n' > /etc/apk/repositories; apk add --no-network --virtual .run-deps-remote so:libpng16.so.16 && apk info -R .run-deps-remote | grep -x so:libpng16.so.16; rc=$?; cp /tmp/r /etc/apk/repositories; exit $rc", true, ""},
	}
	ctl := []check{
		{"control: without .run-deps, apk del .build-deps must remove libpng (else the test could not see a wrong .run-deps line)", "apk info -e libpng", false, ""},
		{"control: without .run-deps the program must fail to load libpng16.so.16", "prog --version", false, "Error loading shared library libpng16.so.16"},
	}
	log := buildAndCheck(t, ctxDir, tags, [2]string{converted, control}, "no .run-deps", [2][]check{img, ctl})
	// A real build's apk add --no-network finds no index (the remote
	// repositories are off and apk add --no-cache cached none): every
	// so: name must resolve to an installed package, so the step installs
	// its virtual package and nothing else. The local repository here
	// would serve libpng again; this catches it.
	if step := runDepsStep(log); step == "" || !strings.Contains(step, "Installing .run-deps") || strings.Count(step, "Installing") != 1 {
		t.Errorf("the .run-deps step must install its virtual package only (every so: name resolved from the installed packages), got:\n%s", step)
	}
	t.Logf("done in %v", time.Since(start).Round(100*time.Millisecond))
}

// check is a shell command run in a built image and whether it must
// succeed.
type check struct {
	why, script string
	wantOK      bool
	wantOut     string // what the output must contain, if anything
}

// probe runs the checks' scripts in one container of image, each in its
// own subshell, and returns each one's output followed by "exit N".
func probe(image string, checks []check) ([]string, error) {
	var script strings.Builder
	for i, c := range checks {
		fmt.Fprintf(&script, "echo '@@check %d'; ( %s ) 2>&1; echo \"@@exit $?\"\n", i, c.script)
	}
	out, err := exec.Command("docker", "run", "--rm", "--network", "none", image, "sh", "-c", script.String()).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("docker run: %v\n%s", err, out)
	}
	parts := strings.Split(string(out), "@@check ")
	if len(parts) != len(checks)+1 {
		return nil, fmt.Errorf("probe output:\n%s", out)
	}
	res := make([]string, len(checks))
	for i, p := range parts[1:] {
		_, body, _ := strings.Cut(p, "\n")
		body, rc, ok := strings.Cut(body, "@@exit ")
		if !ok {
			return nil, fmt.Errorf("probe output:\n%s", out)
		}
		res[i] = strings.TrimSpace(strings.TrimSpace(body) + " exit " + strings.TrimSpace(rc))
	}
	return res, nil
}

// minirootfsFiles reads the named regular files from the minirootfs tarball.
func minirootfsFiles(t *testing.T, names ...string) map[string][]byte {
	t.Helper()
	f, err := os.Open(alpineTarball)
	if err != nil {
		t.Fatalf("the Alpine minirootfs must sit beside the repository: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		if h.Typeflag == tar.TypeReg && slices.Contains(names, name) {
			if files[name], err = io.ReadAll(tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, n := range names {
		if files[n] == nil {
			t.Fatalf("the minirootfs has no regular file %s", n)
		}
	}
	return files
}

// renameNeeded returns a copy of the ELF file bin whose DT_NEEDED entry old
// reads new instead: the string is overwritten in place in the dynamic
// string table, so new must be exactly as long.
func renameNeeded(bin []byte, old, new string) ([]byte, error) {
	if len(old) != len(new) {
		return nil, fmt.Errorf("%q and %q differ in length", old, new)
	}
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return nil, err
	}
	strtab, err := f.DynValue(elf.DT_STRTAB)
	if err != nil || len(strtab) != 1 {
		return nil, fmt.Errorf("no DT_STRTAB: %v", err)
	}
	needed, err := f.DynValue(elf.DT_NEEDED)
	if err != nil {
		return nil, err
	}
	// the string table's file offset, from the PT_LOAD that maps it
	base := int64(-1)
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && strtab[0] >= p.Vaddr && strtab[0] < p.Vaddr+p.Filesz {
			base = int64(p.Off + strtab[0] - p.Vaddr)
		}
	}
	if base < 0 {
		return nil, errors.New("DT_STRTAB lies in no PT_LOAD segment")
	}
	out := slices.Clone(bin)
	n := 0
	for _, off := range needed {
		at := base + int64(off)
		if at+int64(len(old)) < int64(len(out)) && string(out[at:at+int64(len(old))+1]) == old+"\x00" {
			copy(out[at:], new)
			n++
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("want one DT_NEEDED %s, found %d", old, n)
	}
	g, err := elf.NewFile(bytes.NewReader(out))
	if err != nil {
		return nil, err
	}
	libs, err := g.ImportedLibraries()
	if err != nil || !slices.Contains(libs, new) || slices.Contains(libs, old) {
		return nil, fmt.Errorf("after the patch the file needs %v (%v)", libs, err)
	}
	return out, nil
}

// apkFile is a file of an apk package; a link makes it a symbolic link.
type apkFile struct {
	name string // without the leading /
	mode int64
	data []byte
	link string
}

// apkPackage makes an apk v2 package as abuild does, unsigned: a gzip
// stream of the control tar (.PKGINFO, no end-of-archive blocks) followed
// by a gzip stream of the data tar. .PKGINFO's datahash is the SHA-256 of
// the data stream; apk trusts the package through the checksum of the
// control stream (C:) in a signed index.
func apkPackage(name, version string, pkginfo []string, files []apkFile) ([]byte, error) {
	var data bytes.Buffer
	zw := gzip.NewWriter(&data)
	tw := tar.NewWriter(zw)
	mtime := time.Unix(1700000000, 0)
	dirs := map[string]bool{}
	size := 0
	for _, f := range files {
		for d := path.Dir(f.name); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for _, d := range slices.Sorted(func(yield func(string) bool) {
		for d := range dirs {
			if !yield(d) {
				return
			}
		}
	}) {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, Uname: "root", Gname: "root", ModTime: mtime}); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: f.mode, Uname: "root", Gname: "root", ModTime: mtime}
		sum := sha1.Sum(f.data) // abuild-tar --hash: each file's SHA-1 in a PAX record
		if f.link != "" {
			h.Typeflag, h.Linkname = tar.TypeSymlink, f.link
			sum = sha1.Sum([]byte(f.link))
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.data))
			size += len(f.data)
		}
		h.PAXRecords = map[string]string{"APK-TOOLS.checksum.SHA1": hex.EncodeToString(sum[:])}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	datahash := sha256.Sum256(data.Bytes())
	info := fmt.Sprintf("# Generated by docklean's TestE2EAlpineBuildDeps\npkgname = %s\npkgver = %s\npkgdesc = %s for docklean's tests\nurl = https://example.invalid/\nbuilddate = %d\nsize = %d\narch = x86_64\norigin = %s\nlicense = MIT\n%sdatahash = %x\n",
		name, version, name, mtime.Unix(), size, name, strings.Join(append(pkginfo, ""), "\n"), datahash)
	control, err := tarSegment(".PKGINFO", []byte(info))
	if err != nil {
		return nil, err
	}
	return append(control, data.Bytes()...), nil
}

// tarSegment is a gzip stream of a tar holding one file, without the
// end-of-archive blocks (abuild-tar --cut): the first segment of a package
// or of a signed index.
func tarSegment(name string, data []byte) ([]byte, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(data)), Uname: "root", Gname: "root", ModTime: time.Unix(1700000000, 0)}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(data); err != nil {
		return nil, err
	}
	if err := tw.Flush(); err != nil { // pads the entry; no Close: no end-of-archive blocks
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// localRepoImage makes the test's base image: the real Alpine minirootfs
// whose only repository is a local folder holding libpng and libpng-dev,
// indexed by the minirootfs's apk index and signed like abuild-sign does,
// with a key /etc/apk/keys trusts. libpng's library is lib, a copy of the
// real libcrypto.so.3. It tags the image tag and returns tag.
func localRepoImage(t *testing.T, tag string, lib []byte) string {
	t.Helper()
	const ver = "1.6.43-r0"
	libpng, err := apkPackage("libpng", ver, []string{"provides = so:libpng16.so.16=16.43.0", "depend = so:libc.musl-x86_64.so.1"}, []apkFile{
		{name: "usr/lib/libpng16.so.16", mode: 0o755, data: lib},
	})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := apkPackage("libpng-dev", ver, []string{"depend = libpng=" + ver}, []apkFile{
		{name: "usr/include/png.h", mode: 0o644, data: []byte("/* docklean's test stand-in for libpng's header */\n#define PNG_LIBPNG_VER_STRING \"1.6.43\"\n")},
		{name: "usr/lib/libpng16.so", mode: 0o777, link: "libpng16.so.16"},
	})
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string][]byte{"libpng-" + ver + ".apk": libpng, "libpng-dev-" + ver + ".apk": dev}

	// apk index, run in the real Alpine: it reads each package (datahash
	// checked) and records the control stream's checksum. The packages are
	// unsigned, hence --allow-untrusted here only.
	var in bytes.Buffer
	tw := tar.NewWriter(&in)
	for name, b := range pkgs {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(b))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	var index, stderr bytes.Buffer
	cmd := exec.Command("docker", "run", "--rm", "-i", "--network", "none", alpineImage, "sh", "-c",
		`set -e; mkdir /r; cd /r; tar -x; apk index --allow-untrusted -d docklean-e2e -o /tmp/APKINDEX.tar.gz *.apk >&2; cat /tmp/APKINDEX.tar.gz`)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &in, &index, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("apk index in the real Alpine: %v\n%s", err, stderr.String())
	}

	// abuild-sign: an RSA signature of the SHA-1 of the index (openssl dgst
	// -sha1 -sign), as the file .SIGN.RSA.<key name> in a tar segment
	// without end-of-archive blocks, put before the index.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(index.Bytes())
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	const keyName = "docklean-e2e.rsa.pub"
	sigSeg, err := tarSegment(".SIGN.RSA."+keyName, sig)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	files := map[string][]byte{
		"rootfs/etc/apk/repositories":           []byte("/srv/apk\n"),
		"rootfs/etc/apk/keys/" + keyName:        pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
		"rootfs/srv/apk/x86_64/APKINDEX.tar.gz": append(sigSeg, index.Bytes()...),
		"Dockerfile":                            []byte("FROM " + alpineImage + "\nCOPY rootfs/ /\n"),
	}
	for name, b := range pkgs {
		files["rootfs/srv/apk/x86_64/"+name] = b
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("docker", "build", "--network", "none", "-q", "-t", tag, dir).CombinedOutput(); err != nil {
		t.Fatalf("building the base image with the local repository: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", tag).Run() })
	return tag
}

// buildWithContext builds the Dockerfile at dockerfile with dir as its
// context, no network and no cache, tags it tag and returns the build log
// (without the terminal colours of the build's standard error).
func buildWithContext(dir, dockerfile, tag string) (string, error) {
	out, err := exec.Command("docker", "build", "--network", "none", "--no-cache", "-f", dockerfile, "-t", tag, dir).CombinedOutput()
	return ansiColour.ReplaceAllString(string(out), ""), err
}

var ansiColour = regexp.MustCompile("\x1b\\[[0-9;]*m")

// runDepsStep is the part of a build log from the shell's trace of the
// .run-deps command to the next traced command.
func runDepsStep(log string) string {
	_, after, ok := strings.Cut(log, "+ apk add --no-network --virtual .run-deps")
	if !ok {
		return ""
	}
	if i := strings.Index(after, "\n+ "); i >= 0 {
		after = after[:i]
	}
	return "+ apk add --no-network --virtual .run-deps" + after
}

// buildAndCheck builds docklean's output and its control (the same file
// without the line under test, which lacks names) at once, from ctxDir
// with no network, runs each side's checks in its image, and returns the
// output's build log. A build or check that fails fails the test.
func buildAndCheck(t *testing.T, ctxDir, tags string, dfs [2]string, lacks string, checks [2][]check) string {
	t.Helper()
	var builds [2]struct{ tag, log string }
	var errs [2]error
	var wg sync.WaitGroup
	for i, df := range dfs {
		dfPath := filepath.Join(t.TempDir(), "Dockerfile")
		if err := os.WriteFile(dfPath, []byte(df), 0o644); err != nil {
			t.Fatal(err)
		}
		builds[i].tag = tags + ":" + []string{"converted", "control"}[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			builds[i].log, errs[i] = buildWithContext(ctxDir, dfPath, builds[i].tag)
		}()
	}
	wg.Wait()
	for i, b := range builds {
		if errs[i] == nil {
			t.Cleanup(func() { exec.Command("docker", "rmi", "-f", b.tag).Run() })
		}
	}
	if errs[0] != nil {
		t.Fatalf("docklean's output does not build in the real Alpine: %v\n%s", errs[0], builds[0].log)
	}
	if errs[1] != nil {
		t.Fatalf("the control (%s) does not build: %v\n%s", lacks, errs[1], builds[1].log)
	}
	t.Logf("build log:\n%s", builds[0].log)
	var outs [2][]string
	for i := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = probe(builds[i].tag, checks[i])
		}()
	}
	wg.Wait()
	for i := range checks {
		if errs[i] != nil {
			t.Fatalf("%s: %v", builds[i].tag, errs[i])
		}
		for j, c := range checks[i] {
			ok := strings.HasSuffix(outs[i][j], "exit 0")
			t.Logf("%s: %s: %s", builds[i].tag, c.script, outs[i][j])
			if ok != c.wantOK || !strings.Contains(outs[i][j], c.wantOut) {
				t.Errorf("%s: %s: %q: %s", builds[i].tag, c.why, c.script, outs[i][j])
			}
		}
	}
	return builds[0].log
}
