package files

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var diffCases = []struct{ name, old, new string }{
	{"change-middle", "FROM a\nRUN x\nRUN y\nRUN z\nRUN 1\nRUN 2\nRUN 3\nRUN 4\nRUN 5\nRUN 6\nRUN 7\nRUN 8\n", "FROM a\nRUN x\nRUN y\nRUN z\nRUN 1\nRUN two\nRUN 3\nRUN 4\nRUN 5\nRUN 6\nRUN 7\nRUN eight\n"},
	{"two-hunks", strings.Repeat("RUN a\n", 20) + "RUN b\n", "RUN first\n" + strings.Repeat("RUN a\n", 19) + "RUN b\nRUN c\n"},
	{"no-final-newline-old", "FROM a\nRUN x", "FROM a\nRUN y\n"},
	{"no-final-newline-both", "FROM a\nRUN x", "FROM a\nRUN y"},
	{"no-final-newline-new", "FROM a\nRUN x\n", "FROM a\nRUN x"},
	{"crlf", "FROM a\r\nRUN x\r\nRUN y\r\n", "FROM a\r\nRUN x && \\\r\n    y\r\n"},
	{"delete-all-but-one", "FROM a\nRUN 1\nRUN 2\nRUN 3\n", "FROM a\n"},
	{"insert-at-start", "RUN 1\n", "# syntax=docker/dockerfile:1\nRUN 1\n"},
	// More distinct lines than runes below the surrogates (55,296): the
	// lines past them must come back as themselves.
	{"60000-distinct-lines", manyLines(60000, "RUN 1\n"), manyLines(60000, "RUN one\n")},
}

// manyLines returns n distinct lines, then last.
func manyLines(n int, last string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "RUN echo %d\n", i)
	}
	return b.String() + last
}

func TestDiffApplies(t *testing.T) {
	git, gerr := exec.LookPath("git")
	patch, perr := exec.LookPath("patch")
	if gerr != nil || perr != nil {
		msg := fmt.Sprintf("git or patch not installed: %v %v", gerr, perr)
		if os.Getenv("CI") == "1" { // .ci/run installs both
			t.Fatal(msg)
		}
		t.Skip(msg + " (CI=1 makes this a failure)")
	}
	for _, c := range diffCases {
		t.Run(c.name, func(t *testing.T) {
			d := Diff("sub/Dockerfile", []byte(c.old), []byte(c.new))
			for _, tool := range []string{"git", "patch"} {
				dir := t.TempDir()
				os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
				f := filepath.Join(dir, "sub", "Dockerfile")
				os.WriteFile(f, []byte(c.old), 0o644)
				os.WriteFile(filepath.Join(dir, "p.diff"), d, 0o644)
				var cmd *exec.Cmd
				if tool == "git" {
					cmd = exec.Command(git, "apply", "--unsafe-paths", "p.diff")
				} else {
					cmd = exec.Command(patch, "-p1", "-s", "-i", "p.diff")
				}
				cmd.Dir = dir
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s rejects the diff: %v\n%s\n%s", tool, err, out, d)
				}
				got, _ := os.ReadFile(f)
				if string(got) != c.new {
					t.Fatalf("%s result %q, want %q\ndiff:\n%s", tool, got, c.new, d)
				}
			}
		})
	}
}

func TestDiffEqual(t *testing.T) {
	if d := Diff("x", []byte("a\n"), []byte("a\n")); d != nil {
		t.Fatalf("diff of equal files: %q", d)
	}
}

func TestDiffContext(t *testing.T) {
	d := string(Diff("Dockerfile", []byte(diffCases[0].old), []byte(diffCases[0].new)))
	want := "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -3,10 +3,10 @@\n RUN y\n RUN z\n RUN 1\n-RUN 2\n+RUN two\n RUN 3\n RUN 4\n RUN 5\n RUN 6\n RUN 7\n-RUN 8\n+RUN eight\n"
	if d != want {
		t.Fatalf("got\n%s\nwant\n%s", d, want)
	}
}

func TestWriteAtomicKeepsMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "Dockerfile")
	os.WriteFile(p, []byte("old"), 0o600)
	if err := WriteAtomic(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	b, _ := os.ReadFile(p)
	if string(b) != "new" || st.Mode().Perm() != 0o600 {
		t.Fatalf("got %q mode %v", b, st.Mode())
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".*docklean*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"Dockerfile", "a/Dockerfile.prod", "a/web.Dockerfile", "b/x.dockerfile", "b/Containerfile", "node_modules/Dockerfile", "vendor/Dockerfile", ".git/Dockerfile", "README.md", "a/Dockerfile.txt", "a/Dockerfile.dockerignore"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("FROM x\n"), 0o644)
	}
	os.Symlink(dir, filepath.Join(dir, "a", "loop"))
	got, problems := Find(dir, nil)
	var rel []string
	for _, p := range got {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, r)
	}
	want := "Dockerfile a/Dockerfile.prod a/Dockerfile.txt a/web.Dockerfile b/Containerfile b/x.dockerfile"
	if strings.Join(rel, " ") != want {
		t.Errorf("Find = %v, want %s", rel, want)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "symbolic link") {
		t.Errorf("problems = %v, want the link loop", problems)
	}
}
