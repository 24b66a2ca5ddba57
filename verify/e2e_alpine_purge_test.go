package verify

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docklean/docklean/transform"
)

// purgeDockerfile installs libpng-dev, installs a program linked against
// libpng16.so.16 and purges libpng-dev; purge is "purge -y" or
// "purge -y --auto-remove".
func purgeDockerfile(purge string) string {
	return `FROM debian:bookworm-slim
COPY prog /usr/src/prog/
RUN apt-get update && apt-get install -y --no-install-recommends libpng-dev && install -m 755 /usr/src/prog/prog /usr/local/bin/prog && apt-get ` + purge + ` libpng-dev && rm -rf /var/lib/apt/lists/*
CMD ["prog", "--version"]
`
}

// keepLine is the line the alpine pass inserts after FROM for a purge
// without --auto-remove: libpng-dev → libpng16-16 → Alpine's libpng.
var keepLine = regexp.MustCompile(`(?m)^RUN apk add --no-cache libpng\n`)

// TestE2EAlpinePurgeKeeps proves keepRuntime (passes/alpine/pkg.go) on
// both sides, in seconds once the Debian stand-in and the minirootfs
// image exist.
//
// debian, the premise, on the debian:bookworm-slim stand-in with Debian's
// archive: "apt-get purge -y libpng-dev" keeps libpng16-16, which
// libpng-dev brought, and "apt-get purge -y --auto-remove libpng-dev"
// leaves the image's packages as they were.
//
// alpine: docklean's output for purgeDockerfile("purge -y") installs
// libpng for good (RUN apk add --no-cache libpng after FROM) besides the
// .build-deps virtual package. Built, with no network, FROM the real
// Alpine minirootfs plus the signed local repository of
// TestE2EAlpineBuildDeps (libpng, libpng-dev), libpng stays, libpng-dev
// goes and the program (the minirootfs's apk needing libpng16.so.16 for
// libcrypto.so.3) runs. The control, the same output without the
// inserted line, must lose libpng and the program must not start, so the
// test fails when keepRuntime stops keeping libpng.
//
// auto-remove: for "purge -y --auto-remove" docklean must not keep
// libpng (Debian removes libpng16-16 too): checked on the output text.
func TestE2EAlpinePurgeKeeps(t *testing.T) {
	d := e2eDocker(t)
	realAlpine(t)
	if arch, err := exec.Command("docker", "version", "--format", "{{.Server.Arch}}").Output(); err != nil || strings.TrimSpace(string(arch)) != "amd64" {
		t.Fatalf("the Docker engine must run x86_64 images (the minirootfs is x86_64): server arch %q, %v", arch, err)
	}
	standins(t, d, []string{debianImage})
	start := time.Now()
	t.Cleanup(func() { t.Logf("done in %v", time.Since(start).Round(100*time.Millisecond)) })
	var rnd [4]byte
	rand.Read(rnd[:])
	tags := "docklean-e2e/purgekeeps-" + hex.EncodeToString(rnd[:])

	root := minirootfsFiles(t, "sbin/apk", "lib/libcrypto.so.3")
	prog, err := renameNeeded(root["sbin/apk"], "libcrypto.so.3", "libpng16.so.16")
	if err != nil {
		t.Fatal(err)
	}
	ctxDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(ctxDir, "prog"), prog, 0o755); err != nil {
		t.Fatal(err)
	}

	t.Run("debian", func(t *testing.T) {
		t.Parallel()
		install := "apt-get update && apt-get install -y --no-install-recommends libpng-dev && "
		dfs := []string{
			"FROM " + debianImage + "\nRUN " + install + "apt-get purge -y libpng-dev && dpkg -s libpng16-16\n",
			"FROM " + debianImage + "\nRUN " + install + "apt-get purge -y --auto-remove libpng-dev\n",
		}
		var logs [2]string
		var errs [2]error
		var wg sync.WaitGroup
		for i, df := range dfs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				logs[i], errs[i] = buildNetwork(t, df, tags+":debian-"+[]string{"purge", "autoremove"}[i])
			}()
		}
		wg.Wait()
		for i := range dfs {
			if errs[i] != nil {
				t.Fatalf("on the Debian stand-in (apt-get needs Debian's archive):\n%s\n%v\n%s", dfs[i], errs[i], tail(logs[i], 30))
			}
		}
		// What each image holds beyond the stand-in's packages.
		installed := func(image string) []string {
			t.Helper()
			out, err := probe(image, []check{{script: "dpkg-query -W -f='${db:Status-Status} ${Package}\\n' | sed -n 's/^installed //p'"}})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(out[0], "exit 0") {
				t.Fatalf("%s: dpkg-query: %s", image, out[0])
			}
			return strings.Fields(strings.TrimSuffix(out[0], "exit 0"))
		}
		had := installed(debianImage)
		added := func(image string) []string {
			t.Helper()
			var extra []string
			for _, p := range installed(image) {
				if !slices.Contains(had, p) {
					extra = append(extra, p)
				}
			}
			return extra
		}
		keep, gone := added(tags+":debian-purge"), added(tags+":debian-autoremove")
		t.Logf("apt-get purge -y libpng-dev leaves, beyond the stand-in's packages: %v", keep)
		t.Logf("apt-get purge -y --auto-remove libpng-dev leaves: %v", gone)
		if !slices.Contains(keep, "libpng16-16") || slices.Contains(keep, "libpng-dev") {
			t.Errorf("apt-get purge -y libpng-dev must keep libpng16-16 and remove libpng-dev; left %v", keep)
		}
		if len(gone) != 0 {
			t.Errorf("apt-get purge -y --auto-remove libpng-dev must leave nothing it installed (libpng16-16 goes too); left %v", gone)
		}
		out, err := probe(tags+":debian-autoremove", []check{{script: "dpkg -s libpng16-16"}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(out[0], "exit 1") || !strings.Contains(out[0], "is not installed") {
			t.Errorf("after purge --auto-remove, dpkg -s libpng16-16 must say it is not installed: %s", out[0])
		}
	})

	t.Run("alpine", func(t *testing.T) {
		t.Parallel()
		res := rewrite(t, "Dockerfile", []byte(purgeDockerfile("purge -y")), os.DirFS(ctxDir), "alpine")
		out := string(res.Output)
		t.Logf("docklean's output:\n%s", out)
		for _, f := range res.Findings {
			if f.Kind == transform.Refused {
				t.Fatalf("the alpine pass refused: line %d: %s", f.Line, f.Message)
			}
		}
		if n := len(keepLine.FindAllString(out, -1)); n != 1 {
			t.Fatalf("docklean's output must install libpng for good in one RUN apk add --no-cache libpng line after FROM (libpng-dev → libpng16-16 → libpng); found %d", n)
		}
		if !slices.ContainsFunc(res.Findings, func(f transform.Finding) bool {
			return strings.Contains(f.Message, "keeps libpng16-16, which libpng-dev brought")
		}) {
			t.Error("no finding says the purge keeps libpng16-16, which libpng-dev brought")
		}
		for _, want := range []string{"apk add --no-cache --virtual .build-deps libpng-dev && ", "&& apk del .build-deps\n"} {
			if !strings.Contains(out, want) {
				t.Fatalf("docklean's output lacks %q", want)
			}
		}
		from := regexp.MustCompile(`(?m)^FROM alpine:\S+$`)
		if n := len(from.FindAllString(out, -1)); n != 1 {
			t.Fatalf("want one FROM alpine:… line, found %d", n)
		}
		base := localRepoImage(t, tags+":base", root["lib/libcrypto.so.3"])
		converted := from.ReplaceAllLiteralString(out, "FROM "+base)
		control := keepLine.ReplaceAllLiteralString(converted, "")

		probes := [2][]check{{
			{"libpng must stay installed (kept by the RUN apk add --no-cache libpng)", "apk info -e libpng", true, ""},
			{"libpng must be in the world (installed for good, not only as libpng-dev's dependency)", "grep -x libpng /etc/apk/world", true, ""},
			{"libpng-dev must be gone (apk del .build-deps)", "apk info -e libpng-dev || test -e /usr/include/png.h", false, ""},
			{".build-deps must be gone", "apk info -e .build-deps", false, ""},
			{"the built program must run", "prog --version | grep apk-tools", true, ""},
		}, {
			{"control: without the kept libpng, apk del .build-deps must remove libpng (else the test could not see keepRuntime fail)", "apk info -e libpng", false, ""},
			{"control: without the kept libpng the program must fail to load libpng16.so.16", "prog --version", false, "Error loading shared library libpng16.so.16"},
		}}
		buildAndCheck(t, ctxDir, tags, [2]string{converted, control}, "no RUN apk add --no-cache libpng", probes)
	})

	t.Run("auto-remove", func(t *testing.T) {
		t.Parallel()
		res := rewrite(t, "Dockerfile", []byte(purgeDockerfile("purge -y --auto-remove")), os.DirFS(ctxDir), "alpine")
		out := string(res.Output)
		t.Logf("docklean's output:\n%s", out)
		for _, f := range res.Findings {
			if f.Kind == transform.Refused {
				t.Fatalf("the alpine pass refused: line %d: %s", f.Line, f.Message)
			}
			if strings.Contains(f.Message, "libpng16-16") {
				t.Errorf("with --auto-remove Debian removes libpng16-16 too, so nothing keeps it: %s", f.Message)
			}
		}
		for _, want := range []string{"apk add --no-cache --virtual .build-deps libpng-dev && ", "&& apk del .build-deps\n"} {
			if !strings.Contains(out, want) {
				t.Fatalf("docklean's output lacks %q", want)
			}
		}
		if regexp.MustCompile(`\blibpng(\s|$)`).MatchString(out) {
			t.Error("with --auto-remove docklean must not install libpng (Debian removes libpng16-16 too)")
		}
	})
}

// buildNetwork builds a Dockerfile with no context, with the engine's
// default network (apt-get reaches Debian's archive) and no cache, tags it
// tag and returns the build log.
func buildNetwork(t *testing.T, dockerfile, tag string) (string, error) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		return "", err
	}
	out, err := exec.Command("docker", "build", "--no-cache", "-t", tag, dir).CombinedOutput()
	if err == nil {
		t.Cleanup(func() { exec.Command("docker", "rmi", "-f", tag).Run() })
	}
	return ansiColour.ReplaceAllString(string(out), ""), err
}
