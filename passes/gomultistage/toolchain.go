package gomultistage

import (
	"path"
	"regexp"
	"strings"

	"github.com/docklean/docklean/parser"
)

// goToolchainTools are programs that run the go command themselves (live
// reloaders, linters, debuggers, test runners): an image running one needs
// the Go toolchain.
var goToolchainTools = map[string]bool{
	"air": true, "CompileDaemon": true, "gin": true, "realize": true, "fresh": true, "dlv": true,
	"gopls": true, "golangci-lint": true, "staticcheck": true, "govulncheck": true, "gosec": true,
	"errcheck": true, "gotestsum": true, "ginkgo": true, "goreleaser": true, "ko": true, "mage": true,
	"buffalo": true, "wire": true,
}

// goSubcommand finds a go command in the arguments of CMD/ENTRYPOINT, such
// as reflex ... -- go run . or CompileDaemon --build="go build".
var goSubcommand = regexp.MustCompile(`(^|[\s="'])go\s+(build|run|test|install|generate|vet|mod|tool)\b`)

// needsToolchain blocks a stage whose program needs the Go toolchain at run
// time: a known tool that runs go, a CMD/ENTRYPOINT that runs go, or a
// downloaded program (go install module@version) next to Go sources the
// stage copies but never builds, which only the program can be there for.
func (g *goStage) needsToolchain(run *parser.Instruction, bin *goBinary, idx int) {
	name := path.Base(bin.paths[idx])
	if goToolchainTools[name] {
		g.block(run.StartLine, codeToolchain, "%s runs the go command at run time (it builds, checks or debugs Go code), so the image needs the Go toolchain", name)
		return
	}
	for _, in := range g.st.Instructions {
		if (in.Keyword == "cmd" || in.Keyword == "entrypoint") && goSubcommand.MatchString(strings.Join(in.Args, " ")) {
			g.block(in.StartLine, codeToolchain, "%s runs the go command at run time, so the image needs the Go toolchain", strings.ToUpper(in.Keyword))
			return
		}
	}
	if bin.remote && len(g.sources) > 0 {
		g.block(g.sources[0].in.StartLine, codeToolchain, "the stage copies Go sources but builds none of them: %s, a downloaded program, presumably works on them at run time with the Go toolchain", name)
	}
}

// goRuntimeVars are GO* variables the Go runtime reads in the running
// program, so they belong to the runtime stage.
var goRuntimeVars = map[string]bool{"GOGC": true, "GOMEMLIMIT": true, "GOMAXPROCS": true, "GODEBUG": true, "GOTRACEBACK": true}

// toolchainVar reports whether an ENV variable only matters to the Go
// toolchain in the builder (GOPROXY, CGO_ENABLED, PATH …).
func toolchainVar(k string) bool {
	return (strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "CGO_") || k == "PATH") && !goRuntimeVars[k]
}
