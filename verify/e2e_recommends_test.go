package verify

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestE2ERecommends proves issue 14 §6 with real builds on the Debian
// stand-in (apt-get installs from the Debian archive): cache-cleanup adds
// --no-install-recommends to "apt-get install -y git", and keeps
// openssh-client, which git only recommends, because the image runs ssh.
// The rewrite must behave like the original (ssh -V prints the same), and
// the rewrite without the kept package (what cache-cleanup did before)
// must not: that is the hazard the rule rests on.
func TestE2ERecommends(t *testing.T) {
	d := e2eDocker(t)
	src := []byte("FROM debian:bookworm-slim\n" +
		"RUN apt-get update && apt-get install -y git\n" +
		"CMD [\"ssh\", \"-V\"]\n")
	res := rewrite(t, "Dockerfile", src, nil, "cache-cleanup")
	out := string(res.Output)
	t.Logf("rewritten Dockerfile:\n%s", out)
	if !strings.Contains(out, "--no-install-recommends") || !strings.Contains(out, " openssh-client") {
		t.Fatalf("cache-cleanup should add --no-install-recommends and keep openssh-client; got:\n%s", out)
	}
	naive := strings.Replace(out, " openssh-client", "", 1)
	standins(t, d, baseImages(src, res.Output))
	dir := t.TempDir()
	verify := verifier(t, d, dir, time.Minute)
	rep := verify(string(src), out)
	if !rep.Original.Build.OK || !rep.Rewritten.Build.OK {
		t.Fatal("both Dockerfiles must build")
	}
	if !rep.SameRun || rep.Original.Run.Exit != 0 || !strings.Contains(rep.Original.Run.Stdout+rep.Original.Run.Stderr, "OpenSSH") {
		t.Fatalf("the rewrite must run ssh -V like the original: original %+v, rewritten %+v", rep.Original.Run, rep.Rewritten.Run)
	}
	bad := verify(string(src), naive)
	if bad.SameRun || bad.Rewritten.Run == nil || bad.Rewritten.Run.Exit == 0 {
		t.Fatalf("without openssh-client the image should not run ssh; rewritten run %+v", bad.Rewritten.Run)
	}
}

// TestE2ERecommendsPipBuild: python3-pip recommends build-essential and
// python3-dev, with which "pip install ./ext" compiles a C extension (from
// the build context: PyPI is not reachable here). cache-cleanup must keep
// them; without them (what it did before) the build fails.
func TestE2ERecommendsPipBuild(t *testing.T) {
	d := e2eDocker(t)
	dir := t.TempDir()
	files := map[string]string{
		"ext/setup.py": "from setuptools import setup, Extension\nsetup(name='hello', version='1.0', ext_modules=[Extension('hello', ['hello.c'])])\n",
		"ext/hello.c": "#include <Python.h>\nstatic PyObject *hi(PyObject *s, PyObject *a) { return PyUnicode_FromString(\"built\"); }\n" +
			"static PyMethodDef m[] = {{\"hi\", hi, METH_NOARGS, \"\"}, {0}};\n" +
			"static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, \"hello\", 0, -1, m};\n" +
			"PyMODINIT_FUNC PyInit_hello(void) { return PyModule_Create(&d); }\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := []byte("FROM debian:bookworm-slim\n" +
		"RUN apt-get update && apt-get install -y python3-pip\n" +
		"COPY ext /ext\n" +
		"RUN pip install --break-system-packages --no-build-isolation --no-deps /ext\n" +
		"CMD [\"python3\", \"-c\", \"import hello; print(hello.hi())\"]\n")
	res := rewrite(t, "Dockerfile", src, nil, "cache-cleanup")
	out := string(res.Output)
	t.Logf("rewritten Dockerfile:\n%s", out)
	if !strings.Contains(out, "--no-install-recommends") || !strings.Contains(out, " build-essential python3-dev") {
		t.Fatalf("cache-cleanup should keep build-essential and python3-dev; got:\n%s", out)
	}
	standins(t, d, baseImages(src, res.Output))
	verify := verifier(t, d, dir, time.Minute)
	rep := verify(string(src), out)
	if !rep.Original.Build.OK || !rep.Rewritten.Build.OK || !rep.SameRun || rep.Original.Run.Stdout != "built\n" {
		t.Fatalf("both must build and print built: original %+v, rewritten %+v", rep.Original.Run, rep.Rewritten.Run)
	}
	naive := strings.Replace(out, " build-essential python3-dev", "", 1)
	bad := verify(string(src), naive)
	if bad.Rewritten.Build.OK {
		t.Fatal("without build-essential and python3-dev the pip build should fail")
	}
}

// TestE2ERecommendsOwnProgram: a package's own programs may use what it
// recommends (docs/other-review.md, vimagick editly): xvfb-run, a script of
// xvfb, stops with "xauth command not found" without xauth, which xvfb only
// recommends. The image runs xvfb-run under dumb-init, as editly does
// (xvfb-run as PID 1 never sees Xvfb's ready signal), so cache-cleanup must
// keep xauth; without it (what it did before) the run exits 3.
func TestE2ERecommendsOwnProgram(t *testing.T) {
	d := e2eDocker(t)
	src := []byte("FROM debian:bookworm-slim\n" +
		"RUN apt-get update && apt-get install -y dumb-init xvfb\n" +
		"ENTRYPOINT [\"dumb-init\", \"--\", \"xvfb-run\", \"-a\"]\n" +
		"CMD [\"echo\", \"ran\"]\n")
	res := rewrite(t, "Dockerfile", src, nil, "cache-cleanup")
	out := string(res.Output)
	t.Logf("rewritten Dockerfile:\n%s", out)
	if !strings.Contains(out, "--no-install-recommends") || !strings.Contains(out, " xauth") {
		t.Fatalf("cache-cleanup should add --no-install-recommends and keep xauth; got:\n%s", out)
	}
	standins(t, d, baseImages(src, res.Output))
	dir := t.TempDir()
	verify := verifier(t, d, dir, 3*time.Minute)
	rep := verify(string(src), out)
	if !rep.Original.Build.OK || !rep.Rewritten.Build.OK || !rep.SameRun || rep.Original.Run.Exit != 0 || !strings.Contains(rep.Original.Run.Stdout, "ran") {
		t.Fatalf("both must build and run xvfb-run: original %+v, rewritten %+v", rep.Original.Run, rep.Rewritten.Run)
	}
	naive := strings.Replace(out, " xauth", "", 1)
	bad := verify(string(src), naive)
	if bad.SameRun || bad.Rewritten.Run == nil || bad.Rewritten.Run.Exit == 0 {
		t.Fatalf("without xauth xvfb-run should fail; rewritten run %+v", bad.Rewritten.Run)
	}
}

// verifier returns a function that builds an original and a rewrite with
// the build context dir, logs verify's report and returns it.
func verifier(t *testing.T, d *Docker, dir string, timeout time.Duration) func(original, rewritten string) *Report {
	return func(a, b string) *Report {
		rep, err := d.Verify(context.Background(), Config{Original: []byte(a), Rewritten: []byte(b), Context: dir, Timeout: timeout})
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		rep.Write(&sb)
		t.Logf("\n%s", sb.String())
		return rep
	}
}
