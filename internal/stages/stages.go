// Package stages holds what docklean knows about the stages and FROM lines of
// a Dockerfile that more than one pass needs: the stage a stage is built on,
// its name in findings, the command its image runs, the image reference a FROM
// names (with the ARGs before the first FROM expanded) and where it is written.
package stages

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/docklean/docklean/parser"
)

// Ref is an image reference split into its parts.
type Ref struct {
	Prefix string // registry and namespace as written, "docker.io/library/" or ""
	Name   string // repository name without prefix, "python"
	Tag    string
	Digest string
	// Official is true for Docker Hub library images.
	Official bool
}

// ParseRef splits an image reference into its parts.
func ParseRef(ref string) Ref {
	var r Ref
	ref, r.Digest, _ = strings.Cut(ref, "@")
	path := ref
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		path, r.Tag = ref[:i], ref[i+1:]
	}
	registry := ""
	if first, rest, ok := strings.Cut(path, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		registry, path = first, rest
	}
	hub := registry == "" || registry == "docker.io" || registry == "index.docker.io" || registry == "registry-1.docker.io"
	lib, isLib := strings.CutPrefix(path, "library/")
	switch {
	case hub && isLib:
		r.Official, r.Name = true, lib
	case hub && !strings.Contains(path, "/"):
		r.Official, r.Name = true, path
	default:
		r.Name = path
	}
	r.Prefix = strings.TrimSuffix(path, r.Name)
	if registry != "" {
		r.Prefix = registry + "/" + r.Prefix
	}
	return r
}

// ArgRef matches a reference to an ARG, ${NAME}, ${NAME:-default} or $NAME.
var ArgRef = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))`)

// MetaArg is an ARG before the first FROM with a default value.
type MetaArg struct {
	in    *parser.Instruction
	Value string // unquoted
	raw   string // as written after NAME=
}

// MetaArgs returns the ARGs before the first FROM that have a default, by name.
func MetaArgs(doc *parser.Document) map[string]MetaArg {
	m := map[string]MetaArg{}
	for _, in := range doc.MetaArgs {
		for _, a := range in.Args {
			name, raw, ok := strings.Cut(a, "=")
			if !ok {
				continue
			}
			m[name] = MetaArg{in: in, raw: raw, Value: Unquote(raw)}
		}
	}
	return m
}

// Unquote removes the quotes around a value quoted whole with " or '.
func Unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// ExpandBase expands ${VAR} and $VAR in a FROM reference through the ARG
// defaults before the first FROM, as buildkit does.
func ExpandBase(doc *parser.Document, raw string) (string, error) {
	args := MetaArgs(doc)
	var missing string
	out := ArgRef.ReplaceAllStringFunc(raw, func(m string) string {
		sub := ArgRef.FindStringSubmatch(m)
		name := sub[1] + sub[3]
		if a, ok := args[name]; ok && a.Value != "" {
			return a.Value
		}
		if strings.Contains(m, "-") && sub[1] != "" {
			return sub[2]
		}
		missing = name
		return ""
	})
	if missing != "" {
		return "", fmt.Errorf("ARG %s has no default", missing)
	}
	return out, nil
}

// ParentStage returns the earlier stage a stage is built on, or nil when
// its base is an image: the parser's Parent, and for a base written with
// ARGs (FROM ${BUILDER}) the stage the ARGs' defaults name.
func ParentStage(doc *parser.Document, st *parser.Stage) *parser.Stage {
	if !strings.Contains(st.Base, "$") {
		return st.Parent
	}
	ref, err := ExpandBase(doc, st.Base)
	if err != nil {
		return nil
	}
	if p := doc.StageByName(ref); p != nil && p.Index < st.Index {
		return p
	}
	return nil
}

// StageName names a stage in findings: stage "build", or stage 2.
func StageName(st *parser.Stage) string {
	if st.Name != "" {
		return fmt.Sprintf("stage %q", st.Name)
	}
	return fmt.Sprintf("stage %d", st.Index)
}

// StageLabel names a stage in run-merge's and cache-cleanup's findings: 2 (build), or 2.
func StageLabel(st *parser.Stage) string {
	if st.Name != "" {
		return fmt.Sprintf("%d (%s)", st.Index, st.Name)
	}
	return fmt.Sprint(st.Index)
}

// FinalCommand looks at the image docker build makes, the file's last
// stage, when it is in tree: it returns that stage and the ENTRYPOINT (or,
// with none, the CMD) it runs, set by it or by a stage of the tree it is
// built on (the nearest wins); nil, nil when the last stage is not in tree,
// and a nil instruction when nothing in the tree sets one. Stages whose
// files are only copied out (COPY --from) are not the image users run.
func FinalCommand(doc *parser.Document, tree []*parser.Stage) (*parser.Stage, *parser.Instruction) {
	last := doc.Stages[len(doc.Stages)-1]
	if !slices.Contains(tree, last) {
		return nil, nil
	}
	var cmd *parser.Instruction
	for st := last; st != nil && slices.Contains(tree, st); st = ParentStage(doc, st) {
		for i := len(st.Instructions) - 1; i >= 0; i-- {
			switch in := st.Instructions[i]; in.Keyword {
			case "entrypoint":
				return last, in
			case "cmd":
				if cmd == nil {
					cmd = in
				}
			}
		}
	}
	return last, cmd
}

// FromImageSpan returns the byte range of the image word in a FROM
// instruction, which may be preceded by flags and line continuations.
func FromImageSpan(doc *parser.Document, in *parser.Instruction, image string) (start, end int, ok bool) {
	text := string(doc.Src[in.Start:in.End])
	i, first := 0, true
	for i < len(text) {
		for i < len(text) && strings.IndexByte(" \t\r\n", text[i]) >= 0 {
			i++
		}
		j := i
		for j < len(text) && strings.IndexByte(" \t\r\n", text[j]) < 0 {
			j++
		}
		tok := text[i:j]
		if strings.HasPrefix(tok, "#") && strings.TrimLeft(text[strings.LastIndexByte(text[:i], '\n')+1:i], " \t") == "" {
			// a comment line inside the continuation
			for j < len(text) && text[j] != '\n' {
				j++
			}
			tok = ""
		}
		switch {
		case tok == "":
		case first:
			first = false // the FROM keyword
		case tok == image:
			return in.Start + i, in.Start + j, true
		case strings.HasPrefix(tok, "--") || tok == string(doc.Escape):
		default:
			return 0, 0, false
		}
		i = j
	}
	return 0, 0, false
}

// KeywordEnd returns the offset just past the instruction's keyword.
func KeywordEnd(doc *parser.Document, in *parser.Instruction) int {
	off := in.Start
	for off < in.End && (doc.Src[off] == ' ' || doc.Src[off] == '\t') {
		off++
	}
	return off + len(in.Keyword)
}

// AbsPath resolves p against dir the way WORKDIR and cd do.
func AbsPath(dir, p string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}
