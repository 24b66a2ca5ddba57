// Package registry resolves image references to their registry digests for
// the pin pass's --digests, with github.com/google/go-containerregistry and
// the user's Docker credentials (~/.docker/config.json through the default
// keychain). It is the only part of docklean that talks to a registry; the
// transform package receives its Resolve function as an option.
package registry

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Resolver looks up manifest digests. The zero value asks the real
// registries with a 20 second timeout per image and the credentials of
// authn.DefaultKeychain.
type Resolver struct {
	// The fields are for tests, which point the resolver at an in-process
	// registry.
	timeout time.Duration // bounds each lookup; 0 means 20 seconds
	// hub, when set, is the host (e.g. "127.0.0.1:5000") that serves what
	// would come from Docker Hub: "alpine:3.24" is looked up as
	// hub/library/alpine:3.24.
	hub      string
	insecure bool // allow plain HTTP, for hub registries on localhost

	mu      sync.Mutex
	answers map[string]answer // by ref: a run asks once per image, however many files use it
}

type answer struct {
	digest string
	err    error
}

// Resolve returns the digest ("sha256:…") of what ref points to: for a
// multi-platform image the manifest list (index), so the pinned digest
// still works on every platform.
// Answers are remembered, failures included, so a walk over many files
// asks the registry once per image. Safe for concurrent use.
func (r *Resolver) Resolve(ref string) (string, error) {
	r.mu.Lock()
	a, ok := r.answers[ref]
	r.mu.Unlock()
	if !ok {
		a.digest, a.err = r.lookup(ref)
		r.mu.Lock()
		if r.answers == nil {
			r.answers = map[string]answer{}
		}
		r.answers[ref] = a
		r.mu.Unlock()
	}
	return a.digest, a.err
}

// lookup asks the registry for ref's digest.
func (r *Resolver) lookup(ref string) (string, error) {
	var opts []name.Option
	if r.insecure {
		opts = append(opts, name.Insecure)
	}
	parsed, err := name.ParseReference(r.hubRef(ref), opts...)
	if err != nil {
		return "", err
	}
	timeout := r.timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	desc, err := remote.Head(parsed, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain))
	if err != nil {
		// Some registries do not answer HEAD for manifests; GET does.
		got, gerr := remote.Get(parsed, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain))
		if gerr != nil {
			return "", fmt.Errorf("%s: %w", ref, err)
		}
		desc = &got.Descriptor
	}
	return desc.Digest.String(), nil
}

// hubRef rewrites a Docker Hub reference to r.hub.
func (r *Resolver) hubRef(ref string) string {
	if r.hub == "" {
		return ref
	}
	first, rest, found := strings.Cut(ref, "/")
	switch {
	case !found:
		return r.hub + "/library/" + ref
	case first == "docker.io" || first == "index.docker.io" || first == "registry-1.docker.io":
		if !strings.Contains(rest, "/") {
			rest = "library/" + rest
		}
		return r.hub + "/" + rest
	case first == "localhost" || strings.ContainsAny(first, ".:"):
		return ref // another registry
	}
	return r.hub + "/" + ref
}
