package passes

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docklean/docklean/internal/edit"
	"github.com/docklean/docklean/transform"
)

var update = flag.Bool("update", false, "rewrite the golden files under fixtures/ (review the diff by hand)")

// TestGolden runs every case under fixtures/<pass>/<case>/: the input
// Dockerfile goes through that one pass (or the whole pipeline when <pass> is
// "pipeline"); the output must equal want.Dockerfile and the findings
// findings.txt. options.json, when present, holds the options, keyed by
// their flag names (decodeOptions); a context/ folder is the build context.
// Every output must also be a fixed point.
func TestGolden(t *testing.T) {
	dirs, _ := filepath.Glob("../fixtures/*/*/Dockerfile")
	if len(dirs) == 0 {
		t.Fatal("no fixtures found")
	}
	for _, df := range dirs {
		dir := filepath.Dir(df)
		passName := filepath.Base(filepath.Dir(dir))
		if passName == "corpus" || passName == "roundtrip" {
			continue
		}
		t.Run(passName+"/"+filepath.Base(dir), func(t *testing.T) {
			passes := All()
			if passName != "pipeline" {
				p, err := Select([]string{passName}, nil)
				if err != nil {
					t.Fatalf("fixtures/%s: %v", passName, err)
				}
				passes = p
			}
			src, err := os.ReadFile(df)
			if err != nil {
				t.Fatal(err)
			}
			opts := readOptions(t, dir)
			res, err := transform.Process("Dockerfile", src, passes, opts)
			if err != nil {
				t.Fatalf("Process: %v", err)
			}
			var fb strings.Builder
			for _, f := range res.Findings {
				fmt.Fprintf(&fb, "%d: %s: %s: %s\n", f.Line, f.Kind, f.Code, f.Message)
			}
			compareGolden(t, filepath.Join(dir, "want.Dockerfile"), res.Output)
			compareGolden(t, filepath.Join(dir, "findings.txt"), []byte(fb.String()))
			if len(passes) == 1 {
				checkFindingEdits(t, src, res)
			}

			again, err := transform.Process("Dockerfile", res.Output, passes, opts)
			if err != nil {
				t.Fatalf("second run: %v", err)
			}
			if string(again.Output) != string(res.Output) {
				t.Errorf("output is not a fixed point; second run gave:\n%s", again.Output)
			}
		})
	}
}

// readOptions returns the options of the fixture in dir: its
// options.json, when there is one, and its context/ folder.
func readOptions(t *testing.T, dir string) *transform.Options {
	opts := &transform.Options{}
	if b, err := os.ReadFile(filepath.Join(dir, "options.json")); err == nil {
		if err := decodeOptions(b, opts); err != nil {
			t.Fatalf("%s: %v", filepath.Join(dir, "options.json"), err)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "context")); err == nil && st.IsDir() {
		opts.Context = os.DirFS(filepath.Join(dir, "context"))
	}
	return opts
}

// decodeOptions sets opts from options.json, whose keys are the CLI's flag
// names (scripts/compare-outputs passes them as flags): alpine-version,
// base, the passes' options (a JSON boolean or string, as the option is),
// and today, which has no flag (Options.Today, RFC 3339).
func decodeOptions(data []byte, opts *transform.Options) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	for k, v := range m {
		if err := decodeOption(opts, k, v); err != nil {
			return fmt.Errorf("%s: %v", k, err)
		}
	}
	return nil
}

// decodeOption sets the option k of options.json to v.
func decodeOption(opts *transform.Options, k string, v any) error {
	s, isString := v.(string)
	b, isBool := v.(bool)
	opt := Option(k)
	var err error
	switch {
	case k == "today" && isString:
		opts.Today, err = time.Parse(time.RFC3339, s)
	case k == "alpine-version" && isString:
		opts.AlpineVersion = s
	case k == transform.BaseOption.Name && isString:
		opts.Base, err = transform.ParseBase(s)
	case opt != nil && opt.IsBool() && isBool:
		err = opts.Set(opt, strconv.FormatBool(b))
	case opt != nil && !opt.IsBool() && isString:
		err = opts.Set(opt, s)
	case opt == nil && k != "today" && k != "alpine-version" && k != transform.BaseOption.Name:
		err = errors.New("no such option: not a pass's (Pass.Options) nor today, alpine-version or base")
	default:
		err = fmt.Errorf("%v is not a value of its type", v)
	}
	return err
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./passes -run Golden -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// checkFindingEdits checks that the edits the findings of one pass carry
// (SARIF's fixes) are the whole change: applied to the input they give the
// output, and only Changed findings carry them.
func checkFindingEdits(t *testing.T, src []byte, res *transform.Result) {
	var edits []transform.Edit
	for _, f := range res.Findings {
		if len(f.Edits) > 0 && f.Kind != transform.Changed {
			t.Errorf("a %s finding carries edits: %v", f.Kind, f)
		}
		edits = append(edits, f.Edits...)
	}
	got, err := edit.Apply(src, edits)
	if err != nil {
		t.Fatalf("the findings' edits do not apply: %v", err)
	}
	if string(got) != string(res.Output) {
		t.Errorf("the findings' edits give\n%s\nnot the output\n%s", got, res.Output)
	}
}
