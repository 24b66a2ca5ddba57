package verify

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
)

// The real Alpine root file system (../shared/alpine beside the
// repository), imported as an image: the BusyBox, musl and /etc/passwd and
// /etc/group that the alpine pass's tables come from.
const (
	alpineTarball = "../../shared/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz"
	alpineImage   = "docklean-e2e/alpine:3.20.3"
	debianImage   = "debian:bookworm-slim" // the stand-in standins makes with debootstrap
)

// realAlpine imports the minirootfs once; its absence is a failure, not a
// skip: CI has it beside the repository.
func realAlpine(t *testing.T) {
	t.Helper()
	if err := exec.Command("docker", "image", "inspect", alpineImage).Run(); err == nil {
		return
	}
	if _, err := os.Stat(alpineTarball); err != nil {
		t.Fatalf("the Alpine minirootfs must sit beside the repository: %v", err)
	}
	if out, err := exec.Command("docker", "import", alpineTarball, alpineImage).CombinedOutput(); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
}

// dockerBuild builds a Dockerfile with no context and returns the image
// tag, or the build log on failure.
func dockerBuild(t *testing.T, name, dockerfile string) (string, error) {
	t.Helper()
	tag := "docklean-e2e/accounts:" + strings.ToLower(name)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("docker", "build", "--network", "none", "-q", "-t", tag, dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%v\n%s\n%s", err, dockerfile, out)
	}
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", tag).Run() })
	return tag, nil
}

func dockerRun(t *testing.T, image, script string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command("docker", "run", "--rm", "--network", "none", image, "sh", "-c", script)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("docker run: %v", err)
	}
	return out.String(), 0
}

// userRuns returns the ARG and ENV instructions of a Dockerfile and the
// RUNs that create users or groups, with apk lines left out (no package
// repository is reachable), as lines of a Dockerfile to append to a FROM.
func userRuns(t *testing.T, src []byte) string {
	t.Helper()
	doc, err := parser.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, in := range doc.Instructions {
		text := doc.Text(in)
		switch {
		case in.Keyword == "arg" || in.Keyword == "env":
			b.WriteString(text + "\n")
		case in.Keyword == "run" && userCmd.MatchString(text) && !strings.Contains(text, "apk ") && !strings.Contains(text, "apt-get"):
			b.WriteString(text + "\n")
		}
	}
	return b.String()
}

var (
	userCmd     = regexp.MustCompile(`\b(useradd|groupadd|usermod|adduser|addgroup)\b`)
	createdUser = regexp.MustCompile(`\b(?:useradd|adduser)\b[^&;|\n]*?\s([a-z_][a-z0-9_-]*)\s*(?:$|&&|;|\||\\?\n)`)
	droppedID   = regexp.MustCompile(`-u (\d+) dropped`)
)

