package verify

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
)

// The end-to-end tests build real images. They run when DOCKLEAN_E2E=1 (as
// .ci/e2e sets it) and skip when no Docker engine answers.
func e2eDocker(t *testing.T) *Docker {
	t.Helper()
	if os.Getenv("DOCKLEAN_E2E") == "" {
		t.Skip("end-to-end test: set DOCKLEAN_E2E=1 to build images with the local Docker engine (bash .ci/e2e does)")
	}
	d := &Docker{}
	if err := d.Ping(context.Background()); err != nil {
		// DOCKLEAN_E2E asks for these tests: without an engine they fail.
		t.Fatalf("DOCKLEAN_E2E is set but no Docker engine answers: %v", err)
	}
	return d
}

// e2eCase is one fixture under testdata/e2e, rewritten by passes.
type e2eCase struct {
	name   string
	passes []string // the passes the case proves; it skips until all exist
	opts   transform.Options
	smoke  []string
	http   string
	check  func(t *testing.T, r *Report)
}

// optionsOf returns options with the pass option name set to value.
func optionsOf(name, value string) transform.Options {
	var o transform.Options
	if err := o.Set(passes.Option(name), value); err != nil {
		panic(err)
	}
	return o
}

// goCase: the rewrite must build, behave the same and be ≥20× smaller.
func goCase(name, http string) e2eCase {
	return e2eCase{
		name: name, http: http,
		passes: []string{"go-multistage"},
		// no Alpine packages can be fetched here, so the runtime is scratch
		opts: optionsOf("go-runtime", "scratch"),
		check: func(t *testing.T, r *Report) {
			if o, n := r.Original.Image.Size, r.Rewritten.Image.Size; o < 20*n {
				t.Errorf("rewritten image is %s, original %s: want at least 20× smaller, got %s", humanSize(n), humanSize(o), ratio(o, n))
			}
		},
	}
}

// debianCase: the rewrite must build, install the same packages, and be
// smaller with fewer layers.
func debianCase(name string) e2eCase {
	return e2eCase{
		name:   name,
		passes: []string{"run-merge", "cache-cleanup"},
		smoke:  []string{"dpkg", "-l"},
		check: func(t *testing.T, r *Report) {
			o, n := r.Original.Image, r.Rewritten.Image
			if n.Size >= o.Size {
				t.Errorf("rewritten image is %s, original %s: want smaller", humanSize(n.Size), humanSize(o.Size))
			}
			if n.Layers >= o.Layers {
				t.Errorf("rewritten image has %d layers, original %d: want fewer", n.Layers, o.Layers)
			}
		},
	}
}

