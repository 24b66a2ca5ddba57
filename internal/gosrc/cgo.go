package gosrc

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/build/constraint"
	"go/token"
	"io/fs"
	"path"
	"strings"
)

// Shared detection of what a Go build needs from its C toolchain: used by
// go-multistage (the runtime a cgo binary needs) and by the alpine pass
// (what a builder moved to golang:*-alpine must install to build the same
// program).

// Kinds of cgo modules.
const (
	CgoPlain   = "cgo"      // builds with a C compiler and the C library headers
	CgoCxx     = "c++"      // also compiles or links C++ (g++)
	CgoMuslTag = "musl-tag" // bundles glibc and musl objects; musl needs -tags musl
	CgoGlibc   = "glibc"    // bundles objects built against glibc only: no musl build
)

// CgoModule is a Go module whose packages need cgo.
type CgoModule struct {
	Path      string // module path; a path below it or a gopkg.in version suffix also matches
	Kind      string
	PkgConfig bool   // its cgo directives run pkg-config
	Note      string // why, with the source of the fact
}

// cgoModules are widely used Go modules that need cgo. A module listed in a
// go.mod or go.sum of the build context, or named by go install, counts as
// evidence that the build uses cgo.
var cgoModules = []CgoModule{
	{"github.com/mattn/go-sqlite3", CgoPlain, false, "compiles the bundled SQLite C amalgamation; without cgo it builds a stub that fails at run time (its README: 'go-sqlite3 is cgo package'; sqlite3_cgo_disabled... 'requires cgo to work. This is a stub')"},
	{"github.com/confluentinc/confluent-kafka-go", CgoMuslTag, false, "links its bundled librdkafka; the Linux bundle is built for glibc, and Alpine needs go build -tags musl (its README: 'If you are building for Alpine Linux (musl), -tags musl must be specified')"},
	{"gopkg.in/confluentinc/confluent-kafka-go", CgoMuslTag, false, "the gopkg.in path of confluent-kafka-go: -tags musl on Alpine (its README)"},
	{"gopkg.in/gographics/imagick", CgoPlain, true, "binds ImageMagick's MagickWand through cgo and pkg-config (its README: needs libmagickwand-dev and pkg-config)"},
	{"github.com/DataDog/zstd", CgoPlain, false, "compiles the bundled zstd C sources with cgo (its README)"},
	{"github.com/google/gopacket/pcap", CgoPlain, false, "links libpcap with cgo (package pcap documentation: 'requires libpcap')"},
	{"github.com/tecbot/gorocksdb", CgoCxx, false, "links RocksDB's C API, a C++ library, with cgo (its README: build RocksDB, CGO_LDFLAGS=-lrocksdb -lstdc++)"},
	{"github.com/linxGnu/grocksdb", CgoCxx, false, "links RocksDB's C API, a C++ library, with cgo (its README: CGO_LDFLAGS ... -lrocksdb -lstdc++)"},
	{"github.com/marcboeker/go-duckdb", CgoGlibc, false, "links prebuilt static DuckDB libraries built against glibc; a golang:*-alpine build fails with undefined references (marcboeker/go-duckdb#164; duckdb/duckdb-go-bindings#72: 'Alpine/musl is explicitly unsupported')"},
	{"github.com/duckdb/duckdb-go-bindings", CgoGlibc, false, "prebuilt static DuckDB libraries built against glibc; musl unsupported (duckdb/duckdb-go-bindings#72)"},
	{"github.com/valyala/gozstd", CgoGlibc, false, "links a bundled libzstd_linux_amd64.a built against glibc; on Alpine the link fails with undefined __fprintf_chk (valyala/gozstd#20)"},
	{"github.com/godror/godror", CgoGlibc, false, "loads Oracle Instant Client (libclntsh), which Oracle ships for glibc only (godror README: 'requires Oracle Client libraries')"},
	{"github.com/mattn/go-oci8", CgoGlibc, false, "links Oracle Instant Client, which Oracle ships for glibc only (its README)"},
	{"github.com/h2non/bimg", CgoPlain, true, "binds libvips through cgo and pkg-config (its README: requires libvips)"},
	{"github.com/davidbyttow/govips", CgoPlain, true, "binds libvips through cgo and pkg-config (its README)"},
	{"github.com/libgit2/git2go", CgoPlain, true, "binds libgit2 through cgo and pkg-config (its README)"},
	{"github.com/miekg/pkcs11", CgoPlain, false, "dlopens PKCS#11 modules through cgo (its README)"},
	{"github.com/go-gl/glfw", CgoPlain, false, "compiles the bundled GLFW C sources with cgo and links X11/OpenGL (its README)"},
	{"github.com/veandco/go-sdl2", CgoPlain, true, "binds SDL2 through cgo (its README: requires libsdl2-dev)"},
	{"github.com/mutecomm/go-sqlcipher", CgoPlain, false, "compiles the bundled SQLCipher C sources with cgo (its README)"},
	{"github.com/xeodou/go-sqlcipher", CgoPlain, false, "compiles the bundled SQLCipher C sources with cgo (its README)"},
}

