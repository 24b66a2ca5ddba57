package cachecleanup

import (
	"testing"

	"github.com/docklean/docklean/internal/commands"
	"github.com/docklean/docklean/parser"
)

func TestPureInstall(t *testing.T) {
	for args, want := range map[string]bool{
		"install requests":                          true,
		"install --upgrade pip setuptools":          true,
		"install requests==2.31.0":                  true,
		"install numpy":                             false,
		"install -r requirements.txt":               false,
		"install .":                                 false,
		"install":                                   false,
		"install ==1":                               false,
		"install --no-cache-dir Requests[security]": true,
	} {
		if got := pureInstall(splitWords(args)); got != want {
			t.Errorf("pureInstall(%q) = %v, want %v", args, got, want)
		}
	}
}

func splitWords(s string) []string {
	var out []string
	w := ""
	for _, r := range s + " " {
		if r == ' ' {
			if w != "" {
				out = append(out, w)
			}
			w = ""
			continue
		}
		w += string(r)
	}
	return out
}

// TestDebianRecommends checks the generated Recommends the rule rests on.
func TestDebianRecommends(t *testing.T) {
	tb := commands.Tables()
	for pkg, rec := range map[string]string{"git": "openssh-client", "python3-pip": "build-essential", "gcc": "libc6-dev"} {
		p := tb.Deb[pkg]
		if p == nil {
			t.Fatalf("%s missing from debian-commands.tsv", pkg)
		}
		found := false
		for _, r := range p.Recs {
			found = found || r == rec
		}
		if !found {
			t.Errorf("%s recommends %v, want %s among them", pkg, p.Recs, rec)
		}
	}
	if c := commandsOf(commands.DebClosure(map[string]bool{"openssh-client": true}, nil)); !c["ssh"] {
		t.Error("openssh-client's closure has no ssh")
	}
}

// TestStageRelease checks which Debian release a base image is read as.
func TestStageRelease(t *testing.T) {
	for base, want := range map[string]string{
		"debian:bookworm-slim":        "bookworm",
		"debian:12.5":                 "bookworm",
		"docker.io/library/debian:12": "bookworm",
		"python:3.12-slim-bookworm":   "bookworm",
		"node:22-bookworm-slim":       "bookworm",
		"buildpack-deps:bookworm-scm": "bookworm",
		"debian:11-slim":              "bullseye",
		"python:3.9-buster":           "buster",
		"debian:trixie":               "trixie",
		"python:3.12-slim":            "",
		"debian:stable-slim":          "",
		"ubuntu:22.04":                "",
		"myorg/app:bookworm":          "",
		"ghcr.io/x/debian:12":         "",
		"debian:${RELEASE}":           "",
		"node:20":                     "",
	} {
		doc, err := parser.Parse([]byte("FROM " + base + "\nRUN true\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := stageRelease(doc, doc.Stages[0]); got != want {
			t.Errorf("stageRelease(%s) = %q, want %q", base, got, want)
		}
	}
}