// TestE2EAlpineAccounts builds, FROM the real Alpine, the user and group
// RUN lines docklean emits for the account fixtures (taken from their
// want.Dockerfile), and FROM Debian the lines of the original Dockerfile,
// and compares what getent and id report: names, uids (unless the
// findings say docklean dropped one), homes, shells and group names.
func TestE2EAlpineAccounts(t *testing.T) {
	d := e2eDocker(t)
	realAlpine(t)
	// The suite's order must not matter: make the Debian stand-in here
	// when no earlier test has (on a fresh machine this test runs first).
	standins(t, d, []string{debianImage})
	fixtures := []string{
		"groupadd-gid", "useradd-system", "useradd-home-groups", "adduser-debian",
		"group-id-clash", "user-id-clash", "account-name-clash",
		"www-data-user", "trap-www-data-gunicorn",
	}
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "fixtures", "alpine", name)
			orig, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(dir, "want.Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			findings, _ := os.ReadFile(filepath.Join(dir, "findings.txt"))
			// the golden output must still be what docklean emits
			opts := &transform.Options{}
			if st, err := os.Stat(filepath.Join(dir, "context")); err == nil && st.IsDir() {
				opts.Context = os.DirFS(filepath.Join(dir, "context")) // as the golden test runs it
			}
			res, err := transform.Process("Dockerfile", orig, []*transform.Pass{passByName(t, "alpine")}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(res.Output, want) {
				t.Fatalf("want.Dockerfile is not what docklean emits; run go test ./passes -run Golden -update")
			}
			users := map[string]bool{}
			for _, m := range createdUser.FindAllStringSubmatch(string(orig), -1) {
				users[m[1]] = true
			}
			if strings.Contains(string(want), "www-data") {
				users["www-data"] = true
			}
			if len(users) == 0 {
				t.Fatal("no user found in the fixture")
			}
			alpineDF := "FROM " + alpineImage + "\n" + userRuns(t, want)
			debianDF := "FROM " + debianImage + "\n" + userRuns(t, orig)
			t.Logf("Alpine:\n%s", alpineDF)
			aImg, err := dockerBuild(t, name+"-alpine", alpineDF)
			if err != nil {
				t.Fatalf("the emitted commands fail in the real Alpine: %v", err)
			}
			dImg, err := dockerBuild(t, name+"-debian", debianDF)
			if err != nil {
				t.Fatalf("the original commands fail on Debian: %v", err)
			}
			dropped := map[string]bool{}
			for _, m := range droppedID.FindAllStringSubmatch(string(findings), -1) {
				dropped[m[1]] = true
			}
			for _, u := range slices.Sorted(func(yield func(string) bool) {
				for k := range users {
					if !yield(k) {
						return
					}
				}
			}) {
				a := account(t, aImg, u)
				d := account(t, dImg, u)
				t.Logf("%s: Debian %v, Alpine %v", u, d, a)
				// differences docklean reports in a finding
				sysUser := strings.Contains(string(findings), "system user "+u+":")
				debAdduser := strings.Contains(string(findings), "Debian's adduser gives "+u+" the login shell /bin/bash")
				if debAdduser {
					d.shell = "/bin/sh"
					d.groups = slices.DeleteFunc(d.groups, func(g string) bool { return g == "users" })
				}
				if a.uid != d.uid && !dropped[d.uid] && !sysUser {
					t.Errorf("%s: uid %s on Alpine, %s on Debian", u, a.uid, d.uid)
				}
				if a.home != d.home {
					t.Errorf("%s: home %s on Alpine, %s on Debian", u, a.home, d.home)
				}
				if a.homeExists != d.homeExists {
					t.Errorf("%s: home directory exists: %v on Alpine, %v on Debian", u, a.homeExists, d.homeExists)
				}
				if filepath.Base(a.shell) != filepath.Base(d.shell) && !(filepath.Base(d.shell) == "sh" && d.shell != a.shell && filepath.Base(a.shell) == "sh") {
					t.Errorf("%s: shell %s on Alpine, %s on Debian", u, a.shell, d.shell)
				}
				if !slices.Equal(a.groups, d.groups) {
					t.Errorf("%s: groups %v on Alpine, %v on Debian", u, a.groups, d.groups)
				}
			}
		})
	}
}

// passByName returns the registered pass called name.
func passByName(t *testing.T, name string) *transform.Pass {
	ps, err := passes.Select([]string{name}, nil)
	if err != nil || len(ps) != 1 {
		t.Fatalf("pass %s: %v", name, err)
	}
	return ps[0]
}

