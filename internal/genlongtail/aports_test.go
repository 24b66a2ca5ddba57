package main

import (
	"strings"
	"testing"
)

const testAPKBUILD = `pkgname=foo
pkgver=1.2
_mods="a b"
subpackages="$pkgname-dev $pkgname-doc libfoo:_libs $pkgname-utils"
for _m in $_mods; do
	subpackages="$subpackages $pkgname-mod-$_m:_mod"
done
package() {
	make DESTDIR="$pkgdir" install
	rm -f "$pkgdir"/usr/lib/*.la
}
_libs() {
	amove usr/lib/libfoo.so.*
}
utils() {
	if [ -e "$pkgdir"/usr/bin/foo-x ]; then
		amove usr/bin/foo-x
	fi
	mkdir -p "$subpkgdir"/usr/bin
	mv "$pkgdir"/usr/bin/foo-y "$subpkgdir"/usr/bin/
}
_mod() {
	local m=${subpkgname#$pkgname-mod-}
	amove usr/lib/foo/$m.so
}
`

// TestParseAPKBUILD checks the reading of subpackages (with a loop),
// default and custom split functions, mv, and an unclear function.
func TestParseAPKBUILD(t *testing.T) {
	rows, err := parseAPKBUILD("foo", testAPKBUILD)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.pkg+"="+strings.Join(r.moves, ","))
	}
	want := "foo= foo-dev=usr/bin/*-config,usr/lib/*.so,lib/*.so foo-doc= libfoo=usr/lib/libfoo.so.* foo-utils=usr/bin/foo-x,usr/bin/foo-y foo-mod-a=? foo-mod-b=?"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("rows:\n got %s\nwant %s", g, want)
	}
	for file, wantPkg := range map[string]string{
		"usr/bin/foo":         "", // foo-mod-*'s patterns are not known: it could be theirs
		"usr/bin/foo-config":  "foo-dev",
		"usr/bin/foo-y":       "foo-utils",
		"usr/sbin/foo-x":      "foo-utils", // a pattern naming a command finds it in any bin folder
		"usr/lib/libfoo.so.1": "libfoo",
	} {
		if pkg, why := moveTarget(rows, file); pkg != wantPkg {
			t.Errorf("%s -> %q (%s), want %s", file, pkg, why, wantPkg)
		}
	}
	if _, why := moveTarget(rows, "usr/bin/foo"); !strings.Contains(why, "foo-mod-a") {
		t.Errorf("usr/bin/foo: refusal %q does not name foo-mod-a", why)
	}
	rows = rows[:5] // without the modules, what no function moves stays in foo
	if pkg, why := moveTarget(rows, "usr/bin/foo"); pkg != "foo" {
		t.Errorf("usr/bin/foo -> %q (%s), want foo", pkg, why)
	}
}

// TestPackageRemoves: a package() that removes files of the bin folders
// leaves the main package's content unknown.
func TestPackageRemoves(t *testing.T) {
	rows, err := parseAPKBUILD("bar", "pkgname=bar\npackage() {\n\tmake install\n\trm \"$pkgdir\"/usr/bin/bar-old\n}\n")
	if err != nil {
		t.Fatal(err)
	}
	if pkg, _ := moveTarget(rows, "usr/bin/bar"); pkg != "" {
		t.Errorf("usr/bin/bar -> %s, want a refusal", pkg)
	}
}

// TestUpstreamNums checks the version reading the version-line and
// soname-range checks rest on.
func TestUpstreamNums(t *testing.T) {
	for v, want := range map[string]string{"1:2.9.14+dfsg-1": "2.9.14", "0~20190702+dfsg-3": "20190702", "1.10.6-r1": "1.10.6", "4.3.5-r2": "4.3.5", "git": ""} {
		if got := versionString(upstreamNums(v)); got != want {
			t.Errorf("upstreamNums(%q) = %s, want %s", v, got, want)
		}
	}
	if compareNums(upstreamNums("1.10"), upstreamNums("1.9.5")) <= 0 {
		t.Error("1.10 should be after 1.9.5")
	}
}
