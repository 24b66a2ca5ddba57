package gosrc

import (
	"slices"
	"testing"
	"testing/fstest"
)

func TestDockerignore(t *testing.T) {
	fsys := fstest.MapFS{".dockerignore": {Data: []byte("# comment\n.git\n*.md\n!README.md\nbuild/**/tmp\n/docs/\n")}}
	d := ReadDockerignore(fsys)
	for p, want := range map[string]bool{
		".git": true, ".git/config": true, "NOTES.md": true, "README.md": false, "sub/NOTES.md": false,
		"build/a/b/tmp": true, "docs/x.txt": true, "main.go": false,
	} {
		if got := d.Ignored(p); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", p, got, want)
		}
	}
	if d := ReadDockerignore(fstest.MapFS{}); d.Ignored(".git") {
		t.Error("a context without .dockerignore ignores .git")
	}
}

func TestGlobPrefix(t *testing.T) {
	for p, want := range map[string]string{"templates/*.html": "templates", "static": "static", "*.txt": ".", "a/b/[c]/d": "a/b", "./x/": "x"} {
		if got := GlobPrefix(p); got != want {
			t.Errorf("GlobPrefix(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestAppendNew(t *testing.T) {
	l := AppendNew(AppendNew(AppendNew(nil, "a"), "b"), "a")
	if !slices.Equal(l, []string{"a", "b"}) {
		t.Errorf("AppendNew = %q", l)
	}
}