// rewrite runs the passes named on src, with ctx as the build context (nil
// for none), and fails the test on an error.
func rewrite(t *testing.T, name string, src []byte, ctx fs.FS, names ...string) *transform.Result {
	t.Helper()
	ps, err := passes.Select(names, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := transform.Process(name, src, ps, &transform.Options{Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type acct struct {
	uid, home, shell string
	homeExists       bool
	groups           []string // names, sorted
}

func account(t *testing.T, image, user string) acct {
	t.Helper()
	out, rc := dockerRun(t, image, fmt.Sprintf(`getent passwd %[1]s && id -Gn %[1]s && { test -d "$(getent passwd %[1]s | cut -d: -f6)" && echo home || echo nohome; }`, user))
	if rc != 0 {
		t.Fatalf("%s: user %s: exit %d: %s", image, user, rc, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%s: %q", image, out)
	}
	f := strings.Split(lines[0], ":")
	if len(f) != 7 {
		t.Fatalf("%s: passwd %q", image, lines[0])
	}
	gs := strings.Fields(lines[1])
	slices.Sort(gs)
	gs = slices.Compact(gs) // BusyBox's id prints the primary group twice
	return acct{uid: f[2], home: f[5], shell: f[6], homeExists: lines[2] == "home", groups: gs}
}

// TestE2EAlpineBusyBox runs command lines in the real BusyBox: those the
// alpine pass leaves to BusyBox must succeed there, and those it adds a GNU
// package for (or refuses) must fail there: the hazard the rule rests on.
// docklean's verdict is read from its findings for a one-line Dockerfile,
// not copied by hand. The table lists fewer options than BusyBox accepts
// (cp --parents, xargs --no-run-if-empty work): such lines only log.
func TestE2EAlpineBusyBox(t *testing.T) {
	e2eDocker(t)
	realAlpine(t)
	prelude := `set +e; mkdir -p /w/d && cd /w && echo '"tag_name": "v1.2.3"' > f && tar -czf a.tgz f d && `
	lines := []struct {
		cmd          string
		mayStillWork bool // docklean flags it, but this BusyBox accepts it undocumented
	}{
		{cmd: `grep -oP '"tag_name": "v\K[0-9.]+' f`},
		{cmd: `find /w -type f -printf '%s %p\n'`},
		{cmd: `date -d 'next monday' +%F`},
		{cmd: `sed -z p f`},
		{cmd: `stat --printf %s f`},
		{cmd: `ls --time-style=long-iso /w`},
		{cmd: `readlink -m /w/x/y`},
		{cmd: `tar -tzf a.tgz --wildcards '*f'`},
		{cmd: `hostname -I`},
		{cmd: `xargs --no-run-if-empty true < /dev/null`, mayStillWork: true},
		{cmd: `cp --parents f /tmp`, mayStillWork: true},
		{cmd: `tar -xzf a.tgz -C /tmp --no-same-owner`, mayStillWork: true},
		// left to BusyBox
		{cmd: `grep -m1 -E 'tag' f`},
		{cmd: `grep -q -e tag -e x f`},
		{cmd: `find /w -maxdepth 1 -name '*.tgz' -type f -newer f -print0 | xargs -0 -r ls -la`},
		{cmd: `ls /w | xargs -r echo`},
		{cmd: `date -u -d @0 +%Y`},
		{cmd: `date -d '2024-01-02 03:04' +%F`},
		{cmd: `head -1 f && tail -n +1 f && head -n 1 f`},
		{cmd: `sed -i.bak -e 's/v1/v2/' f && sed -ri 's/(v2)/\1/' f`},
		{cmd: `tar -xzf a.tgz -C /tmp --strip-components=1`},
		{cmd: `tar xzf a.tgz -C /tmp`},
		{cmd: `sort -t: -k2,2 -rn f | cut -d: -f1 | wc -l`},
		{cmd: `readlink -f /w/f && mktemp -d && install -D -m 0755 f /tmp/x/f`},
		{cmd: `ls --color=auto -la /w`},
	}
	var script strings.Builder
	script.WriteString(prelude + "true\n")
	for i, l := range lines {
		fmt.Fprintf(&script, "( %s ) >/dev/null 2>&1; echo \"rc %d $?\"\n", l.cmd, i)
	}
	out, _ := dockerRun(t, alpineImage, script.String())
	rcs := map[int]string{}
	for _, l := range strings.Split(out, "\n") {
		var i int
		var rc string
		if n, _ := fmt.Sscanf(l, "rc %d %s", &i, &rc); n == 2 {
			rcs[i] = rc
		}
	}
	alp := passByName(t, "alpine")
	for i, l := range lines {
		src := []byte("FROM debian:12\nRUN " + l.cmd + "\nCMD [\"sh\"]\n") // a CMD: with none the file is a base image, left as it is
		res, err := transform.Process("Dockerfile", src, []*transform.Pass{alp}, &transform.Options{})
		if err != nil {
			t.Fatal(err)
		}
		flagged := ""
		for _, f := range res.Findings {
			if strings.Contains(f.Message, "BusyBox's") {
				flagged = f.Message
			}
		}
		rc, ok := rcs[i]
		if !ok {
			t.Fatalf("no exit status for %q:\n%s", l.cmd, out)
		}
		switch {
		case flagged == "" && rc != "0":
			t.Errorf("%s: docklean leaves it to BusyBox, but it exits %s in the real Alpine", l.cmd, rc)
		case flagged != "" && rc == "0" && !l.mayStillWork:
			t.Errorf("%s: docklean flags it (%s), but BusyBox runs it", l.cmd, flagged)
		case flagged != "" && rc == "0":
			t.Logf("%s: flagged, and this BusyBox accepts it undocumented (the package is added anyway): %s", l.cmd, flagged)
		case flagged != "":
			t.Logf("%s: exits %s in BusyBox; docklean: %s", l.cmd, rc, flagged)
		default:
			t.Logf("%s: runs in BusyBox", l.cmd)
		}
		if l.mayStillWork && flagged == "" {
			t.Errorf("%s: expected docklean to flag it", l.cmd)
		}
	}
}

// TestE2EAlpineHazards proves what the refusals rest on, in the real
// Alpine: a dynamically linked glibc program does not start there, a
// static Go program does, and BusyBox's addgroup -g 999 fails (gid 999 is
// the group ping).
func TestE2EAlpineHazards(t *testing.T) {
	e2eDocker(t)
	realAlpine(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.c"), []byte("#include <stdio.h>\nint main(void){puts(\"hello from glibc\");return 0;}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("gcc", "-o", filepath.Join(dir, "hello-glibc"), filepath.Join(dir, "hello.c")).CombinedOutput(); err != nil {
		t.Fatalf("gcc (the host's, glibc): %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from static Go\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hello\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gb := exec.Command("go", "build", "-o", "hello-static", ".")
	gb.Dir = dir
	gb.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=-mod=mod")
	if out, err := gb.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	df := "FROM " + alpineImage + "\nCOPY hello-glibc hello-static /usr/local/bin/\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	tag := "docklean-e2e/hazards:latest"
	if out, err := exec.Command("docker", "build", "--network", "none", "-q", "-t", tag, dir).CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", tag).Run() })

	out, rc := dockerRun(t, tag, "/usr/local/bin/hello-glibc")
	t.Logf("glibc program on Alpine: exit %d: %s", rc, strings.TrimSpace(out))
	if rc == 0 || strings.Contains(out, "hello from glibc") {
		t.Errorf("a dynamically linked glibc program started on musl: %s", out)
	}
	out, rc = dockerRun(t, tag, "/usr/local/bin/hello-static")
	if rc != 0 || !strings.Contains(out, "hello from static Go") {
		t.Errorf("a static Go program did not run on Alpine: exit %d: %s", rc, out)
	}
	out, rc = dockerRun(t, alpineImage, "addgroup -S -g 999 x")
	t.Logf("addgroup -S -g 999 x: exit %d: %s", rc, strings.TrimSpace(out))
	if rc == 0 {
		t.Error("addgroup -S -g 999 succeeded in the real Alpine; the group-id rule rests on it failing")
	}
	out, rc = dockerRun(t, alpineImage, "getent passwd www-data; getent group www-data")
	if strings.Contains(out, "www-data:x:33") || !strings.Contains(out, "www-data:x:82") {
		t.Errorf("Alpine's base image: want no www-data user and the group www-data with gid 82, got %q (exit %d)", out, rc)
	}
	// the bash syntax passes/alpine/shsyntax.go refuses in Fedora-family stages
	out, rc = dockerRun(t, alpineImage, "echo {a,b} {1..2}")
	if strings.TrimSpace(out) != "{a,b} {1..2}" || rc != 0 {
		t.Errorf("echo {a,b} {1..2} in BusyBox ash: %q (exit %d), want the braces left as text", out, rc)
	}
	for _, script := range []string{"a=(1 2)", "((1+1))"} {
		if out, rc := dockerRun(t, alpineImage, script); rc == 0 {
			t.Errorf("%s succeeded in BusyBox ash (%q); the bash-syntax rule rests on it failing", script, out)
		}
	}
}

// TestE2EBusyBoxHelp re-runs the command that made
// internal/genalpinebase/testdata/busybox-help.txt (see SOURCES.md there)
// in the real Alpine and fails when the committed input differs.
func TestE2EBusyBoxHelp(t *testing.T) {
	e2eDocker(t)
	realAlpine(t)
	want, err := os.ReadFile(filepath.Join("..", "internal", "genalpinebase", "testdata", "busybox-help.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("docker", "run", "--rm", "--network", "none", alpineImage, "sh", "-c",
		`busybox | head -1; for a in $(busybox --list); do echo "### $a"; timeout 5 busybox $a --help </dev/null 2>&1; echo "### rc=$?"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("busybox-help.txt differs from what the real BusyBox prints (%d bytes, want %d): regenerate it as SOURCES.md says", len(out), len(want))
	}
}
