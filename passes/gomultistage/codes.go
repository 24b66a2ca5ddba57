package gomultistage

import (
	"errors"
	"strings"

	"github.com/docklean/docklean/transform"
)

// The codes go-multistage reports, documented in docs/go-multistage.md#RULE.
const (
	codeSplit        transform.Code = "go-multistage/split"
	codeCgoDisabled  transform.Code = "go-multistage/cgo-disabled"
	codeModuleCache  transform.Code = "go-multistage/module-cache"
	codeAlpine       transform.Code = "go-multistage/alpine-runtime"
	codeRunsAsRoot   transform.Code = "go-multistage/runs-as-root"
	codeUnchecked    transform.Code = "go-multistage/unchecked-files"
	codeNameFromCmd  transform.Code = "go-multistage/name-from-cmd"
	codeNotFinal     transform.Code = "go-multistage/not-final-stage"
	codeUnsupported  transform.Code = "go-multistage/unsupported-instruction"
	codeBinary       transform.Code = "go-multistage/binary-unknown"
	codeVariable     transform.Code = "go-multistage/unresolved-variable"
	codeSeveral      transform.Code = "go-multistage/several-binaries"
	codeGoRun        transform.Code = "go-multistage/go-run"
	codeBuildDriver  transform.Code = "go-multistage/build-driver"
	codeUnreadable   transform.Code = "go-multistage/unreadable-run"
	codeRuntimeFiles transform.Code = "go-multistage/runtime-files"
	codeMissingFile  transform.Code = "go-multistage/missing-file"
	codeUnread       transform.Code = "go-multistage/unread-sources"
	codeCgoGlibc     transform.Code = "go-multistage/cgo-glibc"
	codeCgoLibrary   transform.Code = "go-multistage/cgo-library"
	codePackage      transform.Code = "go-multistage/unknown-package"
	codeEntrypoint   transform.Code = "go-multistage/entrypoint"
	codeTool         transform.Code = "go-multistage/unknown-tool"
	codeToolchain    transform.Code = "go-multistage/needs-toolchain"
	codeRuntimeFlag  transform.Code = "go-multistage/runtime-option"
	codeAlpineUser   transform.Code = "go-multistage/alpine-user"
)

// rules declares every code of the pass, with its one-line summary.
var rules = []transform.Rule{
	{Code: codeSplit, Summary: "the final golang stage becomes a builder and a minimal runtime stage"},
	{Code: codeCgoDisabled, Summary: "CGO_ENABLED=0 on the go build so that the binary is static"},
	{Code: codeModuleCache, Summary: "go.mod and go.sum are copied first so that go mod download stays cached"},
	{Code: codeAlpine, Summary: "the runtime is alpine because the image needs a shell, tools or cgo libraries"},
	{Code: codeRunsAsRoot, Summary: "the runtime keeps running as root because the program needs it"},
	{Code: codeUnchecked, Summary: "docklean could not read every file the program may read at run time"},
	{Code: codeNameFromCmd, Summary: "the binary's name is taken from CMD/ENTRYPOINT because go.mod is unreadable"},
	{Code: codeNotFinal, Summary: "the final stage is built FROM an earlier golang stage"},
	{Code: codeUnsupported, Summary: "a Windows golang image, SHELL or ONBUILD"},
	{Code: codeBinary, Summary: "docklean cannot tell which binary the stage builds"},
	{Code: codeVariable, Summary: "a folder, output or command is named by a variable docklean cannot resolve"},
	{Code: codeSeveral, Summary: "the stage builds more than one program"},
	{Code: codeGoRun, Summary: "the stage or the image runs go run: there is no binary to ship"},
	{Code: codeBuildDriver, Summary: "make, a build driver or a script builds the program"},
	{Code: codeUnreadable, Summary: "a RUN docklean cannot read: exec or heredoc form, invalid shell, a build in a loop"},
	{Code: codeRuntimeFiles, Summary: "docklean cannot tell which files the program needs at run time"},
	{Code: codeMissingFile, Summary: "the program opens a file the build context does not have"},
	{Code: codeUnread, Summary: "the Go sources are not available, so cgo and runtime files cannot be read"},
	{Code: codeCgoGlibc, Summary: "cgo on a Debian golang builder: the binary needs glibc, which no runtime has"},
	{Code: codeCgoLibrary, Summary: "cgo needs a C library docklean knows no Alpine run-time package for"},
	{Code: codePackage, Summary: "the stage installs a package the program may need at run time"},
	{Code: codeEntrypoint, Summary: "CMD/ENTRYPOINT does not run the built binary"},
	{Code: codeTool, Summary: "the image runs a tool docklean cannot name an Alpine package for"},
	{Code: codeToolchain, Summary: "the program needs the Go toolchain at run time"},
	{Code: codeRuntimeFlag, Summary: "--go-runtime asks for scratch or distroless, but the image needs a shell or tools"},
	{Code: codeAlpineUser, Summary: "a named USER exists only in the golang builder, not in the alpine runtime"},
}

// errRefused stops the analysis after a blocker that leaves what follows
// unknown (the Tx holds the blocker).
var errRefused = errors.New("go-multistage: refused")

// refuse records a blocker after which the analysis cannot go on (what
// later checks read depends on what the blocked instruction did): the
// caller returns the error, errRefused, and the stage's scan stops.
func (g *goStage) refuse(line int, code transform.Code, format string, args ...any) error {
	g.block(line, code, format, args...)
	return errRefused
}

// block records a blocker after which the analysis goes on, so that the
// finding lists every blocker of the stage: what it blocks feeds no later
// check.
func (g *goStage) block(line int, code transform.Code, format string, args ...any) {
	if line == 0 {
		line = g.st.From.StartLine
	}
	g.tx.Refuse(line, code, format, args...)
}

// note is a Note finding the split reports when it lands.
type note struct {
	code transform.Code
	msg  transform.Msg
}

// joinMsgs joins messages with sep, keeping their lines as data.
func joinMsgs(ms []transform.Msg, sep string) transform.Msg {
	format := make([]string, len(ms))
	args := make([]any, len(ms))
	for i, m := range ms {
		format[i], args[i] = "%v", m
	}
	return transform.Msgf(strings.Join(format, sep), args...)
}
