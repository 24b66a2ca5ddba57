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
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Resolver looks up manifest digests. The zero value asks the real
// registries with a 20 second timeout per image.
type Resolver struct {
	// Timeout bounds each lookup; 0 means 20 seconds.
	Timeout time.Duration
	// Hub, when set, is the host (e.g. "127.0.0.1:5000") that serves what
	// would come from Docker Hub: "alpine:3.24" is looked up as
	// Hub/library/alpine:3.24. Tests point it at an in-process registry.
	Hub string
	// Insecure allows plain HTTP, for Hub registries on localhost.
	Insecure bool
	// Keychain supplies credentials; nil means authn.DefaultKeychain.
	Keychain authn.Keychain
}

// Resolve returns the digest ("sha256:…") of what ref points to: for a
// multi-platform image the manifest list (index), so the pinned digest
// still works on every platform.
func (r *Resolver) Resolve(ref string) (string, error) {
	var opts []name.Option
	if r.Insecure {
		opts = append(opts, name.Insecure)
	}
	parsed, err := name.ParseReference(r.hubRef(ref), opts...)
	if err != nil {
		return "", err
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	keys := r.Keychain
	if keys == nil {
		keys = authn.DefaultKeychain
	}
	desc, err := remote.Head(parsed, remote.WithContext(ctx), remote.WithAuthFromKeychain(keys))
	if err != nil {
		// Some registries do not answer HEAD for manifests; GET does.
		got, gerr := remote.Get(parsed, remote.WithContext(ctx), remote.WithAuthFromKeychain(keys))
		if gerr != nil {
			return "", fmt.Errorf("%s: %w", ref, err)
		}
		desc = &got.Descriptor
	}
	return desc.Digest.String(), nil
}

// hubRef rewrites a Docker Hub reference to r.Hub.
func (r *Resolver) hubRef(ref string) string {
	if r.Hub == "" {
		return ref
	}
	first, rest, found := strings.Cut(ref, "/")
	switch {
	case !found:
		return r.Hub + "/library/" + ref
	case first == "docker.io" || first == "index.docker.io" || first == "registry-1.docker.io":
		if !strings.Contains(rest, "/") {
			rest = "library/" + rest
		}
		return r.Hub + "/" + rest
	case first == "localhost" || strings.ContainsAny(first, ".:"):
		return ref // another registry
	}
	return r.Hub + "/" + ref
}
