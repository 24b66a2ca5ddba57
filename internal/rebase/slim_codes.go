package rebase

import "github.com/docklean/docklean/transform"

// The slim pass's codes (docs/slim.md, "## Codes"): what it changes, and
// each reason a tree of stages stays on its full image.
const (
	SlimBaseSwap        transform.Code = "slim/base"
	SlimInstall         transform.Code = "slim/install"
	SlimManFolders      transform.Code = "slim/man-folders"
	SlimNoSlimTag       transform.Code = "slim/no-slim-tag"
	SlimUnknownRelease  transform.Code = "slim/unknown-release"
	SlimFromArg         transform.Code = "slim/from-arg"
	SlimDigest          transform.Code = "slim/digest"
	SlimCopyFrom        transform.Code = "slim/copy-from"
	SlimUnreadableShell transform.Code = "slim/unreadable-shell"
	SlimContextFile     transform.Code = "slim/context-file"
	SlimVariableCommand transform.Code = "slim/variable-command"
	SlimCompiler        transform.Code = "slim/compiler"
	SlimBuildTool       transform.Code = "slim/build-tool"
	SlimBzr             transform.Code = "slim/bzr"
	SlimLockFile        transform.Code = "slim/lock-file"
	SlimUnknownPackage  transform.Code = "slim/unknown-package"
	SlimNativeLibrary   transform.Code = "slim/native-library"
	SlimFetchedProgram  transform.Code = "slim/fetched-program"
	SlimBaseImage       transform.Code = "slim/base-image"
)

// SlimRules declares the slim pass's codes.
var SlimRules = []transform.Rule{
	{Code: SlimBaseSwap, Summary: "the base image moves to its -slim variant"},
	{Code: SlimInstall, Summary: "a package of the full image the stage uses is installed"},
	{Code: SlimManFolders, Summary: "the /usr/share/man folders an old -slim image lacks are made"},
	{Code: SlimNoSlimTag, Summary: "the base image has no -slim variant of the same version"},
	{Code: SlimUnknownRelease, Summary: "buildpack-deps names no release, so the -slim image is unknown"},
	{Code: SlimFromArg, Summary: "the FROM takes what the -slim tag depends on from an ARG"},
	{Code: SlimDigest, Summary: "the base image is pinned by digest"},
	{Code: SlimCopyFrom, Summary: "a COPY --from brings native files that may link libraries of the full image"},
	{Code: SlimUnreadableShell, Summary: "a RUN, CMD or script is not shell text docklean can read"},
	{Code: SlimContextFile, Summary: "a file of the build context the decision needs cannot be read"},
	{Code: SlimVariableCommand, Summary: "a command is named by a variable"},
	{Code: SlimCompiler, Summary: "a build of unknown sources may use the full image's compilers and headers"},
	{Code: SlimBuildTool, Summary: "a JVM build tool may run any program of the full image"},
	{Code: SlimBzr, Summary: "bzr, which only some full images had, is run"},
	{Code: SlimLockFile, Summary: "a Python package manager installs from a lock file docklean does not read"},
	{Code: SlimUnknownPackage, Summary: "a package, gem or crate whose build needs docklean does not know"},
	{Code: SlimNativeLibrary, Summary: "a dependency links a library of the full image"},
	{Code: SlimFetchedProgram, Summary: "a program downloaded while building is run"},
	{Code: SlimBaseImage, Summary: "the image built is a base or tool image with no command of its own"},
}
