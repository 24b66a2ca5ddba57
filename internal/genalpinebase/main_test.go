package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTablesUpToDate regenerates the tables from the committed inputs and
// fails when the committed copies under transform/data differ.
func TestTablesUpToDate(t *testing.T) {
	tables, err := generate("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 5 {
		t.Fatalf("got %d tables, want 5", len(tables))
	}
	for name, text := range tables {
		want, err := os.ReadFile(filepath.Join("..", "..", "transform", "data", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(want) != text {
			t.Errorf("transform/data/%s is stale: run go generate ./transform", name)
		}
	}
}

const tarball = "alpine-minirootfs-3.20.3-x86_64.tar.gz"
const tarballSHA512 = "9d5405f61f8a6ebc02461ba75346fbf1a63a4eab8510a0158dd321cee0c4dafe28c2a3d2cb7c3d75e2a8130dae0c3c92382f5b6adeea309eafc97621c5bf6400"

// TestInputsMatchTarball checks that testdata/alpine-etc-passwd and
// alpine-etc-group are the files in the real minirootfs. The tarball sits
// beside the repository (../shared/alpine); in a clone without it there is
// nothing to compare (the inputs in testdata are what the generator reads),
// but CI (CI=1 or DOCKLEAN_E2E=1, whose end-to-end tests import the tarball)
// has it, and there a missing tarball fails.
func TestInputsMatchTarball(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "alpine", tarball)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) && os.Getenv("CI") != "1" && os.Getenv("DOCKLEAN_E2E") != "1" {
		t.Logf("%s is absent: nothing to compare the inputs with (set CI=1 to make this a failure)", path)
		return
	}
	if err != nil {
		t.Fatalf("the Alpine minirootfs beside the repository (CI needs it): %v", err)
	}
	sum := sha512.Sum512(b)
	if got := hex.EncodeToString(sum[:]); got != tarballSHA512 {
		t.Fatalf("%s: sha512 %s, want %s (testdata/SOURCES.md)", path, got, tarballSHA512)
	}
	files, err := extract(strings.NewReader(string(b)), "etc/passwd", "etc/group")
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]string{"etc/passwd": "alpine-etc-passwd", "etc/group": "alpine-etc-group"} {
		want, err := os.ReadFile(filepath.Join("testdata", in))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := files[name]
		if !ok {
			t.Fatalf("%s not in %s", name, tarball)
		}
		if got != string(want) {
			t.Errorf("testdata/%s differs from %s in %s", in, name, tarball)
		}
	}
}

// extract reads the named files (paths without "./") from a .tar.gz.
func extract(r io.Reader, names ...string) (map[string]string, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	out := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		name := strings.TrimPrefix(h.Name, "./")
		for _, n := range names {
			if name == n {
				b, err := io.ReadAll(tr)
				if err != nil {
					return nil, err
				}
				out[n] = string(b)
			}
		}
	}
}

// TestAppletOptions pins what the parser reads from a few help texts.
func TestAppletOptions(t *testing.T) {
	tables, err := generate("testdata")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, l := range strings.Split(tables["busybox-applets.tsv"], "\n") {
		if name, rest, ok := strings.Cut(l, "\t"); ok {
			rows[name] = rest
		}
	}
	for applet, want := range map[string]string{
		"grep":  "A:B:C:EFHLRce:f:hilm:noqrsvwx\t",
		"xargs": "0E:I:P:a:e::n:oprs:tx\t",
		"sed":   "Ee:f:i::nr\t",
		"[":     "?\t?",
	} {
		if rows[applet] != want {
			t.Errorf("%s: got %q, want %q", applet, rows[applet], want)
		}
	}
	if !strings.Contains(rows["find"], "-maxdepth=") || strings.Contains(rows["find"], "-printf") {
		t.Errorf("find: %q", rows["find"])
	}
	if n := len(rows); n < 300 {
		t.Errorf("%d applets, want the 304 of BusyBox 1.36.1", n)
	}
}
