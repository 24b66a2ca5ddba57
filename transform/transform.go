// Package transform is the framework docklean's passes run in: the Pass
// type, the Unit a pass reports through, findings, options, and the
// pipeline that runs passes (Process). The passes themselves are packages
// under passes/, listed by package passes; transform imports none of them.
//
// A pass looks at a parsed Dockerfile and describes byte-range edits plus
// findings (what it changed or refused to change, and why); it never prints
// or touches files. The pipeline applies each pass's edits, re-parses between
// passes, and self-checks the result, so every pass sees valid, current text
// and a pass that would break the file is rolled back with an error naming it.
package transform

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/docklean/docklean/internal/alpinepkg"
	"github.com/docklean/docklean/internal/edit"
	"github.com/docklean/docklean/parser"
)

// Pass is one rewrite rule.
type Pass struct {
	Name string // stable kebab-case name, used by --only/--skip and ignores
	// Doc is for users (docklean passes): the first line is a summary, the
	// rest says what the pass does and when it refuses.
	Doc string
	// After names the passes that must run before this one when both are
	// selected, each for a reason its file gives; the pipeline order
	// follows from it (pipelineOrder).
	After []string
	// URL is the pass's page of documentation; each rule has a heading
	// there (URL#rule).
	URL string
	// Rules lists every code the pass reports (besides PASS/ignored, which
	// the pipeline reports for every pass).
	Rules []Rule
	// Options are the settings the pass reads (Options.Bool, Options.String)
	// besides the run-wide ones: each is a flag of the CLI and a key of
	// .docklean.yaml.
	Options []*Option
	// Run records the pass's transactions on the Unit; an error is an
	// internal failure (the file is left unchanged and the error names the
	// pass), never a refusal, which is a finding.
	Run func(*Unit) error
}

// Summary is the first line of the pass's doc.
func (p *Pass) Summary() string {
	s, _, _ := strings.Cut(p.Doc, "\n")
	return s
}

// Kind says whether a finding reports a change, a refusal or a note.
type Kind string

// Finding kinds.
const (
	Changed Kind = "changed"
	Refused Kind = "refused"
	Info    Kind = "info"
)

// Finding is what a pass says about one place in a file. Lines are lines
// of the file as the user wrote it, and Edits replace its bytes.
type Finding struct {
	Pass    string `json:"pass"`
	Code    Code   `json:"code"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Kind    Kind   `json:"kind"`
	Message string `json:"message"`
	// Related are the other lines the message names, in its order.
	Related []int `json:"related,omitempty"`
	// Edits are the changes the finding stands for, when it is the first
	// change of a transaction and its edits can be said in the bytes of
	// the original file (an edit inside text an earlier pass wrote
	// cannot): applied alone to the original file, they make that change.
	Edits []Edit `json:"edits,omitempty"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, f.Pass, f.Message)
}

// Edit replaces the bytes [Start, End) of the source with Text.
type Edit = edit.Edit

// Options are the settings of one run. The zero value is usable. The
// fields are the run-wide settings several passes read; a pass's own
// settings are declared by the pass (Pass.Options), given with Set and
// read with Bool and String.
type Options struct {
	AlpineVersion string   // target Alpine release, e.g. "3.24"; "" means DefaultAlpine
	Base          BaseMode // chooses between the alpine and slim passes
	Context       fs.FS    // the build context (the Dockerfile's folder), nil when unknown

	// Packages maps extra Debian package names to Alpine names (from the
	// configuration file); it takes precedence over the built-in table.
	Packages map[string][]string
	// Images maps in-house base images (without tag) to Alpine counterparts.
	Images map[string]string

	// End-of-life checks compare with Today; the zero value means the
	// current date (tests set it so golden files do not rot).
	Today time.Time
	// Resolve returns the manifest (list) digest of an image reference such
	// as "alpine:3.24", for the passes whose options ask for digests. The
	// CLI builds it (internal/registry); passes never touch the network
	// themselves.
	Resolve func(ref string) (digest string, err error)

	values map[string]string // the passes' options given with Set, by name
}

// Alpine returns the target Alpine release.
func (o *Options) Alpine() string {
	if o == nil || o.AlpineVersion == "" {
		return DefaultAlpine
	}
	return o.AlpineVersion
}

// Validate checks the Alpine release: one the project's data knows. (Set
// checks the passes' options, ParseBase the base mode.)
func (o *Options) Validate() error {
	if o.AlpineVersion != "" && !slices.Contains(alpinepkg.Releases(), o.AlpineVersion) {
		return fmt.Errorf("alpine version %q: docklean knows %s", o.AlpineVersion, strings.Join(alpinepkg.Releases(), ", "))
	}
	return nil
}

// DefaultAlpine is the newest stable Alpine release in the project's data.
const DefaultAlpine = "3.24"

// Unit is one pass running over one Document: the pass reads Doc and Opts
// and records its changes, edits and findings, in transactions (Begin).
type Unit struct {
	Doc  *parser.Document
	Opts *Options
	File string

	pass *Pass
	txs  []*Tx    // the transactions the pass opened (tx.go)
	seq  int      // counts what the transactions record (Unit.next)
	ign  *ignores // Doc's ignore comments, read on first use (see Unit.Ignored)
}

// Now is the day end-of-life dates are compared with: Options.Today, or
// the clock's date when that is zero.
func (o *Options) Now() time.Time {
	if o.Today.IsZero() {
		return time.Now()
	}
	return o.Today
}
