// Command corpusstats measures docklean's reach on a corpus of real
// Dockerfiles (docs/corpus.md): it runs the pipeline over every file, with the
// file's folder as the build context, and prints how many stages install with
// apt, how many of those the alpine pass converts, why the others are refused,
// and the files whose final base gets smaller. It also lists every file with a
// stage moved to Alpine, with the sha256 of docklean's output, for the review
// in docs/alpine-review.md.
//
//	go run ./internal/corpusstats [-manifest docs/corpus/manifest.tsv] [-out DIR] [-list FILE] [-only CODE] /work/corpus
//
// With -manifest the files are the manifest's rows (DIR/OWNER+REPO/PATH);
// without it DIR is walked the way docklean walks a folder. -out writes
// docklean's output of every converted file to DIR/<file>.docklean for review.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/docklean/docklean/internal/files"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/passes"
	"github.com/docklean/docklean/transform"
)

func main() {
	manifest := flag.String("manifest", "", "read the file list from this manifest (repo, commit, path, sha256) instead of walking DIR")
	out := flag.String("out", "", "write docklean's output of each converted file to this folder")
	list := flag.Bool("list", true, "print the list of files with a stage moved to Alpine")
	packages := flag.Bool("packages", false, "also print the coverage of the Debian package names the apt stages install (needs transform/data/debian-alpine.tsv under the working folder for the curated split)")
	left := flag.Bool("left", false, "print each file whose final stage is on a full image and keeps its base, with its base and the blocker")
	review := flag.String("review", "", "compare the files the alpine pass changes with this review table (docs/corpus/alpine-review.tsv): which outputs changed, which files joined or left")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: corpusstats [-manifest FILE] [-out DIR] CORPUS_DIR")
		os.Exit(2)
	}
	paths, err := corpusFiles(flag.Arg(0), *manifest)
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpusstats:", err)
		os.Exit(2)
	}
	st := measure(flag.Arg(0), paths)
	st.print(os.Stdout, *list)
	if *left {
		st.printLeft(os.Stdout)
	}
	if *packages {
		uses := map[string]int{}
		for _, f := range st.files {
			for _, n := range f.aptNames {
				uses[n]++
			}
		}
		printCoverage(os.Stdout, uses, curatedNames("."))
	}
	if *review != "" {
		prev, err := readReview(*review)
		if err != nil {
			fmt.Fprintln(os.Stderr, "corpusstats:", err)
			os.Exit(2)
		}
		compareReview(os.Stdout, prev, st.reviewList())
	}
	if *out != "" {
		for _, f := range st.files {
			if !f.moved {
				continue
			}
			dst := filepath.Join(*out, f.rel+".docklean")
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err == nil {
				err = os.WriteFile(dst, f.output, 0o644)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "corpusstats:", err)
				os.Exit(2)
			}
		}
	}
}

// reviewed is one row of a review table: the output hash and the verdict.
type reviewed struct{ hash, verdict string }

// readReview reads a review table: file, converted/apt stages, output hash,
// verdict, class, reason, with a header row.
func readReview(path string) (map[string]reviewed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]reviewed{}
	for i, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		cols := strings.Split(l, "\t")
		if i == 0 {
			continue
		}
		if len(cols) < 4 {
			return nil, fmt.Errorf("%s:%d: want at least 4 columns", path, i+1)
		}
		m[cols[0]] = reviewed{cols[2], cols[3]}
	}
	return m, nil
}

// reviewList maps each file the alpine pass changes to its output hash.
func (st *stats) reviewList() map[string]string {
	m := map[string]string{}
	for _, f := range st.files {
		if f.err == "" && f.moved {
			m[f.rel] = outputHash(f.output)
		}
	}
	return m
}

func outputHash(out []byte) string {
	sum := sha256.Sum256(out)
	return hex.EncodeToString(sum[:])[:16]
}

