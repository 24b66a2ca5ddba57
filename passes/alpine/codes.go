package alpine

import "github.com/docklean/docklean/transform"

// The codes of the alpine pass, documented in docs/alpine.md under "## Codes".
const (
	codeWindows    transform.Code = "alpine/windows-file"
	codeBase       transform.Code = "alpine/base-image"
	codeFullImage  transform.Code = "alpine/full-image"
	codeSharedBase transform.Code = "alpine/shared-base"
	codePkgManager transform.Code = "alpine/package-manager"
	codeUnknownPkg transform.Code = "alpine/unknown-package"
	codeDebianTool transform.Code = "alpine/debian-tool"
	codeCommand    transform.Code = "alpine/command"
	codeProgPath   transform.Code = "alpine/program-path"
	codeBusybox    transform.Code = "alpine/busybox-option"
	codeShell      transform.Code = "alpine/shell-syntax"
	codeUser       transform.Code = "alpine/user"
	codeID         transform.Code = "alpine/account-id"
	codeLayout     transform.Code = "alpine/layout"
	codeService    transform.Code = "alpine/service-setup"
	codeGlibc      transform.Code = "alpine/glibc-binary"
	codeGlibcCopy  transform.Code = "alpine/glibc-copy"
	codeUnread     transform.Code = "alpine/unread-context"
	codeWheel      transform.Code = "alpine/python-wheel"
	codePip        transform.Code = "alpine/pip"
	codeGo         transform.Code = "alpine/go-build"
	codeCompiler   transform.Code = "alpine/compiler"
	codeArch       transform.Code = "alpine/arch"
	codeLocale     transform.Code = "alpine/locale"
	codeImplicit   transform.Code = "alpine/implicit-dependency"
	codeFinalImage transform.Code = "alpine/final-image"
	codeBuildDeps  transform.Code = "alpine/build-deps"
)

// rules declares every code the pass reports.
var rules = []transform.Rule{
	{Code: codeWindows, Summary: "a Windows Dockerfile (# escape=`) has no Alpine equivalent"},
	{Code: codeBase, Summary: "the base image moves to its Alpine variant, or has none docklean can name"},
	{Code: codeFullImage, Summary: "what a full or buildpack-deps image brings that the Alpine image lacks is installed, or cannot be told"},
	{Code: codeSharedBase, Summary: "stages built on one another move to Alpine together or not at all"},
	{Code: codePkgManager, Summary: "apt-get, yum, dnf and microdnf commands become apk, or cannot be translated"},
	{Code: codeUnknownPkg, Summary: "a package has no known Alpine equivalent"},
	{Code: codeDebianTool, Summary: "a Debian or Fedora tool or file (dpkg, apt-key, PPAs, /etc/apt, debconf, ld.so.conf) has no Alpine equivalent"},
	{Code: codeCommand, Summary: "a command a Debian package brought must exist on Alpine"},
	{Code: codeProgPath, Summary: "a program run by its path must be at that path on Alpine"},
	{Code: codeBusybox, Summary: "an option BusyBox's applet lacks needs the GNU package"},
	{Code: codeShell, Summary: "bash syntax or bash itself needs bash on Alpine, whose /bin/sh is BusyBox ash"},
	{Code: codeUser, Summary: "useradd, groupadd and Debian's adduser become BusyBox's, and users must exist on Alpine"},
	{Code: codeID, Summary: "a uid or gid means another user or group on Alpine"},
	{Code: codeLayout, Summary: "a path of Debian's package layout is mapped to Alpine's, or is missing there"},
	{Code: codeService, Summary: "a service (nginx, sshd) needs setup on Alpine that Debian's package did"},
	{Code: codeGlibc, Summary: "a program built for glibc would not run on musl"},
	{Code: codeGlibcCopy, Summary: "COPY --from moves files between a glibc stage and a musl one"},
	{Code: codeUnread, Summary: "docklean cannot read what the stage runs or copies (context, scripts, builds, npm installs)"},
	{Code: codeWheel, Summary: "a pip package must have a musllinux wheel"},
	{Code: codePip, Summary: "pip on Alpine's own python (PEP 668, script paths, py3-pip)"},
	{Code: codeGo, Summary: "a golang builder needs a C compiler or git on Alpine, or cannot be read"},
	{Code: codeCompiler, Summary: "a compiler toolchain needs musl-dev on Alpine"},
	{Code: codeArch, Summary: "architecture names and packages Alpine builds only for some architectures"},
	{Code: codeLocale, Summary: "locale generation: musl has no locale data"},
	{Code: codeImplicit, Summary: "what Debian's dependencies bring besides commands (fonts, drivers, data)"},
	{Code: codeBuildDeps, Summary: "the official images' apt-mark build-dependency pattern becomes apk's virtual packages"},
	{Code: codeFinalImage, Summary: "the file's final image is a base, tool or compiler image that stays on its distribution"},
}
