package verify

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EAlpineGroupsPaths proves, in the real Alpine and the Debian
// stand-in, what the alpine pass's user and path refusals rest on: the
// shared groups whose gids differ (audio, video: alpine/trap-usermod-video,
// group-id-differs) have the gids of the tables on each side; Alpine has
// no /usr/sbin/init and its /sbin/init is BusyBox (alpine/abspath-init-refused);
// BusyBox's passwd rejects --stdin (alpine/passwd-stdin-refused), its
// adduser Debian's options, and there is no useradd (alpine/script-*).
func TestE2EAlpineGroupsPaths(t *testing.T) {
	d := e2eDocker(t)
	realAlpine(t)
	standins(t, d, []string{debianImage})
	debian := groupTable(t, "debian-groups.tsv")
	alpine := groupTable(t, "alpine-groups.tsv")
	for _, g := range []string{"audio", "video"} {
		if debian[g] == alpine[g] {
			t.Fatalf("group %s: the tables give the same gid %s on both sides; the fixture premise is gone", g, debian[g])
		}
		for _, side := range []struct{ image, gid string }{{alpineImage, alpine[g]}, {debianImage, debian[g]}} {
			out, rc := dockerRun(t, side.image, "getent group "+g)
			t.Logf("%s: getent group %s: %s", side.image, g, strings.TrimSpace(out))
			f := strings.Split(strings.TrimSpace(out), ":")
			if rc != 0 || len(f) < 3 || f[0] != g || f[2] != side.gid {
				t.Errorf("%s: group %s: want gid %s (the table), got %q (exit %d)", side.image, g, side.gid, out, rc)
			}
		}
	}
	if out, rc := dockerRun(t, alpineImage, "test -e /usr/sbin/init"); rc == 0 {
		t.Errorf("/usr/sbin/init exists in the real Alpine (%s); abspath-init-refused rests on its absence", out)
	}
	if out, rc := dockerRun(t, alpineImage, "readlink /sbin/init"); rc != 0 || strings.TrimSpace(out) != "/bin/busybox" {
		t.Errorf("/sbin/init in the real Alpine: want a link to /bin/busybox, got %q (exit %d)", out, rc)
	}
	if out, rc := dockerRun(t, alpineImage, "command -v useradd"); rc == 0 {
		t.Errorf("useradd exists in the real Alpine (%q); script-useradd-shadow rests on its absence", out)
	}
	// the context scripts of the adduser fixtures: docklean converts the
	// first and refuses the second; BusyBox must agree
	for name, wantOK := range map[string]bool{"script-adduser-options": true, "script-adduser-options-refused": false} {
		script, err := os.ReadFile(filepath.Join("..", "fixtures", "alpine", name, "context", "setup.sh"))
		if err != nil {
			t.Fatal(err)
		}
		out, rc := dockerRun(t, alpineImage, string(script))
		t.Logf("%s/context/setup.sh in the real Alpine: exit %d: %s", name, rc, strings.TrimSpace(out))
		if (rc == 0) != wantOK {
			t.Errorf("%s/context/setup.sh: exit %d in the real Alpine, want success %v: %s", name, rc, wantOK, out)
		}
	}
	out, rc := dockerRun(t, alpineImage, "echo secret | passwd --stdin root")
	t.Logf("passwd --stdin root: exit %d: %s", rc, strings.TrimSpace(out))
	if rc == 0 {
		t.Error("BusyBox's passwd accepted --stdin in the real Alpine; passwd-stdin-refused rests on it failing")
	}
}

// groupTable reads transform/data/NAME: group name → gid.
func groupTable(t *testing.T, name string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "transform", "data", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) >= 2 && !strings.HasPrefix(fields[0], "#") {
			m[fields[0]] = fields[1]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}
