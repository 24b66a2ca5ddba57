package alpine

import (
	"path"
	"regexp"
	"strings"

	"github.com/docklean/docklean/internal/stages"
	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// toolchain matches the compilers and linkers, whose product is programs linked
// against the C library of the image they run in: on Alpine that is musl,
// and what the image builds no longer runs on the glibc systems its users
// build for. make, cmake and ninja are not in it: as a CMD they run the
// user's recipes (make test), and a compiler those run is one the stage
// installs, which the other checks see.
var toolchain = regexp.MustCompile(`^(cc|c\+\+|gcc|g\+\+|clang|clang\+\+|ld|ld\.bfd|ld\.gold|as)(-[0-9.]+)?$`)

// finalImageRefusal is why a tree must not move to Alpine because of what
// its final image is: a compiler image, or, on a distribution base (distro:
// Debian, Ubuntu, the Fedora family), a base or tool image with no command
// of its own, whose users run commands docklean cannot read (the slim pass
// refuses the same for the images it moves, see slimScan.baseImage); ""
// the zero Msg otherwise. An official image's own CMD (nginx, postgres) is what such an
// image runs, so it is not taken for a base image.
func finalImageRefusal(doc *parser.Document, tree []*parser.Stage, distro bool) transform.Msg {
	last, in := stages.FinalCommand(doc, tree)
	switch {
	case last == nil || in == nil && !distro:
		return transform.Msg{}
	case in == nil:
		return transform.Msgf("%s is the image the file builds and has no CMD or ENTRYPOINT of its own: it is a base or tool image whose users run commands docklean cannot read (and may install packages with apt-get), so it stays on its distribution", stages.StageName(last))
	}
	prog := path.Base(strings.Fields(strings.Join(in.Args, " ") + " x")[0])
	if toolchain.MatchString(prog) {
		return transform.Msgf("%s on %v runs %s, a compiler or linker: on Alpine what it builds links musl instead of glibc and does not run where the image's users run it, so it stays on its distribution", upper(in.Keyword), transform.Line(in.StartLine), prog)
	}
	return transform.Msg{}
}
