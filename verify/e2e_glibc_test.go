package verify

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docklean/docklean/transform"
)

// TestE2EGlibcOnMusl proves the hazard the alpine pass's ELF refusal rests
// on, in the real Alpine root file system (docklean-e2e/alpine:3.20.3,
// imported from ../shared/alpine): a program dynamically linked against
// glibc (built here with the host's gcc) does not start there, a static Go
// program does; and the pass refuses to convert a stage that copies the
// first from the build context and converts one that copies the second.
func TestE2EGlibcOnMusl(t *testing.T) {
	d := e2eDocker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	realAlpine(t)
	if err := d.ensureImage(ctx, alpineImage); err != nil {
		t.Fatalf("the real Alpine image is missing (docker import ../shared/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz docklean-e2e/alpine:3.20.3): %v", err)
	}
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("hello.c", "#include <stdio.h>\nint main(void) { puts(\"glibc ok\"); return 0; }\n")
	write("main.go", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"static ok\") }\n")
	write("go.mod", "module static\n\ngo 1.21\n")
	gcc := exec.CommandContext(ctx, "gcc", "-O2", "-o", "glibc-app", "hello.c")
	gcc.Dir = dir
	if out, err := gcc.CombinedOutput(); err != nil {
		t.Fatalf("this test needs the host's gcc (glibc) to build a dynamically linked program: %v\n%s", err, out)
	}
	gob := exec.CommandContext(ctx, "go", "build", "-o", "static-app", ".")
	gob.Dir = dir
	gob.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if out, err := gob.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	write(".dockerignore", "*.c\n*.go\ngo.mod\n")

	tag := "docklean-e2e-test/glibc-on-musl:" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	b := d.build(ctx, []byte("FROM docklean-e2e/alpine:3.20.3\nCOPY glibc-app static-app /usr/local/bin/\n"), dir, tag, nil)
	if !b.OK {
		t.Fatalf("build: %s\n%s", b.Step, b.Log)
	}
	defer d.output(context.WithoutCancel(ctx), "rmi", "-f", tag)
	if r := d.run(ctx, tag, "docklean-e2e-static", []string{"static-app"}, time.Minute, nil); r.Exit != 0 || !strings.Contains(r.Stdout, "static ok") {
		t.Errorf("the static program does not run on Alpine: %+v", r)
	}
	r := d.run(ctx, tag, "docklean-e2e-glibc", []string{"glibc-app"}, time.Minute, nil)
	if r.Exit == 0 || strings.Contains(r.Stdout, "glibc ok") {
		t.Errorf("the glibc program ran on Alpine (musl): %+v", r)
	}
	t.Logf("glibc program on Alpine: exit %d, %s", r.Exit, strings.TrimSpace(r.Stderr))

	// What the alpine pass does with each, read from the build context.
	for _, c := range []struct {
		file   string
		refuse bool
	}{{"glibc-app", true}, {"static-app", false}} {
		src := "FROM debian:bookworm-slim\nCOPY " + c.file + " /usr/local/bin/app\nCMD [\"app\"]\n"
		res, err := transform.Process("Dockerfile", []byte(src), []*transform.Pass{passByName(t, "alpine")}, &transform.Options{Context: os.DirFS(dir)})
		if err != nil {
			t.Fatal(err)
		}
		converted := strings.Contains(string(res.Output), "FROM alpine:")
		if converted == c.refuse {
			t.Errorf("%s: converted=%v, want %v; findings: %v", c.file, converted, !c.refuse, res.Findings)
		}
	}
}