// compareReview prints what a new review has to look at: files whose output
// changed since the review, files the pass now changes that the review does
// not have, and reviewed files it no longer changes (refused now: reach lost).
func compareReview(w io.Writer, prev map[string]reviewed, now map[string]string) {
	var same int
	var changed, added, gone []string
	for f, h := range now {
		switch r, ok := prev[f]; {
		case !ok:
			added = append(added, f)
		case r.hash != h:
			changed = append(changed, f+"\t(was "+r.verdict+")")
		default:
			same++
		}
	}
	for f, r := range prev {
		if _, ok := now[f]; !ok {
			gone = append(gone, f+"\t(was "+r.verdict+")")
		}
	}
	fmt.Fprintf(w, "\nreview: %d files unchanged since the review, %d with a new output, %d new, %d no longer changed by the alpine pass\n", same, len(changed), len(added), len(gone))
	for _, g := range []struct {
		name  string
		files []string
	}{{"new output", changed}, {"new", added}, {"no longer changed", gone}} {
		sort.Strings(g.files)
		for _, f := range g.files {
			fmt.Fprintf(w, "%s\t%s\n", g.name, f)
		}
	}
}

// corpusFiles returns the Dockerfiles of the corpus, relative to dir.
func corpusFiles(dir, manifest string) ([]string, error) {
	if manifest == "" {
		found, problems := files.Find(dir, nil)
		if len(problems) > 0 {
			return nil, errors.Join(problems...)
		}
		var rel []string
		for _, p := range found {
			r, err := filepath.Rel(dir, p)
			if err != nil {
				return nil, err
			}
			rel = append(rel, r)
		}
		sort.Strings(rel)
		return rel, nil
	}
	f, err := os.Open(manifest)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rel []string
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first && cols[0] == "repo" {
			continue
		}
		if len(cols) < 3 {
			return nil, fmt.Errorf("%s: bad row %q", manifest, sc.Text())
		}
		rel = append(rel, filepath.Join(strings.Replace(cols[0], "/", "+", 1), cols[2]))
	}
	sort.Strings(rel)
	return rel, sc.Err()
}

// fileStat is what one file contributed.
type fileStat struct {
	rel        string
	err        string // the pipeline's error, "" when none
	stages     int
	aptStages  int
	converted  int        // apt stages the alpine pass moved to Alpine
	moved      bool       // the alpine pass changed the file (apt stages or not)
	aptNames   []string   // distinct package names its apt stages install
	refusals   []string   // one reason per refused apt stage
	codes      [][]string // per refused apt stage: the distinct codes of its alpine refusals
	fullFinal  bool       // the final stage is on a full Debian/Ubuntu/language image
	base       string     // the final stage's root image, when fullFinal
	family     family     // its class
	blocker    string     // why a fullFinal file's final base does not get smaller
	smaller    bool       // the final base image gets smaller
	idempotent bool
	output     []byte
}

type stats struct{ files []*fileStat }

// onlyCode is -only: print to stderr the refusals of each refused apt
// stage whose refusals all have this code.
var onlyCode = flag.String("only", "", "print to stderr the refusals of each refused apt stage whose refusals all have this code (alpine/unknown-package …): the stages one kind of fix away")

func measure(dir string, rels []string) *stats {
	alpineOnly, err := passes.Select([]string{"alpine"}, nil)
	if err != nil {
		panic(err)
	}
	st := &stats{files: make([]*fileStat, len(rels))}
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				st.files[i] = measureFile(dir, rels[i], alpineOnly)
			}
		}()
	}
	for i := range rels {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return st
}

