package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestWriteErrors: a write error on standard output (here /dev/full, "no
// space left on device") fails every output mode with exit status 2 and a
// message, instead of exiting 0 with nothing written.
func TestWriteErrors(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatalf("this test needs /dev/full: %v", err)
	}
	defer full.Close()
	dir := t.TempDir()
	df := filepath.Join(dir, "Dockerfile")
	src := "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n"
	if err := os.WriteFile(df, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{df},
		{"-d", df},
		{"-l", df},
		{"--check", df},
		{"--format", "json", df},
		{"--format", "sarif", df},
		{"-v", df},
		{"passes"},
	} {
		var stderr bytes.Buffer
		code := run(append([]string{"docklean"}, args...), strings.NewReader(""), full, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "no space left on device") {
			t.Errorf("docklean %s > /dev/full: exit %d, stderr %q; want exit 2 and the write error", strings.Join(args, " "), code, stderr.String())
		}
	}
	// standard input to standard output
	var stderr bytes.Buffer
	if code := run([]string{"docklean"}, strings.NewReader(src), full, &stderr); code != 2 {
		t.Errorf("docklean < Dockerfile > /dev/full: exit %d, want 2 (stderr %q)", code, stderr.String())
	}
}

// TestRealStdout runs the built command with its real standard output on
// /dev/full (exit 2, a message) and on a pipe whose reader has gone
// (killed by SIGPIPE, like gofmt and cat; never exit 0).
func TestRealStdout(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "docklean")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	df := filepath.Join("..", "..", "examples", "Dockerfile")
	if _, err := os.Stat(df); err != nil {
		t.Fatal(err)
	}
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatalf("this test needs /dev/full: %v", err)
	}
	defer full.Close()
	cmd := exec.Command(bin, df)
	cmd.Stdout = full
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "writing standard output") {
		t.Errorf("docklean examples/Dockerfile > /dev/full: %v, stderr %q; want exit 2", err, stderr.String())
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	cmd = exec.Command(bin, "-d", df)
	cmd.Stdout = w
	err = cmd.Run()
	w.Close()
	if !errors.As(err, &ee) {
		t.Fatalf("docklean -d with a closed pipe: %v; want it to end by SIGPIPE", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGPIPE {
		t.Errorf("docklean -d with a closed pipe: %v; want it to end by SIGPIPE", err)
	}
}
