package bot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	pathpkg "path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/docklean/docklean/internal/files"
	"github.com/docklean/docklean/transform"
)

// fileChange is one Dockerfile the bot looked at.
type fileChange struct {
	Path     string // slash-separated, relative to the repository root
	Old, New []byte
	Findings []transform.Finding
	Err      error  // the file could not be rewritten; Old is kept
	Estimate string // image size estimate, "" when unknown
}

// Changed reports whether the rewrite changed the file.
func (f *fileChange) Changed() bool { return f.Err == nil && !bytes.Equal(f.Old, f.New) }

// plan is what one run proposes: every Dockerfile looked at, in path order,
// and the unified diff of the changed ones.
type plan struct {
	files []*fileChange
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

// dockerfiles picks from a commit's files (`git ls-tree -r -z` output) the
// Dockerfiles, by the rules of the CLI's walk: the same file names, the same
// skipped folders, and Exclude asked about every folder and file (as paths
// under root, the checkout's top folder). Symbolic links are not followed.
func dockerfiles(lsTree, root string, exclude func(string) bool) []string {
	var paths []string
entries:
	for _, e := range strings.Split(lsTree, "\x00") {
		meta, path, ok := strings.Cut(e, "\t")
		if !ok || !strings.HasPrefix(meta, "100") || !files.IsDockerfile(pathpkg.Base(path)) {
			continue
		}
		parts := strings.Split(path, "/")
		for i := range parts {
			if (i < len(parts)-1 && files.SkipDir(parts[i])) ||
				(exclude != nil && exclude(filepath.Join(root, filepath.FromSlash(strings.Join(parts[:i+1], "/"))))) {
				continue entries
			}
		}
		paths = append(paths, path)
	}
	sort.Strings(paths)
	return paths
}

// makePlan rewrites the Dockerfiles at paths (relative to root, the
// checkout's top folder), reading them through read (the bot reads them from
// a commit).
func makePlan(root string, c *Config, paths []string, read func(path string) ([]byte, error)) *plan {
	p := &plan{}
	for _, rel := range paths {
		abs := filepath.Join(root, filepath.FromSlash(rel))
		f := &fileChange{Path: rel}
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
		if f.Changed() && res.Estimate != nil {
			f.Estimate = res.Estimate.String()
		}
		if f.Changed() && c.Measure != nil {
			if m, err := c.Measure(abs, f.Old, f.New); err != nil {
				f.Estimate = strings.TrimSpace(f.Estimate + " (not measured: " + err.Error() + ")")
			} else if m != "" {
				f.Estimate = m
			}
		}
		p.diff = append(p.diff, files.Diff(rel, f.Old, f.New)...)
	}
	return p
}
