// Command slimcount measures issue 17's figure: of the Dockerfiles whose
// final stage is on a full Debian, Ubuntu or official language image, how
// many get a smaller final base (Alpine, -slim, scratch or distroless) from
// the whole pipeline with --base alpine (docklean before the slim pass) and
// with --base auto (after). It also counts files the pipeline fails on.
//
//	go run ./internal/slimcount fixtures/corpus /work/corpus
//
// Each file is rewritten with its folder as the build context.
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: slimcount DIR…")
		os.Exit(2)
	}
	var files []string
	for _, dir := range os.Args[1:] {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && isDockerfile(d.Name()) {
				files = append(files, p)
			}
			return nil
		})
	}
	sort.Strings(files)
	var full, before, after, errs, parsed int
	var left []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		doc, err := parser.Parse(src)
		if err != nil {
			continue
		}
		parsed++
		base := finalBase(doc)
		if !isFull(base) {
			continue
		}
		full++
		ok := func(mode transform.BaseMode) bool {
			res, err := transform.Process(f, src, passes.All(), &transform.Options{Base: mode, Context: os.DirFS(filepath.Dir(f))})
			if err != nil {
				errs++
				fmt.Fprintf(os.Stderr, "%s: %s: %v\n", f, mode, err)
				return false
			}
			again, err := transform.Process(f, res.Output, passes.All(), &transform.Options{Base: mode, Context: os.DirFS(filepath.Dir(f))})
			if err != nil || string(again.Output) != string(res.Output) {
				errs++
				fmt.Fprintf(os.Stderr, "%s: %s: not a fixed point (%v)\n", f, mode, err)
			}
			out, err := parser.Parse(res.Output)
			return err == nil && smaller(base, finalBase(out))
		}
		if ok(transform.BaseAlpine) {
			before++
		}
		if ok(transform.BaseAuto) {
			after++
		} else {
			left = append(left, f+" ("+base+")")
		}
	}
	fmt.Printf("files: %d Dockerfiles parsed, %d end in a full Debian/Ubuntu/language image\n", parsed, full)
	fmt.Printf("smaller final base, before slim (--base alpine): %d/%d (%.0f%%)\n", before, full, pct(before, full))
	fmt.Printf("smaller final base, with slim (--base auto):     %d/%d (%.0f%%)\n", after, full, pct(after, full))
	fmt.Printf("pipeline errors or outputs that are not a fixed point: %d\n", errs)
	if os.Getenv("SLIMCOUNT_LIST") != "" {
		for _, l := range left {
			fmt.Println("  left:", l)
		}
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func isDockerfile(name string) bool {
	n := strings.ToLower(name)
	return n == "dockerfile" || strings.HasSuffix(n, ".dockerfile") || strings.HasPrefix(n, "dockerfile.")
}

// finalBase is the image the final stage starts from (following FROM
// <stage>), as written.
func finalBase(doc *parser.Document) string {
	s := doc.Stages[len(doc.Stages)-1]
	for s.Parent != nil {
		s = s.Parent
	}
	return s.Base
}

// split returns the image name without docker.io/library/ and its tag.
func split(ref string) (string, string) {
	ref, _, _ = strings.Cut(ref, "@")
	ref = strings.TrimPrefix(strings.TrimPrefix(ref, "docker.io/"), "library/")
	name, tag, _ := strings.Cut(ref, ":")
	return name, tag
}

var languages = map[string]bool{"python": true, "node": true, "ruby": true, "perl": true, "rust": true,
	"golang": true, "openjdk": true, "buildpack-deps": true, "debian": true, "ubuntu": true}

// isFull reports whether ref is a full (not slim, not Alpine) Debian,
// Ubuntu or language image.
func isFull(ref string) bool {
	if strings.Contains(ref, "$") {
		return false
	}
	name, tag := split(ref)
	return languages[name] && !strings.Contains(tag, "slim") && !strings.Contains(tag, "alpine") &&
		!strings.Contains(tag, "windows") && !strings.Contains(tag, "nanoserver")
}

// smaller reports whether the final base went to a smaller variant.
func smaller(before, after string) bool {
	if before == after {
		return false
	}
	bn, _ := split(before)
	an, at := split(after)
	switch {
	case an == "alpine" || an == "scratch" || strings.Contains(an, "distroless"):
		return true
	case strings.Contains(at, "alpine") || strings.Contains(at, "slim"):
		return true
	case bn == "buildpack-deps" && (an == "debian" || an == "ubuntu"):
		return true
	case bn == "golang" && an != "golang":
		return true
	}
	return false
}
