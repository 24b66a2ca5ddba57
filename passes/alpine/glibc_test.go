package alpine

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/docklean/docklean/transform"
)

func TestGlibcDownloadURL(t *testing.T) {
	cases := map[string]bool{
		"https://github.com/duckdb/duckdb/releases/download/v1.1.3/duckdb_cli-linux-amd64.zip":                           true,
		"https://downloads.mongodb.com/compass/mongosh-2.3.2-linux-x64.tgz":                                              true,
		"https://github.com/BurntSushi/ripgrep/releases/download/14.1.0/ripgrep-14.1.0-x86_64-unknown-linux-gnu.tar.gz":  true,
		"https://example.com/tool_1.0_amd64.deb":                                                                         true,
		"https://example.com/App-1.0-x86_64.AppImage":                                                                    true,
		"https://github.com/jqlang/jq/releases/download/jq-1.7.1/jq-linux64":                                             true,
		"https://github.com/BurntSushi/ripgrep/releases/download/14.1.0/ripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz": false,
		"https://github.com/krallin/tini/releases/download/v0.19.0/tini-static-amd64":                                    false,
		"https://dl.k8s.io/release/v1.31.2/bin/linux/amd64/kubectl":                                                      false,
		"https://get.helm.sh/helm-v3.16.2-linux-amd64.tar.gz":                                                            false,
		"https://go.dev/dl/go1.23.3.linux-amd64.tar.gz":                                                                  false,
		"https://github.com/x/y/releases/download/v1/y-linux-amd64.tar.gz.sha256":                                        false,
		"https://github.com/x/y/archive/refs/tags/v1.2.3.tar.gz":                                                         false,
		"http://delegate.hpcc.jp/anonftp/DeleGate/bin/linux/latest/linux2.6-dg9_9_13.tar.gz":                             true,
		"https://example.org/tool/bin/linux/latest/tool-2.1.tar.gz":                                                      true,
		"https://example.org/tool/src/linux/tool-2.1.tar.gz":                                                             false, // a source folder
		"https://linux-amd64.example.com/pkg/tool.tar.gz":                                                                false, // a host name says nothing
	}
	for u, want := range cases {
		if got := glibcDownloadURL(u) != ""; got != want {
			t.Errorf("glibcDownloadURL(%s) = %q, want glibc=%v", u, glibcDownloadURL(u), want)
		}
	}
}

func TestWheelVerdict(t *testing.T) {
	cases := map[string]bool{
		"torch":                       true,
		"Torch==2.4.1":                true,
		"tensorflow_cpu":              true,
		"opencv-python-headless>=4.9": true,
		"numpy":                       false,
		"numpy>=2":                    false,
		"numpy==1.24.4":               true,
		"numpy==2.1.0":                false,
		"numpy<1.26":                  true,
		"numpy<3":                     false,
		"NumPy ~= 1.25.0":             true,
		"cryptography":                false,
		"cryptography==3.4.8":         true, // since unknown: a pinned version is refused
		"grpcio==1.60.1":              true,
		"webui-toolkit==1.0":          true, // not in the table: unknown
		"uvicorn[standard]":           true,
		"dvr-scan[opencv]":            true,
		"numpy[dev]":                  true, // extras pull unknown packages
		"pip":                         false,
		"setuptools>=70":              false,
		"psycopg2_binary==2.9.10 ; python_version >= '3.8'": false,
	}
	for req, want := range cases {
		why, _ := wheelVerdict(req, nil)
		if got := why != ""; got != want {
			t.Errorf("wheelVerdict(%q) = %q, want refusal=%v", req, why, want)
		}
	}
}

func TestMuslWheelsTable(t *testing.T) {
	m := muslWheels()
	if len(m) < 20 {
		t.Fatalf("python-musl-wheels.tsv has %d rows, want at least 20", len(m))
	}
	for name, w := range m {
		if w.source == "" {
			t.Errorf("%s: no source", name)
		}
		if w.musl == "yes" && w.since != "-" && !strings.Contains(w.since, ".") {
			t.Errorf("%s: since %q is not a version", name, w.since)
		}
	}
}

// TestGoBuildVCS: a .git folder the stage copies makes go stamp it with
// git, which the Alpine builder then needs.
func TestGoBuildVCS(t *testing.T) {
	src := "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\nCMD [\"/app\"]\n"
	ctx := fstest.MapFS{
		"go.mod":    {Data: []byte("module x\n\ngo 1.23\n")},
		"main.go":   {Data: []byte("package main\n\nfunc main() {}\n")},
		".git/HEAD": {Data: []byte("ref: refs/heads/main\n")},
	}
	run := func(ctx fstest.MapFS) string {
		res, err := transform.Process("Dockerfile", []byte(src), []*transform.Pass{Pass}, &transform.Options{Context: ctx})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Output)
	}
	if out := run(ctx); !strings.Contains(out, "apk add --no-cache git") {
		t.Errorf("with .git: no git added:\n%s", out)
	}
	ctx[".dockerignore"] = &fstest.MapFile{Data: []byte(".git\n")}
	if out := run(ctx); strings.Contains(out, "git") || !strings.Contains(out, "golang:1.23-alpine") {
		t.Errorf(".git ignored: want a plain conversion:\n%s", out)
	}
}

// TestCopiedELF: a glibc ELF anywhere in a copied folder refuses the
// stage; a copy of more files than the pass reads says so.
func TestCopiedELF(t *testing.T) {
	src := "FROM debian:bookworm-slim\nCOPY . /app\nCMD [\"/app/bin/tool\"]\n"
	run := func(ctx fstest.MapFS) *transform.Result {
		res, err := transform.Process("Dockerfile", []byte(src), []*transform.Pass{Pass}, &transform.Options{Context: ctx})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	ctx := fstest.MapFS{
		"README.md":      {Data: []byte("# tool\n")},
		"bin/tool":       {Data: makeELF("/lib64/ld-linux-x86-64.so.2", []string{"libc.so.6"}), Mode: 0o755},
		"lib/libx.so.1":  {Data: makeELF("", []string{"libc.musl-x86_64.so.1"})},
		"scripts/run.sh": {Data: []byte("#!/bin/sh\nexec /app/bin/tool\n"), Mode: 0o755},
	}
	if res := run(ctx); strings.Contains(string(res.Output), "alpine") {
		t.Errorf("glibc ELF in a copied folder: converted:\n%s", res.Output)
	}
	ctx[".dockerignore"] = &fstest.MapFile{Data: []byte("bin/\n")}
	if res := run(ctx); !strings.Contains(string(res.Output), "FROM alpine:") {
		t.Errorf("glibc ELF excluded by .dockerignore: not converted: %v", res.Findings)
	}
	for i := 0; i <= maxScanFiles; i++ {
		ctx[fmt.Sprintf("data/f%05d.txt", i)] = &fstest.MapFile{Data: []byte("x")}
	}
	res := run(ctx)
	found := false
	for _, f := range res.Findings {
		found = found || f.Kind == transform.Refused && strings.Contains(f.Message, "more than docklean reads")
	}
	if !found || strings.Contains(string(res.Output), "FROM alpine:") {
		t.Errorf("more files than docklean reads: not refused: %v", res.Findings)
	}
}

func TestPipExecForm(t *testing.T) {
	src := "FROM python:3.12-slim\nRUN [\"pip\", \"install\", \"--no-cache-dir\", \"torch\"]\n"
	res, err := transform.Process("Dockerfile", []byte(src), []*transform.Pass{Pass}, &transform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(res.Output), "alpine") {
		t.Errorf("exec-form pip install torch converted:\n%s", res.Output)
	}
}
