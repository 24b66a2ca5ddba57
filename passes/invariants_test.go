package passes

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/files"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// errInput wraps the parse error of an input that is not a Dockerfile: the
// pipeline owes nothing to such input but a clean error.
type errInput struct{ err error }

func (e errInput) Error() string { return "input does not parse: " + e.err.Error() }

// pipelineRun is what checkPipeline saw: the result and the passes that changed the
// file.
type pipelineRun struct {
	res     *transform.Result
	changed []string
}

// checkPipeline runs passes over src and checks DESIGN.md's invariants 1-3:
// no panic, no self-check error (Process checks that each pass's output
// parses, shell-parses and keeps every instruction no edit touched), output
// that parses and shell-parses, a fixed point on a second run, and (withGit)
// a unified diff that git apply accepts and that rebuilds the output.
func checkPipeline(tb testing.TB, file string, src []byte, passes []*transform.Pass, opts *transform.Options, withGit bool) (r pipelineRun, err error) {
	in, perr := parser.Parse(src)
	if perr != nil {
		return r, errInput{perr}
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	// Each pass sees the text the passes before it left: a pass changed
	// the file when the next one (or the output) sees other text.
	var seen [][]byte
	watched := make([]*transform.Pass, len(passes))
	for i, p := range passes {
		watched[i] = &transform.Pass{Name: p.Name, Doc: p.Doc, After: p.After, Rules: p.Rules, Run: func(u *transform.Unit) error {
			seen = append(seen, u.Doc.Src)
			return p.Run(u)
		}}
	}
	res, err := transform.Process(file, src, watched, opts)
	if err != nil {
		return r, fmt.Errorf("pipeline: %w", err)
	}
	for i := range seen {
		next := res.Output
		if i+1 < len(seen) {
			next = seen[i+1]
		}
		if !bytes.Equal(seen[i], next) {
			r.changed = append(r.changed, passes[i].Name)
		}
	}
	r.res = res
	out, err := parser.Parse(res.Output)
	if err != nil {
		return r, fmt.Errorf("output does not parse: %w", err)
	}
	bad := unparsedRuns(in)
	for _, i := range out.Instructions {
		if i.Shell != nil && i.Shell.Err != nil && !bad[i.Shell.Text] {
			return r, fmt.Errorf("output line %d: RUN does not parse as shell: %v", i.StartLine, i.Shell.Err)
		}
	}
	again, err := transform.Process(file, res.Output, passes, opts)
	if err != nil {
		return r, fmt.Errorf("second run: %w", err)
	}
	if !bytes.Equal(again.Output, res.Output) {
		return r, fmt.Errorf("not a fixed point: the second run changed\n%s", files.Diff(file, res.Output, again.Output))
	}
	if withGit && res.Changed(src) {
		if err := checkDiffApplies(tb, file, src, res.Output); err != nil {
			return r, err
		}
	}
	return r, nil
}

// checkDiffApplies writes src to a/ and out to b/ in a temp dir and checks
// that files.Diff's patch passes git apply --check against a/ and, applied,
// turns src into out byte for byte. It does nothing when git is missing.
func checkDiffApplies(tb testing.TB, file string, src, out []byte) error {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil
	}
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, file), src, 0o644); err != nil {
		return err
	}
	patch := filepath.Join(tb.TempDir(), "change.diff")
	if err := os.WriteFile(patch, files.Diff(file, src, out), 0o644); err != nil {
		return err
	}
	for _, args := range [][]string{{"apply", "--check", patch}, {"apply", patch}} {
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
		if msg, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v\n%s\n%s", args[0], err, msg, files.Diff(file, src, out))
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, out) {
		return fmt.Errorf("the applied diff gives\n%q\nnot\n%q", got, out)
	}
	return nil
}

// fixtureFiles returns the Dockerfiles of fixtures/roundtrip and
// fixtures/corpus.
func fixtureFiles(tb testing.TB) []string {
	var fs []string
	for _, dir := range []string{"roundtrip", "corpus"} {
		m, err := filepath.Glob(filepath.Join("..", "fixtures", dir, "*.Dockerfile"))
		if err != nil {
			tb.Fatal(err)
		}
		fs = append(fs, m...)
	}
	return fs
}

// corpusFiles returns the files of fixtures/corpus, and skips the test when
// there are none.
func corpusFiles(tb testing.TB) []string {
	fs, _ := filepath.Glob(filepath.Join("..", "fixtures", "corpus", "*.Dockerfile"))
	if len(fs) == 0 {
		tb.Skip("fixtures/corpus is absent")
	}
	return fs
}

// TestCheckPipelineCatches makes sure checkPipeline is not vacuous: each
// broken pass below must be reported, and a sound one must not.
func TestCheckPipelineCatches(t *testing.T) {
	src := []byte("FROM debian\n# note\nRUN echo b\n")
	insert := func(name string, at func(*transform.Unit) int, text string) *transform.Pass {
		return &transform.Pass{Name: name, Run: func(u *transform.Unit) error { o := at(u); u.Begin().Replace(o, o, text); return nil }}
	}
	cases := []struct {
		pass *transform.Pass
		want string // "" when the pass is sound
	}{
		{insert("sound", func(u *transform.Unit) int { return len(u.Doc.Src) }, "USER nobody\n"), ""},
		// Text inserted between instructions that continues onto the RUN.
		{insert("swallow", func(u *transform.Unit) int { return len("FROM debian\n") }, "RUN echo a \\\n"), "changed the instruction at line 3, which none of its edits touches"},
		{insert("grows", func(u *transform.Unit) int { return len(u.Doc.Src) }, "LABEL again=1\n"), "not a fixed point"},
		{&transform.Pass{Name: "panics", Run: func(*transform.Unit) error { panic("boom") }}, "panic: boom"},
		{insert("breaks", func(u *transform.Unit) int { return 0 }, "RUN before FROM\n"), "pass breaks produced an invalid Dockerfile"},
		{&transform.Pass{Name: "shell", Run: func(u *transform.Unit) error { u.Begin().Replace(len(src)-1, len(src)-1, " &&"); return nil }}, "shell cannot parse"},
		{&transform.Pass{Name: "fails", Run: func(*transform.Unit) error { return errors.New("context unreadable") }}, "pass fails: context unreadable"},
	}
	cases[0].pass.Run = func(u *transform.Unit) error {
		if !strings.Contains(string(u.Doc.Src), "USER") {
			u.Begin().Replace(len(u.Doc.Src), len(u.Doc.Src), "USER nobody\n")
		}
		return nil
	}
	for _, c := range cases {
		_, err := checkPipeline(t, "Dockerfile", src, []*transform.Pass{c.pass}, nil, true)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.pass.Name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want an error containing %q", c.pass.Name, err, c.want)
		}
	}
	if _, err := checkPipeline(t, "Dockerfile", []byte("RUN x\n"), nil, nil, false); !errors.As(err, new(errInput)) {
		t.Errorf("input that does not parse: got %v", err)
	}
}

// unparsedRuns returns the shell texts of doc's RUNs that do not parse as
// shell: those were the user's.
func unparsedRuns(doc *parser.Document) map[string]bool {
	bad := map[string]bool{}
	for _, in := range doc.Instructions {
		if in.Shell != nil && in.Shell.Err != nil {
			bad[in.Shell.Text] = true
		}
	}
	return bad
}
