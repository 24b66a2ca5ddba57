package files

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// IsDockerfile reports whether a file name looks like a Dockerfile:
// Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile or Containerfile.
// Dockerfile.dockerignore files are BuildKit's per-Dockerfile ignore files,
// not Dockerfiles.
func IsDockerfile(name string) bool {
	if strings.HasSuffix(name, ".dockerignore") {
		return false
	}
	return name == "Dockerfile" || name == "Containerfile" ||
		strings.HasPrefix(name, "Dockerfile.") || strings.HasPrefix(name, "Containerfile.") ||
		strings.HasSuffix(name, ".Dockerfile") || strings.HasSuffix(name, ".dockerfile")
}

// skipDirs are the folders Find does not enter.
var skipDirs = map[string]bool{".git": true, "vendor": true, "node_modules": true}

// SkipDir reports whether Find skips folders with this name.
func SkipDir(name string) bool { return skipDirs[name] }

// Find walks root and returns the Dockerfiles under it in lexical order.
// It skips .git, vendor and node_modules, follows symbolic links to folders
// once (a link loop is detected and reported), and reports unreadable folders
// through problems without stopping the walk. exclude, if not nil, is asked
// about every path below root (root joined with the relative path) before it
// is used.
func Find(root string, exclude func(path string) bool) (paths []string, problems []error) {
	seen := map[string]bool{}
	var walk func(dir string)
	walk = func(dir string) {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			problems = append(problems, err)
			return
		}
		if seen[real] {
			problems = append(problems, &fs.PathError{Op: "walk", Path: dir, Err: errors.New("folder already visited through a symbolic link (loop or duplicate), skipped")})
			return
		}
		seen[real] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			problems = append(problems, err)
			return
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if exclude != nil && exclude(p) {
				continue
			}
			isDir := e.IsDir()
			if e.Type()&fs.ModeSymlink != 0 {
				st, err := os.Stat(p)
				if err != nil {
					problems = append(problems, err)
					continue
				}
				isDir = st.IsDir()
			}
			switch {
			case isDir && !skipDirs[e.Name()]:
				walk(p)
			case !isDir && IsDockerfile(e.Name()):
				paths = append(paths, p)
			}
		}
	}
	walk(root)
	return paths, problems
}
