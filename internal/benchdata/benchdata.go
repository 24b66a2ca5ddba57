// Package benchdata builds the inputs the benchmarks of parser and transform
// share, so their numbers describe the same files.
package benchdata

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Small is a three-instruction Dockerfile.
const Small = "FROM python:3.8-slim\nRUN pip install flask\nCMD [\"flask\", \"run\"]\n"

// Corpus reads, from the fixtures folder, the typical input (a 30-line
// Django app) and the large one: every Linux file of fixtures/corpus joined
// into one multi-stage file of some 470 stages (CRLF, escape-directive and
// Windows files are left out so the join stays one valid Dockerfile).
func Corpus(fixtures string) (typical, large []byte, err error) {
	typical, err = os.ReadFile(filepath.Join(fixtures, "corpus", "029-python-django.Dockerfile"))
	if err != nil {
		return nil, nil, err
	}
	files, _ := filepath.Glob(filepath.Join(fixtures, "corpus", "*.Dockerfile"))
	var b bytes.Buffer
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		if bytes.Contains(src, []byte("\r")) || bytes.Contains(src, []byte("escape=")) || strings.Contains(f, "windows") {
			continue
		}
		b.Write(bytes.TrimPrefix(src, []byte("\ufeff")))
		b.WriteString("\n")
	}
	return typical, b.Bytes(), nil
}

// Sized returns the large-file inputs of about n bytes each, built from the
// corpus: "stages", the joined corpus repeated (many stages); "runs", one
// stage of n/70 apt-get RUNs; "chain", one RUN that is a long && chain over
// continuation lines; "list", one RUN that installs a long list of
// packages, one per continuation line; "heredoc", one RUN <<EOF script of
// apt-get lines. The benchmarks run them at 200 KB and 2 MB: a linear
// pass takes about 10× as long on the second.
func Sized(fixtures string, n int) (map[string][]byte, error) {
	_, large, err := Corpus(fixtures)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	var b bytes.Buffer
	for b.Len() < n {
		b.Write(large)
	}
	out["stages"] = b.Bytes()

	var r bytes.Buffer
	r.WriteString("FROM debian:bookworm\n")
	for i := 0; r.Len() < n; i++ {
		fmt.Fprintf(&r, "RUN apt-get update && apt-get install -y curl%d && echo step%d\n", i%50, i)
	}
	out["runs"] = r.Bytes()

	var c bytes.Buffer
	c.WriteString("FROM debian:bookworm\nRUN apt-get update")
	for i := 0; c.Len() < n; i++ {
		fmt.Fprintf(&c, " \\\n && apt-get install -y curl && echo step%d", i)
	}
	c.WriteString("\n")
	out["chain"] = c.Bytes()

	var l bytes.Buffer
	l.WriteString("FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends")
	for i := 0; l.Len() < n; i++ {
		fmt.Fprintf(&l, " \\\n    %s", listPackages[i%len(listPackages)])
	}
	l.WriteString(" \\\n && rm -rf /var/lib/apt/lists/*\n")
	out["list"] = l.Bytes()

	var h bytes.Buffer
	h.WriteString("FROM debian:bookworm\nRUN <<EOF\nset -eux\n")
	for i := 0; h.Len() < n; i++ {
		fmt.Fprintf(&h, "apt-get install -y curl && echo step%d\n", i)
	}
	h.WriteString("EOF\n")
	out["heredoc"] = h.Bytes()
	return out, nil
}

// listPackages are Debian packages (bookworm) that the list input installs
// over and over.
var listPackages = []string{"curl", "git", "wget", "make", "gcc", "ca-certificates", "tar", "gzip", "bash", "openssl", "unzip", "xz-utils", "file", "less", "jq"}
