// Package debpkg reads Debian's package index, as Packages files and
// apt-cache dumpavail write it: stanzas of "Field: value" lines, and the
// relation fields (Depends, Recommends, Provides, …) in them; and its
// Contents files, which say which packages ship each file.
package debpkg

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"strings"
)

// Stanzas calls fn with the fields of each stanza of r, in order. Only a
// field's first line is kept (no field docklean reads continues), and a
// stanza without a Package field is skipped.
func Stanzas(r io.Reader, fn func(fields map[string]string)) error {
	cur := map[string]string{}
	flush := func() {
		if cur["Package"] != "" {
			fn(cur)
		}
		cur = map[string]string{}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			flush()
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok && line[0] != ' ' && line[0] != '\t' {
			cur[k] = strings.TrimSpace(v)
		}
	}
	flush()
	return sc.Err()
}

// FirstAlts returns the first alternative of each relation of a
// Depends-like field ("a (>= 1) | b, c:any" → a, c), without versions or
// architecture qualifiers.
func FirstAlts(field string) []string {
	var out []string
	for _, rel := range strings.Split(field, ",") {
		alt, _, _ := strings.Cut(rel, "|")
		if n := Bare(alt); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Names returns the name of each relation of a field with no alternatives,
// such as Provides ("mail-transport-agent, x (= 1)" → mail-transport-agent, x).
func Names(field string) []string {
	var out []string
	for _, rel := range strings.Split(field, ",") {
		if n := Bare(rel); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Bare is a relation's package name without version or architecture.
func Bare(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " ("); i >= 0 {
		s = s[:i]
	}
	s, _, _ = strings.Cut(s, ":")
	return s
}

// Contents calls fn with each line of a Contents index read from r: the
// file's path and the packages that ship it, each as section/name (the
// name is what follows the last slash).
func Contents(r io.Reader, fn func(path string, pkgs []string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		i := strings.LastIndexAny(line, " \t")
		if i < 0 {
			continue
		}
		fn(strings.TrimSpace(line[:i]), strings.Split(line[i+1:], ","))
	}
	return sc.Err()
}

// ContentsFile calls Contents on the gzipped Contents index named file.
func ContentsFile(file string, fn func(path string, pkgs []string)) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	return Contents(zr, fn)
}

// PkgName is the package name of a Contents location (section/name).
func PkgName(loc string) string { return loc[strings.LastIndexByte(loc, '/')+1:] }
