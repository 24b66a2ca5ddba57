package verify

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 999: "999 B", 1000: "1.00 kB", 9_849_000: "9.85 MB", 9_996_000: "10.0 MB",
		99_960_000: "100 MB", 912_000_000: "912 MB", 999_600_000: "1.00 GB", 1_210_000_000: "1.21 GB",
	} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestRatio(t *testing.T) {
	for _, c := range []struct {
		a, b int64
		want string
	}{{912, 10, "91.2× smaller"}, {100, 100, "about the same"}, {104, 100, "about the same"}, {106, 100, "1.1× smaller"}, {100, 120, "1.2× larger"}, {0, 5, ""}, {5, 0, ""}} {
		if got := ratio(c.a, c.b); got != c.want {
			t.Errorf("ratio(%d, %d) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

func TestFailedStep(t *testing.T) {
	classic := "Step 1/3 : FROM golang:1.26\n ---> abc\nStep 2/3 : RUN go build .\n ---> Running in 1\nmain.go:3: undefined: x\n" +
		"The command '/bin/sh -c go build .' returned a non-zero code: 1\n"
	buildkit := "#5 [build 2/3] RUN go build .\n#5 ERROR: process did not complete\n------\n > [build 2/3] RUN go build .:\n#5 0.3 undefined: x\n------\nERROR: failed to solve\n"
	for log, want := range map[string]string{
		classic:  "Step 2/3 : RUN go build .",
		buildkit: "[build 2/3] RUN go build .",
		"unable to prepare context: path \"x\" not found\n": "",
	} {
		if got := failedStep(log); got != want {
			t.Errorf("failedStep(%q) = %q, want %q", log, got, want)
		}
	}
}

func TestIntermediates(t *testing.T) {
	log := "Step 1/4 : FROM golang:1.26 AS build\n ---> a5ce3b6ffa7f\nStep 2/4 : RUN go build .\n ---> Running in 0123456789ab\n" +
		"Removing intermediate container 0123456789ab\n ---> 1111111111aa\nStep 3/4 : FROM scratch\n ---> \nStep 4/4 : COPY --from=build /x /x\n" +
		" ---> 2222222222bb\nSuccessfully built 2222222222bb\n"
	if got, want := intermediates(log), []string{"1111111111aa", "2222222222bb"}; !reflect.DeepEqual(got, want) {
		t.Errorf("intermediates = %q, want %q", got, want)
	}
}

func TestTail(t *testing.T) {
	if got := tail("a\nb\nc\nd\n", 2); got != "c\nd" {
		t.Errorf("tail = %q", got)
	}
	if got := tail("a\n", 5); got != "a" {
		t.Errorf("tail = %q", got)
	}
}

// archive writes a `docker save` style tar with the given files.
func archive(t *testing.T, files map[string][]byte, order []string) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, name := range order {
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(files[name])), Mode: 0o644})
		tw.Write(files[name])
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gz(b []byte) int64 {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return int64(out.Len())
}

func TestCompressedLayers(t *testing.T) {
	l1 := bytes.Repeat([]byte("layer one "), 5000)
	l2 := []byte("tiny")
	files := map[string][]byte{
		"aaa/layer.tar": l1, "bbb/layer.tar": l2, "ccc/layer.tar": []byte("not in the manifest"),
		"config.json": []byte("{}"),
		// the legacy layout lists the manifest last, OCI first: both work
		"manifest.json": []byte(`[{"Config":"config.json","Layers":["aaa/layer.tar","./bbb/layer.tar"]}]`),
	}
	want := gz(l1) + gz(l2)
	for _, order := range [][]string{
		{"aaa/layer.tar", "bbb/layer.tar", "ccc/layer.tar", "config.json", "manifest.json"},
		{"manifest.json", "config.json", "bbb/layer.tar", "ccc/layer.tar", "aaa/layer.tar"},
	} {
		got, err := compressedLayers(bytes.NewReader(archive(t, files, order)))
		if err != nil || got != want {
			t.Errorf("order %v: got %d, %v; want %d", order, got, err, want)
		}
	}
	delete(files, "aaa/layer.tar")
	if _, err := compressedLayers(bytes.NewReader(archive(t, files, []string{"bbb/layer.tar", "manifest.json"}))); err == nil || !strings.Contains(err.Error(), "aaa/layer.tar") {
		t.Errorf("missing layer: err = %v", err)
	}
	if _, err := compressedLayers(bytes.NewReader(archive(t, files, []string{"bbb/layer.tar"}))); err == nil {
		t.Error("no manifest: no error")
	}
}

func TestSame(t *testing.T) {
	ok := Run{Exit: 0, Stdout: "hi\n"}
	for _, c := range []struct {
		a, b Run
		want bool
	}{
		{ok, ok, true},
		{ok, Run{Exit: 1, Stdout: "hi\n"}, false},
		{ok, Run{Exit: 0, Stdout: "hi"}, false},
		{ok, Run{Exit: 0, Stdout: "hi\n", Stderr: "warning\n"}, false},
		{Run{Exit: -1, TimedOut: true, Stdout: "listening\n"}, Run{Exit: -1, TimedOut: true, Stdout: "listening\n"}, true},
		{Run{Exit: -1, TimedOut: true}, Run{Exit: -1}, false},
		{Run{Exit: -1, Err: "no port"}, Run{Exit: -1, Err: "no port"}, false},
	} {
		if got := sameRun(c.a, c.b); got != c.want {
			t.Errorf("sameRun(%+v, %+v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestBaseImages(t *testing.T) {
	a := []byte("ARG V=1\nFROM golang:1.26 AS Build\nRUN true\nFROM build AS test\nFROM scratch\nCOPY --from=build /x /x\nFROM alpine:${V}\n")
	b := []byte("FROM golang:1.26-alpine AS build\nFROM gcr.io/distroless/static-debian12\n")
	got := baseImages(a, b, []byte("FROM\n"))
	want := []string{"golang:1.26", "golang:1.26-alpine", "gcr.io/distroless/static-debian12"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("baseImages = %q, want %q", got, want)
	}
}

func TestReport(t *testing.T) {
	run := &Run{Exit: 0, Stdout: "ok\n"}
	r := &Report{
		Original:  Side{Build: Build{OK: true, Duration: 41234 * time.Millisecond}, Image: &Image{Size: 912_000_000, Layers: 11, Compressed: 300_000_000}, Run: run},
		Rewritten: Side{Build: Build{OK: true, Duration: 38 * time.Second}, Image: &Image{Size: 9_800_000, Layers: 4, Compressed: 4_000_000}, Run: run},
		SameRun:   true,
	}
	if got, want := r.Summary(), "measured: 912 MB → 9.80 MB, 11 → 4 layers"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	var b strings.Builder
	r.Write(&b)
	want := `                   original  rewritten
build              ok 41.2s  ok 38s
size               912 MB    9.80 MB    93.1× smaller
compressed layers  300 MB    4.00 MB    75.0× smaller
layers             11        4
smoke run          exit 0    exit 0     same
measured: 912 MB → 9.80 MB, 11 → 4 layers
`
	if got := b.String(); got != want {
		t.Errorf("Write:\n%s\nwant:\n%s", got, want)
	}
	if !r.OK() {
		t.Error("OK = false for a passing report")
	}

	r.Rewritten = Side{Build: Build{Step: "Step 3/5 : RUN apk add curl", Log: "ERROR: unable to select packages"}}
	r.SameRun = false
	b.Reset()
	r.Write(&b)
	for _, s := range []string{"FAILED", "the rewritten Dockerfile failed to build at Step 3/5 : RUN apk add curl:\n    ERROR: unable to select packages"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("Write of a failed build lacks %q:\n%s", s, b.String())
		}
	}
	if r.OK() || r.Summary() != "" {
		t.Errorf("failed rewrite: OK %v, Summary %q", r.OK(), r.Summary())
	}

	r.Rewritten = Side{Build: Build{OK: true}, Image: &Image{Size: 1, Layers: 1}, Run: &Run{Exit: 2, Stderr: "panic: no such file\n"}}
	b.Reset()
	r.Write(&b)
	for _, s := range []string{"DIFFERENT", "rewritten image: exit 2", "panic: no such file"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("Write of differing runs lacks %q:\n%s", s, b.String())
		}
	}
	if r.OK() {
		t.Error("OK = true for differing smoke runs")
	}
}

func TestPingWithoutDocker(t *testing.T) {
	err := (&Docker{Bin: "docklean-no-such-docker"}).Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not installed") {
		t.Errorf("missing client: %v", err)
	}
	sh, lookErr := exec.LookPath("false")
	if errors.Is(lookErr, exec.ErrNotFound) {
		t.Skip("no false command")
	}
	err = (&Docker{Bin: sh}).Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), "DOCKER_HOST") {
		t.Errorf("unreachable engine: %v", err)
	}
}
