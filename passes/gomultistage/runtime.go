package gomultistage

import (
	"strconv"
	"strings"

	"github.com/docklean/docklean/parser"
	"github.com/docklean/docklean/transform"
)

// What a minimal OS gives a program and scratch does not: a user database
// (user.Current, os/user lookups, Docker's HOME, database drivers' default
// user name), a home folder and a writable /tmp (os.TempDir, os.CreateTemp,
// Unix sockets). go-multistage makes them in a small stage FROM the builder
// stage (no other image, the same platform; USER root when the builder has
// another user) and copies the folder into scratch with one COPY --from, which
// keeps modes (1777 on /tmp) and owners (65532 on /home/nonroot) with the
// classic builder and BuildKit alike, so no COPY --chmod is needed.

// rootfsDir is the folder the rootfs stage fills.
const rootfsDir = "/rootfs"

// rootfsStage returns the lines of the stage that makes the runtime's
// passwd, group, home folders and /tmp, ending with a blank line, and the
// name of the stage; nil when the runtime is not scratch.
func (g *goStage) rootfsStage(p *goPlan, build string) ([]string, string) {
	if p.runtime != runtimeScratch {
		return nil, ""
	}
	name := ""
	for _, n := range []string{"rootfs", "go-rootfs", "docklean-rootfs"} {
		if g.doc.StageByName(n) == nil {
			name = n
			break
		}
	}
	// FROM the builder: no other image, and the same platform. The
	// builder's user may not be root.
	lines := []string{"FROM " + build + " AS " + name}
	for _, in := range g.st.Instructions {
		if in.Keyword == "user" && p.copied[in] {
			lines = append(lines, "USER root")
			break
		}
	}
	r := rootfsDir
	dirs := []string{r + "/tmp"}
	mk := []string{"chmod 1777 " + r + "/tmp"}
	if !p.passwd {
		dirs = append([]string{r + "/etc"}, append(dirs, r+"/root", r+"/home/nonroot")...)
		mk = append(mk, "chmod 700 "+r+"/root", "chown 65532:65532 "+r+"/home/nonroot",
			`printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > `+r+"/etc/passwd",
			`printf '%s\n' 'root:x:0:' 'nonroot:x:65532:' > `+r+"/etc/group")
	}
	lines = append(lines, "RUN mkdir -p "+strings.Join(dirs, " ")+" \\")
	for i, m := range mk {
		cont := " \\"
		if i == len(mk)-1 {
			cont = ""
		}
		lines = append(lines, "    && "+m+cont)
	}
	return append(lines, ""), name
}

// alpineUser returns the RUN that creates the non-root user in an alpine
// runtime, whose /etc/passwd has no entry for 65532 (BusyBox adduser and
// addgroup, in every alpine image).
func alpineUser() string {
	return "RUN addgroup -g 65532 nonroot && adduser -D -u 65532 -G nonroot -h /home/nonroot -s /sbin/nologin nonroot"
}

// rootReasons returns why a stage that runs as root (no USER) must keep
// running as root: a different user would change what the program does or
// make it fail.
func (g *goStage) rootReasons() []transform.Msg {
	var why []transform.Msg
	for _, in := range g.st.Instructions {
		if in.Keyword != "expose" {
			continue
		}
		for _, a := range in.Args {
			port, _, _ := strings.Cut(a, "/")
			if e, ok := g.dfWord(port); ok {
				port = e.value
			}
			if n, err := strconv.Atoi(port); err == nil && n > 0 && n < 1024 {
				why = append(why, transform.Msgf("it listens on port %d (EXPOSE at %v), below 1024, which only root may bind outside Docker's default sysctl (Kubernetes, Podman, older engines)", n, transform.Line(in.StartLine)))
			}
		}
	}
	if g.src == nil {
		return why
	}
	for _, l := range g.src.Listens {
		why = append(why, transform.Msgf("it listens on %q, a port below 1024, which only root may bind outside Docker's default sysctl", l))
	}
	if len(g.src.UserDeps) > 0 {
		why = append(why, transform.Msgf("its behaviour depends on the user it runs as (%s): it would see another user name and home", strings.Join(g.src.UserDeps, "; ")))
	}
	if len(g.src.SQLite) > 0 {
		why = append(why, transform.Msgf("it opens SQLite databases (%s), which create their files and journals in folders the non-root user does not own", strings.Join(g.src.SQLite, ", ")))
	}
	for _, r := range g.src.RootOnly {
		why = append(why, transform.Msgf("it reads %s, which only root may read", r))
	}
	return why
}

// rootOnlyFile reports whether a COPY's flags leave a file that the non-root
// user could not read: --chmod without read permission for others and no
// --chown.
func rootOnlyFile(flags []string) bool {
	mode := ""
	for _, f := range flags {
		if strings.HasPrefix(f, "--chown=") {
			return false
		}
		if v, ok := strings.CutPrefix(f, "--chmod="); ok {
			mode = v
		}
	}
	if mode == "" {
		return false
	}
	n, err := strconv.ParseUint(mode, 8, 32)
	return err == nil && n&0o004 == 0
}

// explicitRootOnly returns the first runtime file copied with a mode the
// non-root user cannot read.
func (g *goStage) explicitRootOnly() *parser.Instruction {
	for _, f := range g.explicit {
		if rootOnlyFile(f.flags) {
			return f.in
		}
	}
	return nil
}
