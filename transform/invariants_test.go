package transform

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
)

// errInput wraps the parse error of an input that is not a Dockerfile: the
// pipeline owes nothing to such input but a clean error.
type errInput struct{ err error }

func (e errInput) Error() string { return "input does not parse: " + e.err.Error() }

// pipelineRun is what checkPipeline saw: the result and the passes that changed the
// file.
type pipelineRun struct {
	res     *Result
	changed []string
}

// checkPipeline runs passes over src and checks DESIGN.md's invariants 1-3:
// no panic, no self-check error (Process checks that each pass's output
// parses, shell-parses and keeps every instruction no edit touched), output
// that parses and shell-parses, a fixed point on a second run, and (withGit)
// a unified diff that git apply accepts and that rebuilds the output.
func checkPipeline(tb testing.TB, file string, src []byte, passes []*Pass, opts *Options, withGit bool) (r pipelineRun, err error) {
	in, perr := parser.Parse(src)
	if perr != nil {
		return r, errInput{perr}
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	res, err := process(file, src, passes, opts, func(p *Pass, _ *parser.Document, _ []Edit) {
		r.changed = append(r.changed, p.Name)
	})
	if err != nil {
		return r, fmt.Errorf("pipeline: %w", err)
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
	again, err := Process(file, res.Output, passes, opts)
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
	insert := func(name string, at func(*Unit) int, text string) *Pass {
		return &Pass{Name: name, Run: func(u *Unit) error { o := at(u); u.Begin().Replace(o, o, text); return nil }}
	}
	cases := []struct {
		pass *Pass
		want string // "" when the pass is sound
	}{
		{insert("sound", func(u *Unit) int { return len(u.Doc.Src) }, "USER nobody\n"), ""},
		// Text inserted between instructions that continues onto the RUN.
		{insert("swallow", func(u *Unit) int { return len("FROM debian\n") }, "RUN echo a \\\n"), "changed the instruction at line 3, which none of its edits touches"},
		{insert("grows", func(u *Unit) int { return len(u.Doc.Src) }, "LABEL again=1\n"), "not a fixed point"},
		{&Pass{Name: "panics", Run: func(*Unit) error { panic("boom") }}, "panic: boom"},
		{insert("breaks", func(u *Unit) int { return 0 }, "RUN before FROM\n"), "pass breaks produced an invalid Dockerfile"},
		{&Pass{Name: "shell", Run: func(u *Unit) error { u.Begin().Replace(len(src)-1, len(src)-1, " &&"); return nil }}, "shell cannot parse"},
		{&Pass{Name: "fails", Run: func(*Unit) error { return errors.New("context unreadable") }}, "pass fails: context unreadable"},
	}
	cases[0].pass.Run = func(u *Unit) error {
		if !strings.Contains(string(u.Doc.Src), "USER") {
			u.Begin().Replace(len(u.Doc.Src), len(u.Doc.Src), "USER nobody\n")
		}
		return nil
	}
	for _, c := range cases {
		_, err := checkPipeline(t, "Dockerfile", src, []*Pass{c.pass}, nil, true)
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
