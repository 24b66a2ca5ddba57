package alpine

import (
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/tsv"
	"github.com/docklean/docklean/transform/data"
)

// The base users and groups of Alpine's and Debian's images and BusyBox's
// applets with their options are generated from the real files (see
// internal/genalpinebase/testdata/SOURCES.md and docs/tables.md) by the
// go:generate line in transform/tables.go.

// baseIDs is one distribution's base users or groups: name → id and id →
// name.
type baseIDs struct {
	byName map[string]string
	byID   map[string]string
}

func parseIDs(file, text string, cols int) *baseIDs {
	b := &baseIDs{byName: map[string]string{}, byID: map[string]string{}}
	tsv.MustRows(file, text, cols, func(_ int, f []string) {
		b.byName[f[0]] = f[1]
		if _, dup := b.byID[f[1]]; !dup {
			b.byID[f[1]] = f[0]
		}
	})
	return b
}

var (
	alpineBaseUsers  = sync.OnceValue(func() *baseIDs { return parseIDs("alpine-users.tsv", data.AlpineUsers, 5) })
	alpineBaseGroups = sync.OnceValue(func() *baseIDs { return parseIDs("alpine-groups.tsv", data.AlpineGroups, 3) })
	debianBaseUsers  = sync.OnceValue(func() *baseIDs { return parseIDs("debian-users.tsv", data.DebianUsers, 5) })
	debianBaseGroups = sync.OnceValue(func() *baseIDs { return parseIDs("debian-groups.tsv", data.DebianGroups, 3) })
	busyboxTable     = sync.OnceValue(func() map[string]*bbApplet { return parseApplets(data.BusyBoxApplets) })
)

// bbApplet is one BusyBox applet's options as its --help lists them.
type bbApplet struct {
	known bool            // it printed a usage text
	short map[byte]string // "" flag, ":" value, "::" optional attached value
	long  map[string]string
}

func parseApplets(text string) map[string]*bbApplet {
	m := map[string]*bbApplet{}
	tsv.MustRows("busybox-applets.tsv", text, 3, func(_ int, f []string) {
		a := &bbApplet{short: map[byte]string{}, long: map[string]string{}}
		m[f[0]] = a
		if f[1] == "?" {
			return
		}
		a.known = true
		s := f[1]
		for i := 0; i < len(s); i++ {
			kind := ""
			for i+1 < len(s) && s[i+1] == ':' {
				kind += ":"
				i++
			}
			// the letter is before the colons
			a.short[s[i-len(kind)]] = kind
		}
		for _, l := range strings.Fields(f[2]) {
			name, arg, _ := strings.Cut(l, "=")
			a.long[name] = ""
			if strings.Contains(l, "=") {
				a.long[name] = "=" + arg
			}
		}
	})
	return m
}

// sharedGroup returns the name of the group with gid on both Debian's and
// Alpine's base images (the same name and id on both), or "".
func sharedGroup(gid string) string {
	name := debianBaseGroups().byID[gid]
	if name != "" && alpineBaseGroups().byName[name] == gid {
		return name
	}
	return ""
}
