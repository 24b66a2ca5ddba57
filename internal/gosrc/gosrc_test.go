package gosrc

import (
	"go/parser"
	"go/token"
	"slices"
	"testing"
	"testing/fstest"
)

func TestPrivilegedPort(t *testing.T) {
	for addr, want := range map[string]bool{
		":80": true, "0.0.0.0:443": true, "[::]:22": true, ":1023": true,
		":1024": false, ":8080": false, "localhost": false, ":0": false, "db:5432": false, ":http": false,
	} {
		if got := privilegedPort(addr); got != want {
			t.Errorf("privilegedPort(%q) = %v, want %v", addr, got, want)
		}
	}
}

// TestUserDependentSources checks what the source scan reports about a
// program whose behaviour depends on its user, its ports and root-only files.
func TestUserDependentSources(t *testing.T) {
	src := `package main

import (
	"html/template"
	"net/http"
	"os"
	"os/user"

	"github.com/gin-gonic/gin"
)

func main() {
	user.Current()
	os.ReadFile("/root/.config/token")
	template.ParseFiles("a.html", "/etc/shadow")
	os.OpenFile("state.db", os.O_RDWR|os.O_CREATE, 0o600)
	os.OpenFile("ro.txt", os.O_RDONLY, 0)
	r := gin.Default()
	r.Run(":80")
	http.ListenAndServe("0.0.0.0:8080", nil)
	_ = &http.Server{Addr: ":443"}
}
`
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	s := &Sources{Modules: map[string]string{}, mains: map[string]bool{}}
	s.readFile(".", f)
	if !slices.Equal(s.UserDeps, []string{"user.Current()"}) {
		t.Errorf("userDeps = %q", s.UserDeps)
	}
	if !slices.Equal(s.Listens, []string{":80", ":443"}) {
		t.Errorf("listens = %q", s.Listens)
	}
	if !slices.Equal(s.RootOnly, []string{"/root/.config/token", "/etc/shadow"}) {
		t.Errorf("rootOnly = %q", s.RootOnly)
	}
	if !slices.Equal(s.Writes, []string{"state.db"}) {
		t.Errorf("writes = %q", s.Writes)
	}
	s.readGoMod(".", []byte("module x\n\nrequire (\n\tgithub.com/lib/pq v1.10.9\n\tgithub.com/DataDog/zstd v1.5.5 // indirect\n)\n"))
	if len(s.UserDeps) != 2 || len(s.Cgo) != 1 {
		t.Errorf("go.mod: userDeps %q, cgo %q", s.UserDeps, s.Cgo)
	}
}

func TestCgoModuleOf(t *testing.T) {
	for p, want := range map[string]string{
		"github.com/mattn/go-sqlite3":                         "github.com/mattn/go-sqlite3",
		"github.com/mattn/go-sqlite3@v1.14.22":                "github.com/mattn/go-sqlite3",
		"github.com/confluentinc/confluent-kafka-go/v2/kafka": "github.com/confluentinc/confluent-kafka-go",
		"gopkg.in/gographics/imagick.v3/imagick":              "gopkg.in/gographics/imagick",
		"github.com/mattn/go-sqlite3x":                        "",
		"modernc.org/sqlite":                                  "",
	} {
		got := ""
		if m := CgoModuleOf(p); m != nil {
			got = m.Path
		}
		if got != want {
			t.Errorf("cgoModuleOf(%s) = %q, want %q", p, got, want)
		}
	}
}

func TestReadGoSourcesCgo(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":        {Data: []byte("module x\n\ngo 1.22\n")},
		"go.sum":        {Data: []byte("github.com/DataDog/zstd v1.5.5 h1:x=\ngithub.com/DataDog/zstd v1.5.5/go.mod h1:y=\n")},
		"main.go":       {Data: []byte("package main\n\nfunc main() {}\n")},
		"fast_cgo.go":   {Data: []byte("//go:build cgo && linux\n\npackage main\n")},
		"img/img.go":    {Data: []byte("package img\n\n/*\n#cgo pkg-config: vips\n#include <vips/vips.h>\n*/\nimport \"C\"\n")},
		"img/helper.cc": {Data: []byte("int f() { return 1; }\n")},
		"vendor/v/v.go": {Data: []byte("package v\n\nimport \"C\"\n")},
	}
	s := Read(fsys)
	c := s.CgoInfo
	if s.Files != 3 {
		t.Errorf("goFiles = %d, want 3", s.Files)
	}
	if len(c.Mods) != 1 || c.Mods[0].Path != "github.com/DataDog/zstd" {
		t.Errorf("mods = %v, want DataDog/zstd from go.sum", c.ModWhy)
	}
	if len(c.Tags) != 1 || c.Tags[0] != "fast_cgo.go" {
		t.Errorf("tags = %v", c.Tags)
	}
	if len(c.PkgConfig) != 1 || len(c.Cxx) != 1 {
		t.Errorf("pkgConfig = %v, cxx = %v", c.PkgConfig, c.Cxx)
	}
}
