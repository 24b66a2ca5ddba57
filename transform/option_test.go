package transform

import "testing"

var (
	testEnum = &Option{Name: "runtime", Doc: "d", Values: []string{"scratch", "distroless", "alpine"}}
	testPin  = &Option{Name: "pin", Doc: "d", Values: []string{"minor", "patch"}, Default: "minor"}
	testBool = &Option{Name: "mounts", Doc: "d"}
)

// TestOptionCheck: the one check of an option's value names the option and
// its values; "" is a value only of an enum whose default it is.
func TestOptionCheck(t *testing.T) {
	for _, c := range []struct {
		opt  *Option
		v    string
		want string // "" for no error
	}{
		{testEnum, "alpine", ""},
		{testEnum, "", ""},
		{testEnum, "busybox", `runtime "busybox": want scratch, distroless or alpine`},
		{testPin, "patch", ""},
		{testPin, "", `pin "": want minor or patch`},
		{testPin, "major", `pin "major": want minor or patch`},
		{testBool, "true", ""},
		{testBool, "false", ""},
		{testBool, "", `mounts "": want true or false`},
		{testBool, "yes", `mounts "yes": want true or false`},
	} {
		got := ""
		if err := c.opt.Check(c.v); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s.Check(%q) = %q, want %q", c.opt.Name, c.v, got, c.want)
		}
	}
}

// TestOptionsValues: an option not set has its default, Set keeps only
// values its option allows, and options of one run do not leak into
// another's.
func TestOptionsValues(t *testing.T) {
	var nilOpts *Options
	var a, b Options
	if nilOpts.String(testPin) != "minor" || nilOpts.Bool(testBool) || a.String(testEnum) != "" {
		t.Error("an option not set does not have its default")
	}
	if err := a.Set(testPin, "patch"); err != nil {
		t.Fatal(err)
	}
	if err := a.Set(testBool, "true"); err != nil {
		t.Fatal(err)
	}
	if err := a.Set(testPin, "major"); err == nil {
		t.Error("Set(pin, major) = nil, want an error")
	}
	if a.String(testPin) != "patch" || !a.Bool(testBool) {
		t.Errorf("got pin %s, mounts %v; want patch, true", a.String(testPin), a.Bool(testBool))
	}
	c := a
	if err := c.Set(testPin, "minor"); err != nil {
		t.Fatal(err)
	}
	if b.String(testPin) != "minor" || b.Bool(testBool) || a.String(testPin) != "patch" || c.String(testPin) != "minor" || !c.Bool(testBool) {
		t.Error("options set in one Options show in another")
	}
	for name, read := range map[string]func(){
		"Bool of an enum":  func() { a.Bool(testPin) },
		"String of a bool": func() { a.String(testBool) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s does not panic", name)
				}
			}()
			read()
		}()
	}
}

func TestParseBase(t *testing.T) {
	for s, want := range map[string]BaseMode{"": BaseAuto, "auto": BaseAuto, "alpine": BaseAlpine, "slim": BaseSlim} {
		if got, err := ParseBase(s); err != nil || got != want {
			t.Errorf("ParseBase(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if _, err := ParseBase("musl"); err == nil || err.Error() != `base "musl": want auto, alpine or slim` {
		t.Errorf("ParseBase(musl) = %v", err)
	}
	if BaseSlim.String() != "slim" {
		t.Errorf("BaseSlim.String() = %q", BaseSlim.String())
	}
}