func TestE2EPasses(t *testing.T) {
	d := e2eDocker(t)
	cases := []e2eCase{
		goCase("go-http", "/"),
		goCase("go-cli", ""),
		goCase("go-tz", ""),
		debianCase("debian-jq"),
		debianCase("debian-wget"),
	}
	var mu sync.Mutex
	rows := map[string]string{}
	t.Cleanup(func() {
		var table []string
		for _, c := range cases {
			if r, ok := rows[c.name]; ok {
				table = append(table, r)
			}
		}
		if len(table) > 0 {
			t.Logf("\n| fixture | size before → after | compressed | layers | build time |\n| --- | --- | --- | --- | --- |\n%s", strings.Join(table, "\n"))
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // two at a time by default: builds wait on the engine as much as on the CPU
			passes, err := passes.Select(c.passes, nil)
			if err != nil {
				t.Fatalf("%v: this case proves %s", err, strings.Join(c.passes, ", "))
			}
			dir := filepath.Join("testdata", "e2e", c.name)
			src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			opts := c.opts
			opts.Context = os.DirFS(dir)
			res, err := transform.Process(c.name+"/Dockerfile", src, passes, &opts)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Changed(src) {
				t.Fatalf("%s left the Dockerfile unchanged; findings: %v", strings.Join(c.passes, ", "), res.Findings)
			}
			t.Logf("rewritten Dockerfile:\n%s", res.Output)
			standins(t, d, baseImages(src, res.Output))
			rep, err := d.Verify(context.Background(), Config{
				Original: src, Rewritten: res.Output, Context: dir,
				Smoke: c.smoke, HTTP: c.http, Timeout: time.Minute, Compressed: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			rep.Write(&out)
			t.Logf("\n%s", out.String())
			if !rep.Original.Build.OK || !rep.Rewritten.Build.OK {
				t.Fatal("both Dockerfiles must build")
			}
			if !rep.SameRun {
				t.Fatal("the rewritten image must behave like the original")
			}
			c.check(t, rep)
			mu.Lock()
			rows[c.name] = tableRow(c.name, rep)
			mu.Unlock()
		})
	}
}

// tableRow is one markdown row of the before/after table the tests print.
func tableRow(name string, r *Report) string {
	o, n := r.Original, r.Rewritten
	ms := func(d time.Duration) string { return d.Round(100 * time.Millisecond).String() }
	return fmt.Sprintf("| %s | %s → %s (%s) | %s → %s | %d → %d | %s → %s |", name,
		humanSize(o.Image.Size), humanSize(n.Image.Size), ratio(o.Image.Size, n.Image.Size),
		humanSize(o.Image.Compressed), humanSize(n.Image.Compressed),
		o.Image.Layers, n.Image.Layers, ms(o.Build.Duration), ms(n.Build.Duration))
}

// TestE2EVerify checks verify itself on a small busybox image: a rewrite
// that fails to build, one that behaves differently, a base image that
// cannot be pulled, and cleanup.
func TestE2EVerify(t *testing.T) {
	d := e2eDocker(t)
	ctx := context.Background()
	dir := filepath.Join("testdata", "e2e", "busybox")
	src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	standins(t, d, baseImages(src))
	images := func() map[string]bool {
		out, _ := d.output(ctx, "images", "-aq")
		ids := map[string]bool{}
		for _, id := range strings.Fields(out) {
			ids[id] = true
		}
		return ids
	}
	before := images()
	verify := func(rewritten string, cfg Config) *Report {
		t.Helper()
		cfg.Original, cfg.Rewritten, cfg.Context = src, []byte(rewritten), dir
		rep, err := d.Verify(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}

	rep := verify(string(src), Config{})
	if !rep.OK() || !rep.SameRun || rep.Original.Run.Stdout != "hello\n" {
		t.Errorf("identical files: OK %v, same run %v, output %+v", rep.OK(), rep.SameRun, rep.Original.Run)
	}
	if rep.Original.Image.Layers != rep.Rewritten.Image.Layers || rep.Original.Image.Size != rep.Rewritten.Image.Size {
		t.Errorf("identical files measured differently: %+v vs %+v", rep.Original.Image, rep.Rewritten.Image)
	}

	multi := "FROM alpine:3.24 AS b\nRUN echo hello > /greeting\nFROM alpine:3.24\nCOPY --from=b /greeting /greeting\nCMD [\"cat\", \"/greeting\"]\n"
	if rep = verify(multi, Config{}); !rep.OK() {
		t.Errorf("multi-stage rewrite: OK false, runs %+v / %+v", rep.Original.Run, rep.Rewritten.Run)
	}

	rep = verify(strings.Replace(string(src), "echo hello", "echo hello && false", 1), Config{})
	if rep.OK() || rep.Rewritten.Build.OK || !rep.Original.Build.OK {
		t.Errorf("failing rewrite: OK %v, builds %v/%v", rep.OK(), rep.Original.Build.OK, rep.Rewritten.Build.OK)
	}
	if !strings.Contains(rep.Rewritten.Build.Step, "RUN echo hello && false") {
		t.Errorf("failed step = %q, want the RUN", rep.Rewritten.Build.Step)
	}

	rep = verify(strings.Replace(string(src), "hello", "bye", 1), Config{})
	if rep.OK() || rep.SameRun {
		t.Errorf("differing output: OK %v, runs %+v / %+v", rep.OK(), rep.Original.Run, rep.Rewritten.Run)
	}
	rep = verify(string(src), Config{Smoke: []string{"sh", "-c", "exit 3"}})
	if !rep.OK() || rep.Rewritten.Run.Exit != 3 {
		t.Errorf("--smoke run: OK %v, run %+v", rep.OK(), rep.Rewritten.Run)
	}
	rep = verify(string(src), Config{Smoke: []string{"sleep", "60"}, Timeout: 2 * time.Second})
	if !rep.Original.Run.TimedOut || !rep.OK() {
		t.Errorf("timeout: run %+v, OK %v", rep.Original.Run, rep.OK())
	}

	_, err = d.Verify(ctx, Config{Original: src, Rewritten: []byte("FROM docklean.invalid/nothing:1\n"), Context: dir})
	if err == nil || !strings.Contains(err.Error(), "docklean.invalid/nothing:1") {
		t.Errorf("unpullable base: err = %v, want it named", err)
	}
	var left []string
	for id := range images() {
		if !before[id] {
			left = append(left, id)
		}
	}
	if len(left) > 0 {
		t.Errorf("images left behind (or made by another process meanwhile): %v", left)
	}
}
