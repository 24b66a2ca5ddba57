package transform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/images"
	"github.com/docklean/docklean/internal/refdata"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
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
	wants, _ := filepath.Glob("../fixtures/alpine/*/want.Dockerfile")
	if len(wants) < 40 {
		t.Fatalf("found %d alpine fixtures, want at least 40", len(wants))
	}
	nPkgs, nTags := 0, 0
	for _, w := range wants {
		dir := filepath.Dir(w)
		opts := &Options{}
		if b, err := os.ReadFile(filepath.Join(dir, "options.json")); err == nil {
			if err := json.Unmarshal(b, opts); err != nil {
				t.Fatal(err)
			}
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
			ref, err := expandBase(doc, st.Base)
			if err != nil || parentStage(doc, st) != nil || strings.EqualFold(ref, "scratch") {
				continue
			}
			r := parseAlpineRef(ref)
			if !r.official || !images.IsAlpine(r.tag) && r.name != "alpine" {
				continue
			}
			nTags++
			if !tags[r.name+":"+r.tag] {
				t.Errorf("%s: FROM %s: %s:%s is not an official image tag", w, ref, r.name, r.tag)
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
						vars[k] = unquote(v)
					}
				}
			case "env":
				for i := 0; i+1 < len(in.Args); i += 3 {
					vars[in.Args[i]] = unquote(in.Args[i+1])
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

// TestAlpineCorpus runs the alpine pass over fixtures/corpus and reports how
// many stages it converted and refused, and why (go test ./transform -run
// AlpineCorpus -v).
func TestAlpineCorpus(t *testing.T) {
	files := corpusFiles(t)
	if len(files) < 30 {
		t.Skipf("fixtures/corpus has %d files; the corpus report needs at least 30", len(files))
	}
	var stages, converted, refused, files2 int
	reasons := map[string]int{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Process(f, src, []*Pass{registry["alpine"]}, nil)
		if err != nil {
			if _, bad := err.(*parser.Error); bad {
				continue
			}
			t.Errorf("%s: %v", f, err)
			continue
		}
		files2++
		in, _ := parser.Parse(src)
		out, err := parser.Parse(res.Output)
		if err != nil {
			t.Fatalf("%s: output does not parse: %v", f, err)
		}
		stages += len(in.Stages)
		for _, st := range out.Stages {
			root := st
			for p := parentStage(out, root); p != nil; p = parentStage(out, p) {
				root = p
			}
			a, _ := expandBase(in, in.Stages[root.Index].Base)
			b, _ := expandBase(out, root.Base)
			if a != b {
				converted++
			}
		}
		seen := map[string]bool{}
		for _, fd := range res.Findings {
			if fd.Kind != Refused {
				continue
			}
			n := 1
			if strings.HasPrefix(fd.Message, "file left unchanged") {
				n = len(in.Stages)
			} else if name := refusedStage.FindString(fd.Message); seen[name] {
				continue
			} else {
				seen[name] = true
			}
			refused += n
			reasons[refusalKind(fd.Message)] += n
		}
	}
	var keys []string
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if reasons[keys[i]] != reasons[keys[j]] {
			return reasons[keys[i]] > reasons[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "alpine over %d corpus files: %d stages, %d converted, %d refused, %d left alone (already Alpine, scratch, other images)\nrefused stages by reason:\n",
		files2, stages, converted, refused, stages-converted-refused)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %4d  %s\n", reasons[k], k)
	}
	t.Log("\n" + b.String())
	if converted == 0 {
		t.Error("no stage of the corpus was converted")
	}
}

var refusedStage = regexp.MustCompile(`^stage ("[^"]*"|\d+)`)

var refusalKinds = []struct {
	re   *regexp.Regexp
	kind string
}{
	{regexp.MustCompile(`package \S+ has no Alpine equivalent`), "a package has no Alpine equivalent"},
	{regexp.MustCompile(`never had an Alpine variant|has no Alpine variant|no Alpine variant of the same flavour`), "the image (or that tag) has no Alpine variant"},
	{regexp.MustCompile(`is not a tag docklean knows`), "the image tag is unknown to the tables"},
	{regexp.MustCompile(`pinned by digest`), "digest-pinned base"},
	{regexp.MustCompile(`built on it, cannot be converted|which stays as it is`), "a stage sharing its base refused"},
	{regexp.MustCompile(`stays on glibc`), "a stage left on glibc copies its files (musl-built files may not run there)"},
	{regexp.MustCompile(`dpkg`), "dpkg"},
	{regexp.MustCompile(`\.deb`), ".deb file"},
	{regexp.MustCompile(`/etc/apt|PPA|add-apt-repository`), "apt repository setup (/etc/apt, PPA)"},
	{regexp.MustCompile(`vendor's`), "vendor repository setup script"},
	{regexp.MustCompile(`glibc build`), "glibc-only download"},
	{regexp.MustCompile(`locale-gen|update-locale|localedef`), "locale-gen"},
	{regexp.MustCompile(`apt-key|apt-mark|apt-cache`), "apt-key/apt-mark"},
	{regexp.MustCompile(`debconf`), "debconf"},
	{regexp.MustCompile(`alternatives`), "update-alternatives"},
	{regexp.MustCompile(`package list|computed`), "package list not resolvable"},
	{regexp.MustCompile(`escape=`), "Windows file (# escape=`)"},
	{regexp.MustCompile(`not an official image`), "base image unknown (private or third-party)"},
	{regexp.MustCompile(`has no apk equivalent`), "apt/yum option or subcommand with no apk form"},
}

func refusalKind(msg string) string {
	for _, k := range refusalKinds {
		if k.re.MatchString(msg) {
			return k.kind
		}
	}
	_, rest, _ := strings.Cut(msg, "left unchanged: ")
	return rest
}
