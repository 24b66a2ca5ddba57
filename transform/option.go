package transform

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Option declares a setting of a pass (Pass.Options). Its Name is both the
// command line flag --NAME and the key NAME of .docklean.yaml; the CLI and
// the configuration reader build both from the declaration, so a new
// option is one declaration in its pass.
type Option struct {
	Name string
	// Doc is the flag's one-line usage text.
	Doc string
	// Values are the values of an enum option; a boolean option has none.
	Values []string
	// Default is an enum's value when none is set; "" lets the pass choose
	// (and is then a value a user may give too). A boolean's default is
	// false.
	Default string
}

// IsBool reports whether the option is a boolean (it has no Values).
func (o *Option) IsBool() bool { return len(o.Values) == 0 }

// Check returns an error naming the option and its values unless v is one
// of them: for an enum one of Values or Default, for a boolean "true" or
// "false".
func (o *Option) Check(v string) error {
	want := o.Values
	if o.IsBool() {
		want = []string{"true", "false"}
	}
	if slices.Contains(want, v) || !o.IsBool() && v == o.Default {
		return nil
	}
	return fmt.Errorf("%s %q: want %s", o.Name, v, orList(want))
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// Set gives the option opt the value v for this run ("true" or "false"
// for a boolean); a value opt does not allow is an error (Option.Check).
func (o *Options) Set(opt *Option, v string) error {
	if err := opt.Check(v); err != nil {
		return err
	}
	o.values = maps.Clone(o.values) // not the map of the Options this one was copied from
	if o.values == nil {
		o.values = map[string]string{}
	}
	o.values[opt.Name] = v
	return nil
}

// Bool returns the value of the boolean option opt: false unless Set.
func (o *Options) Bool(opt *Option) bool {
	if !opt.IsBool() {
		panic("transform: Options.Bool of enum option " + opt.Name)
	}
	return o != nil && o.values[opt.Name] == "true"
}

// String returns the value of the enum option opt: its Default unless Set.
func (o *Options) String(opt *Option) string {
	if opt.IsBool() {
		panic("transform: Options.String of boolean option " + opt.Name)
	}
	if o != nil {
		if v, ok := o.values[opt.Name]; ok {
			return v
		}
	}
	return opt.Default
}

// BaseMode chooses between the alpine and slim passes (Options.Base).
type BaseMode int

// Base modes; the zero value is BaseAuto.
const (
	BaseAuto   BaseMode = iota // alpine, and slim for what alpine leaves
	BaseAlpine                 // alpine only: never a glibc -slim base
	BaseSlim                   // slim only: never musl (the alpine pass converts nothing)
)

// baseModes are the names of the base modes, in their order.
var baseModes = []string{"auto", "alpine", "slim"}

func (b BaseMode) String() string { return baseModes[b] }

// BaseOption declares the run-wide setting base (flag --base, key base).
var BaseOption = &Option{
	Name:    "base",
	Doc:     "auto (Alpine, else the glibc -slim variant), alpine (never slim) or slim (never musl)",
	Values:  baseModes,
	Default: "auto",
}

// ParseBase returns the base mode named s: auto, alpine or slim.
func ParseBase(s string) (BaseMode, error) {
	if s == "" {
		s = BaseOption.Default
	}
	if err := BaseOption.Check(s); err != nil {
		return BaseAuto, err
	}
	return BaseMode(slices.Index(baseModes, s)), nil
}
