package gomultistage

import (
	"path"
	"regexp"
	"strings"

	"github.com/docklean/docklean/internal/gosrc"
	"github.com/docklean/docklean/internal/shellx"
	"github.com/docklean/docklean/parser"
	"mvdan.cc/sh/v3/syntax"
)

// goVar is a variable of the stage: an ENV (value known when literal) or an
// ARG (value is its default; a build argument may override it, so paths that
// use it keep the reference).
type goVar struct {
	value string
	known bool
	arg   *parser.Instruction // the ARG that declares it, nil for ENV
}

// expansion is a word with its variables expanded: value for reasoning,
// text for writing into the runtime stage (ARG references are kept as
// ${NAME} so that --build-arg still works, and the runtime stage declares
// the ARG again; ENV references are replaced).
type expansion struct {
	value, text string
}

var dfVarRe = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)

// dfWord expands $NAME and ${NAME} in a Dockerfile word (WORKDIR, COPY).
// ok is false when it uses an unknown variable or another expansion form.
func (g *goStage) dfWord(s string) (expansion, bool) {
	var e expansion
	ok := true
	last := 0
	for _, m := range dfVarRe.FindAllStringSubmatchIndex(s, -1) {
		name := ""
		if m[2] >= 0 {
			name = s[m[2]:m[3]]
		} else {
			name = s[m[4]:m[5]]
		}
		lit := s[last:m[0]]
		ok = ok && !strings.Contains(lit, "$") && g.addVarAfter(&e, lit, name)
		last = m[1]
	}
	e.value += s[last:]
	e.text += s[last:]
	return e, ok && !strings.Contains(s[last:], "$")
}

func (g *goStage) addVarAfter(e *expansion, lit, name string) bool {
	e.value += lit
	e.text += lit
	return g.addVar(e, name)
}

// addVar appends variable name to e.
func (g *goStage) addVar(e *expansion, name string) bool {
	v, found := g.vars[name]
	if !found || !v.known {
		return false
	}
	e.value += v.value
	if v.arg != nil {
		e.text += "${" + name + "}"
	} else {
		e.text += v.value
	}
	return true
}

// shWord expands a shell word of a RUN with the stage's variables (ENV and
// ARG values are in the environment of RUN) and the RUN's own exports.
func (g *goStage) shWord(w *syntax.Word, env map[string]string) (expansion, bool) {
	var e expansion
	ok := true
	var add func(parts []syntax.WordPart)
	add = func(parts []syntax.WordPart) {
		for _, p := range parts {
			switch p := p.(type) {
			case *syntax.Lit:
				v := p.Value
				if strings.Contains(v, `\`) {
					v = shellx.UnescapeLit(v)
				}
				e.value += v
				e.text += v
			case *syntax.SglQuoted:
				if p.Dollar {
					ok = false
				}
				e.value += p.Value
				e.text += p.Value
			case *syntax.DblQuoted:
				add(p.Parts)
			case *syntax.ParamExp:
				if p.Param == nil || p.Exp != nil || p.Repl != nil || p.Index != nil || p.Slice != nil || p.Length || p.Width || p.Excl {
					ok = false
					continue
				}
				if v, found := env[p.Param.Value]; found {
					e.value += v
					e.text += v
				} else if !g.addVar(&e, p.Param.Value) {
					ok = false
				}
			default:
				ok = false
			}
		}
	}
	add(w.Parts)
	return e, ok
}

// joinText is stages.AbsPath for the text form of an expansion.
func joinText(dirText string, e expansion) string {
	if strings.HasPrefix(e.value, "/") {
		return path.Clean(e.text)
	}
	return path.Join(dirText, e.text)
}

// argNames returns the names of stage ARGs that text refers to.
func (g *goStage) argNames(text string) []string {
	var names []string
	for _, m := range dfVarRe.FindAllStringSubmatch(text, -1) {
		name := m[1] + m[2]
		if v, ok := g.vars[name]; ok && v.arg != nil {
			names = gosrc.AppendNew(names, name)
		}
	}
	return names
}

// unquoteDF removes the quotes of a Dockerfile ENV/ARG value.
func unquoteDF(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
