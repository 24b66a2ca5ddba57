package passes

import "testing"

func TestReason(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"stage 0 left unchanged: an ignore comment above line 7 switches pin off", "stage … left unchanged: an ignore comment above line … switches pin off"},
		{`image "ubuntu:22.04" has no Alpine variant`, "image … has no Alpine variant"},
		{"no Alpine package for libfoo-dev (apt-get install at line 3)", "no Alpine package for libfoo-dev (apt-get install at line …)"},
		{"base is pinned by digest: ubuntu@sha256:abc", "base is pinned by digest: …"},
		{"their flags differ (none and --mount=type=cache,target=/x)", "their flags differ (none and …)"},
		{"flags differ (--network=none --mount=a,b=c)", "flags differ (…)"},
	} {
		if got := findingReason(c.in); got != c.want {
			t.Errorf("findingReason(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
