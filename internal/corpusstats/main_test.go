package main

import (
	"strings"
	"testing"

	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

func TestPattern(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`stage 0 left unchanged: package adb has no Alpine equivalent in 3.24`, `package X has no Alpine equivalent in V`},
		{`stage "build" left unchanged: osrf/ros:noetic-desktop-focal is not an official image with an Alpine variant, so docklean cannot tell what it is built on`,
			`IMAGE is not an official image with an Alpine variant, so docklean cannot tell what it is built on`},
		{`stage 1 left unchanged: it adds a PPA (ppa:yubico/stable), which has no Alpine equivalent`, `it adds a PPA (…), which has no Alpine equivalent`},
		{`stage 2 left unchanged: stage "base", built on it, cannot be converted (line 7)`, `stage …, built on it, cannot be converted (…)`},
	} {
		if got := pattern(c.in); got != c.want {
			t.Errorf("pattern(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStages(t *testing.T) {
	doc, err := parser.Parse([]byte("FROM debian:12 AS a\nRUN apt-get update && apt-get install -y curl\nFROM a\nRUN echo install\nFROM alpine:3.20\nRUN apk add --no-cache curl\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, false}
	for i, s := range doc.Stages {
		if got := installsWithApt(doc, s); got != want[i] {
			t.Errorf("stage %d: installsWithApt = %v, want %v", i, got, want[i])
		}
	}
	if !movedToAlpine(doc, doc.Stages[2]) || movedToAlpine(doc, doc.Stages[1]) {
		t.Error("movedToAlpine: want only stage 2")
	}
	if rootBase(doc.Stages[1]) != "debian:12" || !fullImage("debian:12") || fullImage("debian:12-slim") || !fullImage("python:3.12") || fullImage("python:3.12-alpine") {
		t.Error("rootBase/fullImage")
	}
	if refusalFor(doc.Stages[1], nil) != "(no refusal finding)" {
		t.Error("refusalFor without findings")
	}
}

func TestCompareReview(t *testing.T) {
	prev := map[string]reviewed{"a": {"h1", "correct"}, "b": {"h2", "breaks at run"}, "c": {"h3", "unsure"}}
	now := map[string]string{"a": "h1", "b": "h9", "d": "h4"}
	var out strings.Builder
	compareReview(&out, prev, now)
	want := "\nreview: 1 files unchanged since the review, 1 with a new output, 1 new, 1 no longer changed by the alpine pass\n" +
		"new output\tb\t(was breaks at run)\nnew\td\nno longer changed\tc\t(was unsure)\n"
	if out.String() != want {
		t.Errorf("compareReview:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestAptNames(t *testing.T) {
	doc, err := parser.Parse([]byte("FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n\tcurl \\\n\tlibssl-dev=3.0.1 $EXTRA 'quoted' \\\n\t&& rm -rf /var/lib/apt/lists/*\nRUN apt-get --no-install-recommends install -y git; echo install\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(aptNames(doc, doc.Stages[0]), " ")
	if want := "curl libssl-dev git"; got != want {
		t.Errorf("aptNames = %q, want %q", got, want)
	}
}

func TestReach(t *testing.T) {
	for ref, want := range map[string]family{"ubuntu:22.04": famUbuntu, "docker.io/library/debian:bookworm": famDebian,
		"python:3.12": famSlimLang, "golang:1.22@sha256:00": famGolang, "php:8.2-apache": famOtherLang, "example/app": famUnfamiliar} {
		if got := familyOf(ref); got != want {
			t.Errorf("familyOf(%q) = %q, want %q", ref, got, want)
		}
	}
	doc, err := parser.Parse([]byte("FROM python:3.12 AS base\nRUN true\nFROM base AS dev\nRUN make\nFROM base\nCMD [\"x\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	findings := []transform.Finding{
		{Pass: "alpine", Line: 4, Kind: transform.Refused, Message: "stage 1 left unchanged: package X has no Alpine equivalent"},
		{Pass: "slim", Line: 4, Kind: transform.Refused, Message: `stage "dev" left on python:3.12: line 4 runs make`},
	}
	if got, want := blocker(doc, findings), "slim: line N runs make"; got != want {
		t.Errorf("blocker = %q, want %q", got, want)
	}
	if got, want := blocker(doc, findings[:1]), "alpine: package X has no Alpine equivalent"; got != want {
		t.Errorf("blocker without a slim finding = %q, want %q", got, want)
	}
	if got := blocker(doc, nil); got != "(no refusal)" {
		t.Errorf("blocker without findings = %q", got)
	}
}