func measureFile(dir, rel string, alpineOnly []*transform.Pass) *fileStat {
	fs := &fileStat{rel: rel}
	path := filepath.Join(dir, rel)
	src, err := os.ReadFile(path)
	if err != nil {
		fs.err = err.Error()
		return fs
	}
	opts := func() *transform.Options {
		return &transform.Options{Context: os.DirFS(filepath.Dir(path))}
	}
	doc, err := parser.Parse(src)
	if err != nil {
		fs.err = "parse: " + err.Error()
		return fs
	}
	fs.stages = len(doc.Stages)
	if n := len(doc.Stages); n > 0 {
		fs.fullFinal = fullImage(rootBase(doc.Stages[n-1]))
	}
	// The alpine pass alone decides which stages move.
	ra, err := transform.Process(rel, src, alpineOnly, opts())
	if err != nil {
		fs.err = "alpine: " + err.Error()
		return fs
	}
	fs.moved = ra.Changed(src)
	after, err := parser.Parse(ra.Output)
	if err != nil {
		fs.err = "alpine output: " + err.Error()
		return fs
	}
	seen := map[string]bool{}
	for i, s := range doc.Stages {
		if !installsWithApt(doc, s) {
			continue
		}
		for _, n := range aptNames(doc, s) {
			if !seen[n] {
				seen[n] = true
				fs.aptNames = append(fs.aptNames, n)
			}
		}
		fs.aptStages++
		if i < len(after.Stages) && !installsWithApt(after, after.Stages[i]) && movedToAlpine(after, after.Stages[i]) {
			fs.converted++
			continue
		}
		r := refusalFor(s, ra.Findings)
		if os.Getenv("CORPUSSTATS_DEBUG") != "" && strings.HasPrefix(r, "(no") {
			fmt.Fprintln(os.Stderr, rel)
		}
		fs.refusals = append(fs.refusals, r)
		fs.codes = append(fs.codes, refusalCodes(s, ra.Findings))
		if c := *onlyCode; c != "" && slices.Equal(fs.codes[len(fs.codes)-1], []string{c}) {
			for _, f := range ra.Findings {
				if f.Kind == transform.Refused && string(f.Code) == c {
					fmt.Fprintf(os.Stderr, "%s:%d: %s\n", rel, f.Line, f.Message)
				}
			}
		}
	}
	// The whole pipeline: the output to review, the size estimate, idempotence.
	r, err := transform.Process(rel, src, passes.All(), opts())
	if err != nil {
		fs.err = "pipeline: " + err.Error()
		return fs
	}
	fs.output = r.Output
	fs.smaller = r.Estimate != nil && r.Estimate.AfterMB < r.Estimate.BeforeMB
	if fs.fullFinal {
		fs.base = rootBase(doc.Stages[len(doc.Stages)-1])
		fs.family = familyOf(fs.base)
		if !fs.smaller {
			fs.blocker = blocker(doc, r.Findings)
		}
	}
	again, err := transform.Process(rel, r.Output, passes.All(), opts())
	fs.idempotent = err == nil && string(again.Output) == string(r.Output)
	return fs
}

var aptInstall = regexp.MustCompile(`\b(apt-get|apt|aptitude)\b[^;&|\n]*\binstall\b`)

// installsWithApt reports whether a RUN of the stage installs with apt.
func installsWithApt(doc *parser.Document, s *parser.Stage) bool {
	for _, in := range s.Instructions {
		if in.Keyword == "run" && aptInstall.MatchString(doc.Text(in)) {
			return true
		}
	}
	return false
}

var apkAdd = regexp.MustCompile(`\bapk\b[^;&|\n]*\badd\b`)

// movedToAlpine reports whether the stage now installs with apk.
func movedToAlpine(doc *parser.Document, s *parser.Stage) bool {
	for _, in := range s.Instructions {
		if in.Keyword == "run" && apkAdd.MatchString(doc.Text(in)) {
			return true
		}
	}
	return strings.Contains(rootBase(s), "alpine")
}

// rootBase is the image a stage is ultimately built on.
func rootBase(s *parser.Stage) string {
	for s.Parent != nil {
		s = s.Parent
	}
	return s.Base
}

var langImages = map[string]bool{
	"python": true, "node": true, "ruby": true, "golang": true, "php": true, "openjdk": true,
	"eclipse-temurin": true, "amazoncorretto": false, "maven": true, "gradle": true, "rust": true,
	"perl": true, "erlang": true, "elixir": true, "haskell": true, "gcc": true, "buildpack-deps": true,
	"r-base": true, "julia": true, "swift": true, "tomcat": true, "pypy": true, "clojure": true,
	"groovy": true, "dart": true, "mono": true, "httpd": true, "nginx": true, "wordpress": true,
	"drupal": true, "jenkins/jenkins": true, "mcr.microsoft.com/devcontainers/base": true,
}

