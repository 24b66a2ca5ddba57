package bot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"sort"

	"github.com/docklean/docklean/internal/files"
	"github.com/docklean/docklean/transform"
)

// File is one Dockerfile the bot looked at.
type File struct {
	Path     string // slash-separated, relative to the repository root
	Old, New []byte
	Findings []transform.Finding
	Err      error  // the file could not be rewritten; Old is kept
	Estimate string // image size estimate, "" when unknown
}

// Changed reports whether the rewrite changed the file.
func (f *File) Changed() bool { return f.Err == nil && !bytes.Equal(f.Old, f.New) }

// plan is what one run proposes: every Dockerfile looked at, in path order,
// and the unified diff of the changed ones.
type plan struct {
	files []*File
	diff  []byte
}

// fingerprint identifies the change: the SHA-256 of its diff.
func (p *plan) fingerprint() string {
	sum := sha256.Sum256(p.diff)
	return hex.EncodeToString(sum[:])
}

// changed returns the files the rewrite changed, by path.
func (p *plan) changed() map[string][]byte {
	m := map[string][]byte{}
	for _, f := range p.files {
		if f.Changed() {
			m[f.Path] = f.New
		}
	}
	return m
}

// source reads a repository file; the bot reads them from a commit.
type source func(path string) ([]byte, error)

// makePlan rewrites the Dockerfiles found under root (the checkout's top
// folder, walked as the CLI walks it) that tracked reports as part of the
// commit being rewritten, reading their contents through read.
func makePlan(root string, c *Config, tracked map[string]bool, read source) (*plan, []error) {
	var exclude func(string) bool
	if c.Exclude != nil {
		exclude = func(rel string) bool { return c.Exclude(filepath.Join(root, rel)) }
	}
	paths, problems := files.Find(root, exclude)
	p := &plan{}
	for _, abs := range paths {
		rel, err := filepath.Rel(root, abs)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		rel = filepath.ToSlash(rel)
		if !tracked[rel] {
			continue
		}
		f := &File{Path: rel}
		p.files = append(p.files, f)
		if f.Old, f.Err = read(rel); f.Err != nil {
			continue
		}
		f.New = f.Old
		res, err := c.Rewrite(abs, f.Old)
		if err != nil {
			f.Err = err
			continue
		}
		f.New, f.Findings = res.Output, res.Findings
		if f.Changed() && c.Estimate != nil {
			f.Estimate = c.Estimate(abs, f.Old, f.New)
		}
		p.diff = append(p.diff, files.Diff(rel, f.Old, f.New)...)
	}
	return p, problems
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
