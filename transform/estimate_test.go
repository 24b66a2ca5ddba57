package transform

import (
	"testing"

	"github.com/docklean/docklean/parser"
)

func TestEstimate(t *testing.T) {
	before := []byte("FROM python:3.12-slim-bookworm AS base\nRUN true\nFROM base\nCMD [\"python\"]\n")
	after := []byte("FROM python:3.12-alpine AS base\nRUN true\nFROM base\nCMD [\"python\"]\n")
	e, ok := estimateOf(before, after)
	if !ok || e.BeforeImage != "python:3.12-slim-bookworm" || e.AfterImage != "python:3.12-alpine" || e.BeforeMB != 130 || e.AfterMB != 57 {
		t.Fatalf("got %+v, %v", e, ok)
	}
	if e.String() != "estimate: final base image python:3.12-slim-bookworm (~130 MB) → python:3.12-alpine (~57 MB), from base image sizes only" {
		t.Fatal(e.String())
	}
	for _, c := range [][2]string{
		{"FROM ubuntu:22.04\n", "FROM ubuntu:22.04\n"},             // no change
		{"FROM python:3-slim\n", "FROM python:3.14-slim\n"},        // same size class
		{"FROM acme/base:1\n", "FROM alpine:3.24\n"},               // unknown before
		{"FROM ubuntu@sha256:abc\n", "FROM alpine:3.24\n"},         // digest
		{"ARG B=ubuntu\nFROM ${B}\n", "ARG B=alpine\nFROM ${B}\n"}, // variable
	} {
		if e, ok := estimateOf([]byte(c[0]), []byte(c[1])); ok {
			t.Errorf("%q → %q: unexpected estimate %v", c[0], c[1], e)
		}
	}
	if e, ok := estimateOf([]byte("FROM golang:1.22\n"), []byte("FROM golang:1.22 AS build\nFROM scratch\n")); !ok || e.AfterMB != 0 || e.BeforeMB != 815 {
		t.Errorf("multistage: %+v %v", e, ok)
	}
}

// estimateOf parses both texts and estimates; ok is false when either does
// not parse.
func estimateOf(before, after []byte) (*SizeEstimate, bool) {
	b, errB := parser.Parse(before)
	a, errA := parser.Parse(after)
	if errB != nil || errA != nil {
		return nil, false
	}
	return estimate(b, a)
}

// estimate estimates the size change of the final image from the
// final-stage base images of b (before) and a (after). ok is false when both
// bases are the same, in the same size class, or either is unknown to the
// table (a stage reference is followed to its base).
func estimate(b, a *parser.Document) (*SizeEstimate, bool) {
	bi, bs, okB := finalBaseSize(b)
	return estimateAfter(bi, bs, okB, a)
}

func TestSlimEstimate(t *testing.T) {
	for _, c := range []struct {
		before, after string
		b, a          float64
	}{
		{"FROM python:3.12\n", "FROM python:3.12-slim\n", 1020, 130},
		{"FROM buildpack-deps:bookworm-scm\n", "FROM debian:bookworm-slim\n", 380, 75},
		{"FROM perl:5.40\n", "FROM perl:5.40-slim\n", 880, 110},
	} {
		e, ok := estimateOf([]byte(c.before), []byte(c.after))
		if !ok || e.BeforeMB != c.b || e.AfterMB != c.a {
			t.Errorf("%q → %q: got %+v %v, want %v → %v MB", c.before, c.after, e, ok, c.b, c.a)
		}
	}
}
