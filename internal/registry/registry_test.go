package registry

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// serve starts an in-process OCI registry and pushes a random image index
// (a multi-platform image) for each ref; it returns the host and the
// digests pushed.
func serve(t *testing.T, refs ...string) (string, map[string]v1.Hash) {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	digests := map[string]v1.Hash{}
	for _, r := range refs {
		idx, err := random.Index(64, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		tag, err := name.NewTag(host+"/"+r, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.WriteIndex(tag, idx); err != nil {
			t.Fatal(err)
		}
		if digests[r], err = idx.Digest(); err != nil {
			t.Fatal(err)
		}
	}
	return host, digests
}

func TestResolve(t *testing.T) {
	host, digests := serve(t, "library/alpine:3.24", "team/app:1.2")
	r := &Resolver{hub: host, insecure: true, timeout: 5 * time.Second}
	for ref, want := range map[string]v1.Hash{
		"alpine:3.24":                   digests["library/alpine:3.24"],
		"docker.io/library/alpine:3.24": digests["library/alpine:3.24"],
		"team/app:1.2":                  digests["team/app:1.2"],
		host + "/team/app:1.2":          digests["team/app:1.2"],
	} {
		got, err := r.Resolve(ref)
		if err != nil || got != want.String() {
			t.Errorf("Resolve(%q) = %q, %v; want %s", ref, got, err, want)
		}
	}
	if _, err := r.Resolve("alpine:9.99"); err == nil {
		t.Error("Resolve of a tag the registry lacks succeeded")
	}
}

func TestTimeout(t *testing.T) {
	// A server that accepts connections and never answers.
	block := make(chan struct{})
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = httpHang(block)
	srv.Start()
	t.Cleanup(func() { close(block); srv.Close() })
	r := &Resolver{hub: strings.TrimPrefix(srv.URL, "http://"), insecure: true, timeout: 200 * time.Millisecond}
	start := time.Now()
	if _, err := r.Resolve("alpine:3.24"); err == nil {
		t.Fatal("Resolve against a silent registry succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Resolve took %v, want about the 200ms timeout", d)
	}
}

// TestPinDigests runs the pin pass with --digests against the in-process
// registry: pinned tags get their index digest, a tag the registry lacks is
// a finding for that image only, and --refresh-digests replaces a stale one.
func TestPinDigests(t *testing.T) {
	host, digests := serve(t, "library/alpine:3.24", "library/python:3.14-slim", "team/app:1.2")
	r := &Resolver{hub: host, insecure: true, timeout: 5 * time.Second}
	pin, err := passes.Select([]string{"pin"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := "FROM alpine:latest AS a\nFROM python:3-slim AS b\nFROM team/app:1.2 AS c\nFROM node:24.19-alpine AS d\n"
	opts := &transform.Options{Today: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), Resolve: r.Resolve}
	if err := opts.Set(passes.Option("digests"), "true"); err != nil {
		t.Fatal(err)
	}
	res, err := transform.Process("Dockerfile", []byte(src), pin, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := "FROM alpine:3.24@" + digests["library/alpine:3.24"].String() + " AS a\n" +
		"FROM python:3.14-slim@" + digests["library/python:3.14-slim"].String() + " AS b\n" +
		"FROM team/app:1.2@" + digests["team/app:1.2"].String() + " AS c\n" +
		"FROM node:24.19-alpine AS d\n"
	if string(res.Output) != want {
		t.Errorf("output:\n%s\nwant:\n%s", res.Output, want)
	}
	var failed int
	for _, f := range res.Findings {
		if f.Kind == transform.Refused && strings.Contains(f.Message, "could not resolve the digest of node:24.19-alpine") && f.Line == 4 {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("want one refusal for node:24.19-alpine on line 4, got findings %v", res.Findings)
	}

	again, err := transform.Process("Dockerfile", res.Output, pin, opts)
	if err != nil || string(again.Output) != string(res.Output) {
		t.Errorf("second run changed the output (err %v):\n%s", err, again.Output)
	}

	stale := "FROM alpine:3.24@sha256:" + strings.Repeat("0", 64) + "\n"
	keep, err := transform.Process("Dockerfile", []byte(stale), pin, opts)
	if err != nil || string(keep.Output) != stale {
		t.Errorf("--digests without refresh changed an existing digest: %s (%v)", keep.Output, err)
	}
	if err := opts.Set(passes.Option("refresh-digests"), "true"); err != nil {
		t.Fatal(err)
	}
	fresh, err := transform.Process("Dockerfile", []byte(stale), pin, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(fresh.Output), "FROM alpine:3.24@"+digests["library/alpine:3.24"].String()+"\n"; got != want {
		t.Errorf("--refresh-digests gave %q, want %q", got, want)
	}
}

// httpHang is a handler that answers nothing until block is closed.
func httpHang(block chan struct{}) http.Handler {
	return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-block })
}

// TestResolveRemembers: a second lookup of the same image is answered
// without the registry, which is gone by then.
func TestResolveRemembers(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	host := strings.TrimPrefix(srv.URL, "http://")
	idx, err := random.Index(64, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag(host+"/library/alpine:3.24", name.Insecure)
	if err := remote.WriteIndex(tag, idx); err != nil {
		t.Fatal(err)
	}
	r := &Resolver{hub: host, insecure: true, timeout: time.Second}
	first, err := r.Resolve("alpine:3.24")
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if again, err := r.Resolve("alpine:3.24"); err != nil || again != first {
		t.Fatalf("second Resolve = %q, %v; want %q from memory", again, err, first)
	}
	if _, err := r.Resolve("alpine:3.23"); err == nil {
		t.Fatal("a lookup the closed registry cannot answer succeeded")
	}
}
