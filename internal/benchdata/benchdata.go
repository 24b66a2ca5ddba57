// Package benchdata builds the inputs the benchmarks of parser and transform
// share, so their numbers describe the same files.
package benchdata

import (
	"bytes"
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
