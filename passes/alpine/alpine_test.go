package alpine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/refdata"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
	"mvdan.cc/sh/v3/syntax"
)

// TestAlpineEmitsRealNames checks invariant 5 on every alpine fixture: each
// package an apk add of want.Dockerfile names exists in Alpine main or
// community for the target release (a name or a virtual name from
// provides=), and each image tag a FROM names exists among the official
// images' tags, current or since 2017.
func TestAlpineEmitsRealNames(t *testing.T) {
	pkgs := map[string]map[string]bool{} // release → names
	for _, r := range refdata.Rows(t, "alpine-packages.tsv") {
		if r["repo"] == "testing" {
			continue
		}
		names := []string{r["name"]}
		for _, p := range strings.Fields(r["provides"]) {
			if !strings.Contains(p, ":") {
				names = append(names, strings.SplitN(p, "=", 2)[0])
			}
		}
		for _, rel := range strings.Split(r["in_releases"], ",") {
			if pkgs[rel] == nil {
				pkgs[rel] = map[string]bool{}
			}
			for _, n := range names {
				pkgs[rel][n] = true
			}
		}
	}
	tags := map[string]bool{}
	for _, f := range []string{"official-images-alpine.tsv", "official-images-alpine-history.tsv"} {
		for _, r := range refdata.Rows(t, f) {
			tags[r["image"]+":"+r["tag"]] = true
		}
	}
	wants, _ := filepath.Glob("../../fixtures/alpine/*/want.Dockerfile")
	if len(wants) < 40 {
		t.Fatalf("found %d alpine fixtures, want at least 40", len(wants))
	}
	nPkgs, nTags := 0, 0
	for _, w := range wants {
		dir := filepath.Dir(w)
		// The fixture's options (package passes reads the others).
		opts := &transform.Options{}
		if b, err := os.ReadFile(filepath.Join(dir, "options.json")); err == nil {
			var o struct {
				AlpineVersion string `json:"alpine-version"`
			}
			if err := json.Unmarshal(b, &o); err != nil {
				t.Fatal(err)
			}
			opts.AlpineVersion = o.AlpineVersion
		}
		rel := opts.Alpine()
		src, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parser.Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", w, err)
		}
		for _, name := range apkAdded(doc) {
			nPkgs++
			if !pkgs[rel][name] {
				t.Errorf("%s: apk add %s: not in Alpine %s main/community", w, name, rel)
			}
		}
		for _, st := range doc.Stages {
			ref, err := stages.ExpandBase(doc, st.Base)
			if err != nil || stages.ParentStage(doc, st) != nil || strings.EqualFold(ref, "scratch") {
				continue
			}
			r := stages.ParseRef(ref)
			if !r.Official || !images.IsAlpine(r.Tag) && r.Name != "alpine" {
				continue
			}
			nTags++
			if !tags[r.Name+":"+r.Tag] {
				t.Errorf("%s: FROM %s: %s:%s is not an official image tag", w, ref, r.Name, r.Tag)
			}
		}
	}
	t.Logf("checked %d apk add packages and %d image tags in %d fixtures", nPkgs, nTags, len(wants))
	if nPkgs < 50 || nTags < 40 {
		t.Fatalf("checked only %d packages and %d tags: the fixtures or this test lost their meaning", nPkgs, nTags)
	}
}

// apkAdded returns the package names of every apk add in doc's RUNs, with
// $VARS resolved through the stage's ARG/ENV and the RUN's assignments.
func apkAdded(doc *parser.Document) []string {
	var out []string
	for _, st := range doc.Stages {
		vars := map[string]string{}
		for _, in := range st.Instructions {
			switch in.Keyword {
			case "arg":
				for _, a := range in.Args {
					if k, v, ok := strings.Cut(a, "="); ok {
						vars[k] = stages.Unquote(v)
					}
				}
			case "env":
				for i := 0; i+1 < len(in.Args); i += 3 {
					vars[in.Args[i]] = stages.Unquote(in.Args[i+1])
				}
			}
			if in.Shell == nil || in.Shell.File == nil {
				continue
			}
			syntax.Walk(in.Shell.File, func(n syntax.Node) bool {
				c, ok := n.(*syntax.CallExpr)
				if !ok {
					return true
				}
				for _, a := range c.Assigns {
					if v, ok := shellx.WordLit(a.Value); ok && a.Value != nil {
						vars[a.Name.Value] = v
					}
				}
				args, _ := shellx.CallArgs(c)
				if len(args) < 2 || args[0] != "apk" || args[1] != "add" {
					return true
				}
				for i := 2; i < len(c.Args); i++ {
					w, lit := shellx.WordLit(c.Args[i])
					if !lit {
						if m := varWord.FindStringSubmatch(strings.Trim(wordText(in.Shell, c.Args[i]), `"`)); m != nil {
							out = append(out, strings.Fields(vars[m[1]])...)
						}
						continue
					}
					switch {
					case w == "--virtual" || w == "-t":
						i++
					case strings.HasPrefix(w, "-"):
					default:
						out = append(out, w)
					}
				}
				return true
			})
		}
	}
	return out
}

func wordText(sh *parser.Shell, w *syntax.Word) string {
	return sh.Text[w.Pos().Offset():w.End().Offset()]
}
