package alpine

import (
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/alpinepkg"
)

func gnuWords(s string) []gnuArg {
	var a []gnuArg
	for _, w := range strings.Fields(s) {
		a = append(a, gnuArg{strings.Trim(w, "'"), !strings.HasPrefix(w, "$")})
	}
	return a
}

// TestBusyboxLacks pins how command lines are read against BusyBox's
// options: combined short flags, attached and separate values, long
// options with =, "--", runners, find's primaries and date -d.
func TestBusyboxLacks(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"grep -oP x", "-P"},
		{"grep -Po x", "-P"},
		{"grep -m1 -E x f", ""},
		{"grep -m 1 -P x", "-P"},
		{"grep -e -P f", ""}, // -P is -e's value
		{"grep -- -P f", ""}, // after --, an operand
		{"grep --include=*.py x .", "--include"},
		{"grep $FLAGS x", ""}, // not literal: an operand
		{"find . -name '*.so' -printf %p", "-printf"},
		{"find / -xdev -type f -newer x -exec rm {} + -print", ""},
		{"find . -mtime -7 -delete", ""},
		{"find . -not -name x", "-not"},
		{"xargs -r rm -f", ""},
		{"xargs --no-run-if-empty rm", "--no-run-if-empty"},
		{"xargs -0 grep -P x", "-P"}, // the command xargs runs is checked
		{"env -i PATH=/bin ls --time-style=iso", "--time-style"},
		{"timeout 5 stat --printf %s f", "--printf"},
		{"date -d 'next monday'", "-d TIME in that form (it reads only @SECONDS, hh:mm[:ss], YYYY-MM-DD [hh:mm[:ss]], MM.DD-hh:mm and digits)"},
		{"date -d @0 +%s", ""},
		{"date -u -d 2024-01-02", ""},
		{"sed -z p", "-z"},
		{"sed -i.bak -e s/a/b/ f", ""},
		{"sed -ri s/a/b/ f", ""},
		{"cp --parents a b", "--parents"},
		{"cp -a a b", ""},
		{"ls --time-style=long-iso", "--time-style"},
		{"ls --color=auto -la", ""},
		{"tar -xzf a.tgz -C /opt --strip-components=1", ""},
		{"tar xzf a.tgz --wildcards '*/bin'", "--wildcards"},
		{"tar -xf a.tar --no-same-owner", "--no-same-owner"},
		{"tar czf - .", ""},
		{"head -1 f", ""},
		{"tail -n +2 f", ""},
		{"readlink -m x", "-m"},
		{"readlink -f x", ""},
		{"echo -P", ""},   // an ash builtin
		{"curl -P x", ""}, // not an applet
	} {
		args := gnuWords(c.line)
		got, _, rest := busyboxLacks(args[0].v, args[1:], false)
		for got == "" && len(rest) > 0 {
			got, _, rest = busyboxLacks(rest[0].v, rest[1:], false)
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.line, got, c.want)
		}
	}
}

// TestGNUPackagesExist checks that every package gnu adds is an Alpine
// package and every applet it names is one of BusyBox's.
func TestGNUPackagesExist(t *testing.T) {
	for applet, pkg := range gnuPackages {
		if _, ok := busyboxTable()[applet]; !ok {
			t.Errorf("%s is not a BusyBox applet", applet)
		}
		if !alpinepkg.Exists(pkg, "3.24") {
			t.Errorf("%s → %s: not an Alpine 3.24 package", applet, pkg)
		}
	}
}

// TestBaseTables checks facts the pass relies on.
func TestBaseTables(t *testing.T) {
	for _, c := range []struct {
		t        *baseIDs
		name, id string
	}{
		{alpineBaseGroups(), "ping", "999"},
		{alpineBaseGroups(), "www-data", "82"},
		{alpineBaseGroups(), "video", "27"},
		{debianBaseGroups(), "video", "44"},
		{debianBaseUsers(), "www-data", "33"},
		{alpineBaseUsers(), "nobody", "65534"},
	} {
		if got := c.t.byName[c.name]; got != c.id {
			t.Errorf("%s: got %q, want %s", c.name, got, c.id)
		}
	}
	if _, ok := alpineBaseUsers().byName["www-data"]; ok {
		t.Error("Alpine's base image has no www-data user")
	}
	if sharedGroup("0") != "root" || sharedGroup("100") != "users" || sharedGroup("44") != "" {
		t.Error("sharedGroup")
	}
}

func TestNumbers(t *testing.T) {
	got := strings.Join(numbers("USER 999:999 app33 python3.12 --chown=33 -u 1001\n82"), ",")
	if want := "999,999,33,1001,82"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
