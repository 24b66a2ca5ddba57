// Package verify builds a Dockerfile and its rewrite with the local Docker
// engine, measures both images (size, compressed layers, layer count, build
// time) and smoke-runs them to check that the rewrite behaves the same.
//
// It drives the docker command-line client (see Docker), so it adds no
// dependency to docklean and works wherever `docker build` works.
package verify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/docklean/docklean/parser"
)

// Label is the image and container label verify puts on everything it
// creates; its value identifies one verification.
const Label = "docklean.verify"

// DefaultTimeout is the time limit of one smoke run.
const DefaultTimeout = 30 * time.Second

// Config says what to verify and how.
type Config struct {
	Original, Rewritten []byte // the two Dockerfiles
	Context             string // build context folder for both
	// Smoke is passed to `docker run IMAGE` in place of the image's CMD (an
	// ENTRYPOINT stays); nil runs the image as it is.
	Smoke []string
	// HTTP, when set, starts each image with its own CMD and compares the
	// response to GET HTTP on its first exposed port instead of running it.
	HTTP       string
	Timeout    time.Duration // per smoke run; 0 means DefaultTimeout
	Compressed bool          // also measure the gzip size of the layers (docker save)
	Keep       bool          // keep the images afterwards
	Progress   io.Writer     // where to say what is happening; nil for silence
}

// Side is what happened to one of the two Dockerfiles.
type Side struct {
	Build Build  `json:"build"`
	Image *Image `json:"image,omitempty"` // nil when the build failed
	Run   *Run   `json:"run,omitempty"`   // nil when not smoke-run
	Tag   string `json:"tag,omitempty"`   // set when the image is kept
}

// Report is the outcome of one verification.
type Report struct {
	Original  Side `json:"original"`
	Rewritten Side `json:"rewritten"`
	// SameRun is true when both images were smoke-run and behaved the same.
	SameRun bool `json:"same_run"`
}

// OK reports whether the rewrite passed: it built and, when both images were
// smoke-run, behaved like the original.
func (r *Report) OK() bool {
	return r.Rewritten.Build.OK && (r.Original.Run == nil || r.SameRun)
}

// Verify builds, measures and smoke-runs cfg.Original and cfg.Rewritten. Its
// error is for what stops the comparison before it starts (no engine, a base
// image that cannot be pulled); build failures and differing runs are in the
// report.
func (d *Docker) Verify(ctx context.Context, cfg Config) (*Report, error) {
	if err := d.Ping(ctx); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	say := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}
	for _, ref := range baseImages(cfg.Original, cfg.Rewritten) {
		if err := d.ensureImage(ctx, ref); err != nil {
			return nil, err
		}
	}
	id := newID()
	labels := []string{Label + "=" + id}
	rep := &Report{}
	if !cfg.Keep {
		defer func() { d.cleanup(context.WithoutCancel(ctx), id, rep) }()
	}
	sides := []struct {
		name string
		src  []byte
		s    *Side
	}{{"original", cfg.Original, &rep.Original}, {"rewritten", cfg.Rewritten, &rep.Rewritten}}
	for _, x := range sides {
		tag := "docklean-verify:" + id + "-" + x.name
		say("building the %s Dockerfile as %s", x.name, tag)
		x.s.Build = d.build(ctx, x.src, cfg.Context, tag, labels)
		if !x.s.Build.OK {
			continue
		}
		im, err := d.inspect(ctx, tag, cfg.Compressed)
		if err != nil {
			return nil, err
		}
		x.s.Image = &im
		if cfg.Keep {
			x.s.Tag = tag
		}
	}
	if rep.Original.Image == nil || rep.Rewritten.Image == nil {
		return rep, nil
	}
	for _, x := range sides {
		name := "docklean-verify-" + id + "-" + x.name
		var r Run
		if cfg.HTTP != "" {
			say("probing the %s image: GET %s", x.name, cfg.HTTP)
			r = d.probe(ctx, x.s.Image.ID, name, cfg.HTTP, cfg.Timeout, labels)
		} else {
			say("running the %s image", x.name)
			r = d.run(ctx, x.s.Image.ID, name, cfg.Smoke, cfg.Timeout, labels)
		}
		x.s.Run = &r
	}
	rep.SameRun = sameRun(*rep.Original.Run, *rep.Rewritten.Run)
	return rep, nil
}

// cleanup removes the containers and images of verification id: the two
// tagged images, then the untagged intermediates the builds made (newest
// first, so each is no longer a parent when its turn comes), then anything
// else carrying the label.
func (d *Docker) cleanup(ctx context.Context, id string, rep *Report) {
	filter := "label=" + Label + "=" + id
	if out, _ := d.output(ctx, "ps", "-aq", "--filter", filter); out != "" {
		d.output(ctx, append([]string{"rm", "-f"}, strings.Fields(out)...)...)
	}
	d.output(ctx, "image", "rm", "docklean-verify:"+id+"-original", "docklean-verify:"+id+"-rewritten")
	for _, b := range []Build{rep.Original.Build, rep.Rewritten.Build} {
		for i := len(b.intermediates) - 1; i >= 0; i-- {
			// only untagged images: never remove a tag the user made
			if tags, err := d.output(ctx, "image", "inspect", "--format", "{{len .RepoTags}}", b.intermediates[i]); err == nil && tags == "0" {
				d.output(ctx, "image", "rm", b.intermediates[i])
			}
		}
	}
	d.output(ctx, "image", "prune", "-f", "--filter", filter)
}

// baseImages lists the images the two Dockerfiles build FROM, leaving out
// scratch, earlier stages and references that use build arguments.
func baseImages(files ...[]byte) []string {
	seen := map[string]bool{}
	var refs []string
	for _, src := range files {
		doc, err := parser.Parse(src)
		if err != nil {
			continue // the build reports it
		}
		stages := map[string]bool{}
		for _, st := range doc.Stages {
			ref := st.Base
			if ref != "scratch" && !stages[strings.ToLower(ref)] && !strings.Contains(ref, "$") && !seen[ref] {
				seen[ref] = true
				refs = append(refs, ref)
			}
			if st.Name != "" {
				stages[strings.ToLower(st.Name)] = true
			}
		}
	}
	return refs
}

// newID returns a random name for one verification.
func newID() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
