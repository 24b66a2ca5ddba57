package alpine

import "testing"

// TestLayoutRules: every rewrite names where its Alpine path was checked,
// and each rule's examples match it (and no earlier rule).
func TestLayoutRules(t *testing.T) {
	for _, r := range layoutRules {
		if r.to != "" && r.source == "" {
			t.Errorf("%s → %s: no source for the Alpine path", r.re, r.to)
		}
		if r.why == "" {
			t.Errorf("%s: no reason", r.re)
		}
	}
	cases := map[string]string{
		"/etc/nginx/conf.d/app.conf":                  "/etc/nginx/http.d/app.conf",
		"/etc/nginx/conf.d":                           "/etc/nginx/http.d",
		"/etc/nginx/sites-enabled/default":            "/etc/nginx/http.d/default.conf",
		"/usr/lib/jvm/java-17-openjdk-amd64":          "/usr/lib/jvm/java-17-openjdk",
		"/usr/lib/jvm/java-21-openjdk-arm64/bin/java": "/usr/lib/jvm/java-21-openjdk/bin/java",
		"/usr/lib/jvm/default-java":                   "",
		"/usr/lib/jvm/java-8-openjdk-amd64":           "",
		"/usr/bin/chromium":                           "/usr/bin/chromium-browser",
		"/usr/lib/x86_64-linux-gnu/libjemalloc.so.2":  "",
		"/usr/share/tesseract-ocr/5/tessdata":         "",
	}
	for p, want := range cases {
		ms := findLayouts(p, 0)
		if len(ms) != 1 {
			t.Errorf("%s: %d matches, want 1", p, len(ms))
			continue
		}
		r := ms[0].rule
		got := ""
		if r.to != "" {
			got = r.re.ReplaceAllString(p, r.to)
		}
		if got != want {
			t.Errorf("%s → %q, want %q", p, got, want)
		}
	}
	for _, p := range []string{"/usr/bin/chromium-browser", "/etc/nginx/conf.dx", "/opt/usr/lib/jvm/x", "/usr/libexec/x"} {
		if ms := findLayouts(p, 0); len(ms) > 0 {
			t.Errorf("%s matched %s", p, ms[0].rule.re)
		}
	}
}