// fullImage reports whether ref is a full (not slim, not Alpine) Debian or
// Ubuntu image, or an official language image on one.
func fullImage(ref string) bool {
	ref = strings.ToLower(ref)
	if strings.Contains(ref, "$") || strings.Contains(ref, "alpine") || strings.Contains(ref, "slim") ||
		strings.Contains(ref, "scratch") || strings.Contains(ref, "distroless") {
		return false
	}
	name, tag, _ := strings.Cut(ref, "@")
	name, tag, _ = strings.Cut(name, ":")
	name = strings.TrimPrefix(strings.TrimPrefix(name, "docker.io/"), "library/")
	_ = tag
	switch name {
	case "debian", "ubuntu", "buildpack-deps":
		return true
	}
	return langImages[name]
}

// refusalFor is the alpine pass's reason for leaving stage s as it is: its
// refusal finding naming the stage, or else one on a line of the stage, or
// else the same for the stage it is built on (FROM builder AS dev).
func refusalFor(s *parser.Stage, findings []transform.Finding) string {
	for cur := s; cur != nil; cur = cur.Parent {
		if r := ownRefusal(cur, findings); r != "" {
			return r
		}
	}
	for _, f := range findings {
		if f.Kind == transform.Refused && strings.HasPrefix(f.Message, "file left unchanged") {
			return f.Message
		}
	}
	return "(no refusal finding)"
}

// refusalCodes returns the distinct codes of the refusals that name s or
// one of the stages it is built on, or lie in their lines.
func refusalCodes(s *parser.Stage, findings []transform.Finding) []string {
	seen := map[string]bool{}
	var codes []string
	for cur := s; cur != nil; cur = cur.Parent {
		first, last := cur.From.StartLine, cur.Instructions[len(cur.Instructions)-1].EndLine
		name := stageName(cur)
		for _, f := range findings {
			if f.Kind == transform.Refused && (strings.HasPrefix(f.Message, name) || f.Line >= first && f.Line <= last) && !seen[string(f.Code)] {
				seen[string(f.Code)] = true
				codes = append(codes, string(f.Code))
			}
		}
	}
	if len(codes) == 0 {
		codes = []string{"(no refusal finding)"}
	}
	sort.Strings(codes)
	return codes
}

// stageName is how findings name a stage ("stage 2 ", `stage "app" `).
func stageName(s *parser.Stage) string {
	if s.Name != "" {
		return fmt.Sprintf("stage %q ", s.Name)
	}
	return fmt.Sprintf("stage %d ", s.Index)
}

func ownRefusal(s *parser.Stage, findings []transform.Finding) string {
	first, last := s.From.StartLine, s.Instructions[len(s.Instructions)-1].EndLine
	name := stageName(s)
	var inRange string
	for _, f := range findings {
		if f.Kind != transform.Refused {
			continue
		}
		if strings.HasPrefix(f.Message, name) {
			return f.Message
		}
		if inRange == "" && f.Line >= first && f.Line <= last {
			inRange = f.Message
		}
	}
	return inRange
}

var (
	stagePrefix = regexp.MustCompile(`^stage (\d+|"[^"]*") left unchanged: `)
	quoted      = regexp.MustCompile("\"[^\"]*\"|`[^`]*`|'[^']*'")
	lineRef     = regexp.MustCompile(`\blines? \d+((, | and )\d+)*`)
	version     = regexp.MustCompile(`\b\d+(\.\d+)+\b`)
	named       = regexp.MustCompile(`\b(packages?|commands?) ([^\s,;:()]+)`)
	stageRef    = regexp.MustCompile(`\bstage (\d+|"[^"]*")`)
	leadImage   = regexp.MustCompile(`^(the base )?\S+ (is not an official|has no Alpine variant|is not a tag|never had|is pinned by digest)`)
	url         = regexp.MustCompile(`\b(https?|ftp)://[^\s)]+`)
	parens      = regexp.MustCompile(`\([^()]*\)`)
	fromLine    = regexp.MustCompile(`^FROM .* becomes \S+, `)
)

