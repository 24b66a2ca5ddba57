package transform

import (
	"go/parser"
	"go/token"
	"slices"
	"testing"
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

func TestRootOnlyFile(t *testing.T) {
	for _, c := range []struct {
		flags []string
		want  bool
	}{
		{nil, false},
		{[]string{"--chmod=600"}, true},
		{[]string{"--chmod=0640"}, true},
		{[]string{"--chmod=644"}, false},
		{[]string{"--chmod=600", "--chown=65532:65532"}, false},
		{[]string{"--chmod=u+rw"}, false},
	} {
		if got := rootOnlyFile(c.flags); got != c.want {
			t.Errorf("rootOnlyFile(%q) = %v, want %v", c.flags, got, c.want)
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
	s := &goSources{modules: map[string]string{}, mains: map[string]bool{}}
	s.readFile(".", f)
	if !slices.Equal(s.userDeps, []string{"user.Current()"}) {
		t.Errorf("userDeps = %q", s.userDeps)
	}
	if !slices.Equal(s.listens, []string{":80", ":443"}) {
		t.Errorf("listens = %q", s.listens)
	}
	if !slices.Equal(s.rootOnly, []string{"/root/.config/token", "/etc/shadow"}) {
		t.Errorf("rootOnly = %q", s.rootOnly)
	}
	if !slices.Equal(s.writes, []string{"state.db"}) {
		t.Errorf("writes = %q", s.writes)
	}
	s.readGoMod(".", []byte("module x\n\nrequire (\n\tgithub.com/lib/pq v1.10.9\n\tgithub.com/DataDog/zstd v1.5.5 // indirect\n)\n"))
	if len(s.userDeps) != 2 || len(s.cgo) != 1 {
		t.Errorf("go.mod: userDeps %q, cgo %q", s.userDeps, s.cgo)
	}
}
