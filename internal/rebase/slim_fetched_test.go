package rebase

import (
	"slices"
	"testing"

	"github.com/docklean/docklean/parser"
)

// TestRunFetches checks where runFetches finds a RUN's downloads, which
// piped download it runs and which downloaded file it runs.
func TestRunFetches(t *testing.T) {
	cases := []struct {
		run, wd string
		paths   []string
		piped   string
		ran     string
	}{
		{run: "curl -fsSLo /usr/local/bin/tini https://example.com/tini-static", wd: "/", paths: []string{"/usr/local/bin/tini"}},
		{run: "wget -q -P /tmp https://example.com/a.sh?x=1", wd: "/", paths: []string{"/tmp/a.sh"}},
		{run: "curl -O https://example.com/b.tgz", wd: "/src", paths: []string{"/src/b.tgz"}},
		{run: "curl -fsSL https://example.com/b.tgz > b.tgz", wd: "/src"},
		{run: "git clone https://example.com/repo.git", wd: "/src", paths: []string{"/src/repo"}},
		{run: "git clone --depth 1 https://example.com/repo.git /r", wd: "/", paths: []string{"/r"}},
		{run: "mkdir -p /app && cd /app && curl -sSL \"${URL}\" | tar xz --strip 1", wd: "/", paths: []string{"/app"}},
		{run: "cd /opt && curl -fsSL https://example.com/t.tgz | tar xz && ./t/install.sh", wd: "/", paths: []string{"/opt"}, ran: "./t/install.sh"},
		{run: "cd $DIR && curl -fsSL https://example.com/t.tgz | tar xz", wd: "/"},
		{run: "tar xzf local.tgz -C /opt && ./configure", wd: "/"},
		{run: "curl -fsSL https://example.com/install.sh | bash -s -- --prefix /usr/local", wd: "/", piped: "bash"},
		{run: "curl -fsSL https://example.com/get.py | python3 -", wd: "/", piped: "python3"},
		{run: "curl -fsSL https://example.com/a.json | python3 -c 'import sys'", wd: "/"},
		{run: "wget -qO- https://example.com/b.tgz | tar xz -C /usr/local/bin && mv /usr/local/bin/b /usr/bin/b", wd: "/", paths: []string{"/usr/local/bin", "/usr/bin/b"}},
	}
	for _, c := range cases {
		doc, err := parser.Parse([]byte("FROM debian:bookworm\nRUN " + c.run + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		r := RunFetches(doc.Stages[0].Instructions[1], c.wd)
		var paths []string
		for _, p := range r.Paths {
			paths = append(paths, p.path)
		}
		if !slices.Equal(paths, c.paths) || r.piped != c.piped || r.ran != c.ran {
			t.Errorf("%s: paths %q piped %q ran %q, want %q %q %q", c.run, paths, r.piped, r.ran, c.paths, c.piped, c.ran)
		}
	}
}

// TestFetchedProgram checks that a name is looked up among files downloaded
// by name only, and a path also inside downloaded folders.
func TestFetchedProgram(t *testing.T) {
	fetched := []FetchedPath{{path: "/usr/local/bin", Line: 2}, {path: "/usr/local/bin/tool", Line: 3}, {path: "/", Line: 4}}
	for p, want := range map[string]int{"tar": 0, "tool": 3, "/usr/local/bin/x": 2, "bin/x": 0, "/init": 4, "/usr/bin/env": 0} {
		got := 0
		if f := FetchedProgram(fetched, "/app", p); f != nil {
			got = f.Line
		}
		if got != want {
			t.Errorf("%s: download on line %d, want %d", p, got, want)
		}
	}
}