// pattern turns a refusal message into its reason pattern: the stage, line
// numbers, versions, quoted and parenthesised text, URLs, the image a message
// starts with and the name after "package" or "command" replaced by
// placeholders.
func pattern(msg string) string {
	msg = stagePrefix.ReplaceAllString(msg, "")
	msg = leadImage.ReplaceAllString(msg, "${1}IMAGE $2")
	msg = fromLine.ReplaceAllString(msg, "FROM with ARGs becomes an Alpine tag, ")
	msg = url.ReplaceAllString(msg, "URL")
	msg = parens.ReplaceAllString(msg, "(…)")
	msg = quoted.ReplaceAllString(msg, "…")
	msg = lineRef.ReplaceAllString(msg, "line N")
	msg = version.ReplaceAllString(msg, "V")
	msg = stageRef.ReplaceAllString(msg, "stage S")
	msg = named.ReplaceAllStringFunc(msg, func(s string) string {
		return named.FindStringSubmatch(s)[1] + " X"
	})
	if len(msg) > 140 {
		msg = msg[:140] + "…"
	}
	return msg
}

func (st *stats) print(w io.Writer, list bool) {
	var files, stages, apt, conv, full, smaller, errs, nonIdem, convFiles, movedFiles int
	reasons := map[string]int{}
	anyCode, onlyCode := map[string]int{}, map[string]int{}
	for _, f := range st.files {
		files++
		if f.err != "" {
			errs++
			fmt.Fprintf(w, "error: %s: %s\n", f.rel, f.err)
			continue
		}
		stages += f.stages
		apt += f.aptStages
		conv += f.converted
		if f.converted > 0 {
			convFiles++
		}
		if f.moved {
			movedFiles++
		}
		for _, r := range f.refusals {
			reasons[pattern(r)]++
		}
		for _, cs := range f.codes {
			for _, c := range cs {
				anyCode[c]++
			}
			if len(cs) == 1 {
				onlyCode[cs[0]]++
			}
		}
		if f.fullFinal {
			full++
		}
		if f.smaller {
			smaller++
		}
		if !f.idempotent {
			nonIdem++
			fmt.Fprintf(w, "not idempotent: %s\n", f.rel)
		}
	}
	pct := func(a, b int) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
	}
	fmt.Fprintf(w, "files\t%d\n", files)
	fmt.Fprintf(w, "errors (pipeline refused the file or failed)\t%d\n", errs)
	fmt.Fprintf(w, "not idempotent\t%d\n", nonIdem)
	fmt.Fprintf(w, "stages\t%d\n", stages)
	fmt.Fprintf(w, "stages installing with apt\t%d\n", apt)
	fmt.Fprintf(w, "apt stages converted to Alpine\t%d (%s)\n", conv, pct(conv, apt))
	fmt.Fprintf(w, "apt stages refused\t%d\n", apt-conv)
	fmt.Fprintf(w, "files with an apt stage moved to Alpine\t%d\n", convFiles)
	fmt.Fprintf(w, "files the alpine pass changes (any stage)\t%d\n", movedFiles)
	fmt.Fprintf(w, "files whose final stage is on a full Debian/Ubuntu/language image\t%d\n", full)
	fmt.Fprintf(w, "files whose final base gets smaller (any file)\t%d\n", smaller)
	rs := sortedCounts(reasons)
	fmt.Fprintf(w, "\nrefused apt stages by reason pattern (%d patterns)\n", len(rs))
	for _, r := range rs {
		fmt.Fprintf(w, "%5d  %s\n", r.v, r.k)
	}
	fmt.Fprintf(w, "\nrefused apt stages by code: stages with a refusal of the code / stages whose refusals all have that code\n")
	for _, c := range sortedCounts(anyCode) {
		fmt.Fprintf(w, "%5d %5d  %s\n", c.v, onlyCode[c.k], c.k)
	}
	st.printReach(w)
	if !list {
		return
	}
	fmt.Fprintf(w, "\nfiles the alpine pass changes (converted/apt stages, sha256 of docklean's whole-pipeline output, first 16 hex digits)\n")
	for _, f := range st.files {
		if f.err == "" && f.moved {
			fmt.Fprintf(w, "%s\t%d/%d\t%s\n", f.rel, f.converted, f.aptStages, outputHash(f.output))
		}
	}
}