// CgoModuleOf returns the table entry for a module or package path, or nil.
func CgoModuleOf(p string) *CgoModule {
	p, _, _ = strings.Cut(p, "@")
	for i := range cgoModules {
		m := &cgoModules[i]
		if rest, ok := strings.CutPrefix(p, m.Path); ok && (rest == "" || rest[0] == '/' || strings.HasPrefix(rest, ".v")) {
			return m
		}
	}
	return nil
}

// CgoSources is what the Go sources of a build context say about cgo, on
// top of Sources.Cgo (import "C", known cgo packages, go.mod modules).
type CgoSources struct {
	Mods      []*CgoModule // known cgo modules in go.mod or go.sum
	ModWhy    []string     // where each was found
	Tags      []string     // files with a build constraint on cgo
	Cxx       []string     // C++ sources in the context (cgo compiles them with g++)
	PkgConfig []string     // files whose cgo preamble runs pkg-config
}

// readCgoFile handles the files of a build context that are not Go or
// go.mod files: go.sum (known cgo modules) and C++ sources. It reports
// whether it took the file.
func (s *Sources) readCgoFile(fsys fs.FS, p, name string) bool {
	switch path.Ext(name) {
	case ".cc", ".cpp", ".cxx":
		s.CgoInfo.Cxx = AppendNew(s.CgoInfo.Cxx, p)
		return true
	}
	if name != "go.sum" {
		return false
	}
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return true
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 0 {
			s.noteCgoModule(f[0], p)
		}
	}
	return true
}

// noteCgoModule records a known cgo module named in a go.mod or go.sum.
func (s *Sources) noteCgoModule(p, file string) *CgoModule {
	m := CgoModuleOf(p)
	if m == nil {
		return nil
	}
	for _, x := range s.CgoInfo.Mods {
		if x == m {
			return m
		}
	}
	s.CgoInfo.Mods = append(s.CgoInfo.Mods, m)
	s.CgoInfo.ModWhy = append(s.CgoInfo.ModWhy, m.Path+" (in "+file+")")
	return m
}

// readCgo records what one parsed Go file says about cgo: a build
// constraint on the cgo tag, a cgo preamble that runs pkg-config.
func (s *Sources) readCgo(p string, f *ast.File) {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if !constraint.IsGoBuild(c.Text) && !constraint.IsPlusBuild(c.Text) {
				continue
			}
			if e, err := constraint.Parse(c.Text); err == nil && mentionsTag(e, "cgo") {
				s.CgoInfo.Tags = AppendNew(s.CgoInfo.Tags, p)
			}
		}
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			continue
		}
		for _, spec := range g.Specs {
			im := spec.(*ast.ImportSpec)
			if im.Path.Value != `"C"` {
				continue
			}
			for _, doc := range []*ast.CommentGroup{g.Doc, im.Doc} {
				if doc != nil && strings.Contains(doc.Text(), "#cgo pkg-config:") {
					s.CgoInfo.PkgConfig = AppendNew(s.CgoInfo.PkgConfig, p)
				}
			}
		}
	}
}

// mentionsTag reports whether a build constraint depends on tag.
func mentionsTag(e constraint.Expr, tag string) bool {
	switch e := e.(type) {
	case *constraint.TagExpr:
		return e.Tag == tag
	case *constraint.NotExpr:
		return mentionsTag(e.X, tag)
	case *constraint.AndExpr:
		return mentionsTag(e.X, tag) || mentionsTag(e.Y, tag)
	case *constraint.OrExpr:
		return mentionsTag(e.X, tag) || mentionsTag(e.Y, tag)
	}
	return false
}
