package verify

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EAlpineCommands proves, in the real Alpine, the facts the command
// accounting of the alpine pass rests on (issue 18 §1): the paths of
// alpine-commands.tsv's minirootfs rows exist; netcat and service do not;
// mount is /bin/mount, not /usr/bin/mount; a bare ldconfig fails and one
// with a folder works.
func TestE2EAlpineCommands(t *testing.T) {
	e2eDocker(t)
	realAlpine(t)
	img := alpineImage
	table, err := os.ReadFile(filepath.Join("..", "transform", "data", "alpine-commands.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, line := range strings.Split(string(table), "\n") {
		f := strings.Split(line, "\t")
		if len(f) == 4 && f[3] == "rootfs" {
			paths = append(paths, f[2])
		}
	}
	if len(paths) < 300 {
		t.Fatalf("alpine-commands.tsv has %d minirootfs programs, want 300 or more", len(paths))
	}
	run := func(script string) (string, error) {
		out, err := exec.Command("docker", "run", "--rm", "--network=none", img, "sh", "-c", script).CombinedOutput()
		return string(out), err
	}
	if out, err := run("for p in " + strings.Join(paths, " ") + `; do [ -e "$p" ] || echo "missing $p"; done`); err != nil || out != "" {
		t.Errorf("programs of alpine-commands.tsv missing in the real Alpine: %v\n%s", err, out)
	}
	for _, c := range []struct{ script, why string }{
		{"! command -v netcat", "netcat must not exist (ENTRYPOINT netcat is refused)"},
		{"! command -v service", "service must not exist (service X start is refused)"},
		{"test -e /bin/mount && ! test -e /usr/bin/mount", "mount is /bin/mount only (RUN /usr/bin/mount is refused)"},
		{"! ldconfig", "a bare ldconfig fails (so the pass drops it)"},
		{"ldconfig /usr/lib", "ldconfig with a folder works (so it is kept)"},
	} {
		if out, err := run(c.script); err != nil {
			t.Errorf("%s: %q: %v\n%s", c.why, c.script, err, out)
		}
	}
}
