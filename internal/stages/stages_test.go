package stages

import (
	"testing"

	"github.com/docklean/docklean/parser"
)

func TestParseRef(t *testing.T) {
	for ref, want := range map[string]Ref{
		"python:3.12":                        {Name: "python", Tag: "3.12", Official: true},
		"docker.io/library/node:22@sha256:x": {Prefix: "docker.io/library/", Name: "node", Tag: "22", Digest: "sha256:x", Official: true},
		"ghcr.io/team/app:1":                 {Prefix: "ghcr.io/", Name: "team/app", Tag: "1"},
		"localhost:5000/app":                 {Prefix: "localhost:5000/", Name: "app"},
		"team/app":                           {Prefix: "", Name: "team/app"},
	} {
		if got := ParseRef(ref); got != want {
			t.Errorf("ParseRef(%q) = %+v, want %+v", ref, got, want)
		}
	}
}

// TestStages checks the stage helpers on one file: ARG expansion in FROM,
// a parent named through an ARG, the final command, where FROM writes its
// image, and the names of stages in findings.
func TestStages(t *testing.T) {
	src := "ARG BASE=debian:bookworm\nARG B=build\nFROM ${BASE} AS build\nENTRYPOINT [\"app\"]\nFROM ${B}\nCMD [\"x\"]\nFROM --platform=$BUILDPLATFORM \\\n  alpine:3.20 AS last\n"
	doc, err := parser.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if ref, err := ExpandBase(doc, "${BASE}-slim"); err != nil || ref != "debian:bookworm-slim" {
		t.Errorf("ExpandBase = %q, %v", ref, err)
	}
	if _, err := ExpandBase(doc, "${NONE}"); err == nil {
		t.Error("ExpandBase of an ARG without default: no error")
	}
	build, second, last := doc.Stages[0], doc.Stages[1], doc.Stages[2]
	if p := ParentStage(doc, second); p != build {
		t.Errorf("ParentStage(FROM ${B}) = %v, want the build stage", p)
	}
	if p := ParentStage(doc, build); p != nil {
		t.Errorf("ParentStage(FROM ${BASE}) = %v, want nil (an image)", p)
	}
	if st, cmd := FinalCommand(doc, []*parser.Stage{build, second}); st != nil || cmd != nil {
		t.Errorf("FinalCommand of a tree without the last stage = %v, %v", st, cmd)
	}
	if st, cmd := FinalCommand(doc, []*parser.Stage{last}); st != last || cmd != nil {
		t.Errorf("FinalCommand(last) = %v, %v, want the last stage and no command", st, cmd)
	}
	s, e, ok := FromImageSpan(doc, last.From, "alpine:3.20")
	if !ok || src[s:e] != "alpine:3.20" {
		t.Errorf("FromImageSpan = %d, %d, %v", s, e, ok)
	}
	if got := StageName(build) + ", " + StageName(second); got != `stage "build", stage 1` {
		t.Errorf("StageName: %s", got)
	}
	if got := StageLabel(build) + ", " + StageLabel(second); got != "0 (build), 1" {
		t.Errorf("StageLabel: %s", got)
	}
	if got := AbsPath("/app", "../etc/x") + " " + AbsPath("/app", "/usr//bin"); got != "/etc/x /usr/bin" {
		t.Errorf("AbsPath: %s", got)
	}
}
