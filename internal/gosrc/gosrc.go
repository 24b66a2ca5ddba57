// Package gosrc reads the Go sources of a build context for the passes that
// rebuild Go programs (go-multistage, and alpine for golang builders): the
// modules and main packages, what the program embeds, reads, writes, runs
// and listens on, whether and how it needs cgo (cgo.go), and the context's
// .dockerignore.
package gosrc

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Limits on how much of a build context go-multistage reads.
const (
	maxGoFiles  = 2000
	MaxFileSize = 1 << 20
)

// Sources is what go-multistage learns from the Go sources of a build
// context. Paths are slash-separated and relative to the context root.
type Sources struct {
	Modules map[string]string // folder holding a go.mod -> module path
	mains   map[string]bool   // folders holding a package main
	Embeds  []string          // context paths embedded with //go:embed
	Reads   []string          // path literals the program opens at run time, as written
	ReadAt  map[string]string // Reads -> where the program opens it first ("main.go:12")
	fset    *token.FileSet    // positions of the files read, for ReadAt
	Cgo     []string          // why the program needs cgo
	TZ      bool              // time.LoadLocation is called
	TZEmbed bool              // time/tzdata is linked in
	Execs   []string          // programs started with exec.Command
	Writes  []string          // path literals the program creates or writes, as written
	Capped  bool              // stopped after maxGoFiles
	CgoInfo CgoSources        // see cgo.go
	Files   int               // Go files read

	UserDeps []string // why the program depends on who it runs as (user.Current, pgx ...)
	SQLite   []string // the SQLite drivers it imports: it creates database files and journals
	Listens  []string // listen addresses below port 1024, as written
	RootOnly []string // root-only paths the program reads (/root/..., /etc/shadow)
}

// cgoImports are packages that only work with cgo.
var cgoImports = map[string]string{
	"C":                               `import "C"`,
	"github.com/mattn/go-sqlite3":     "github.com/mattn/go-sqlite3",
	"github.com/google/gopacket/pcap": "github.com/google/gopacket/pcap",
	"github.com/confluentinc/confluent-kafka-go/kafka":    "confluent-kafka-go",
	"github.com/confluentinc/confluent-kafka-go/v2/kafka": "confluent-kafka-go",
}

// readFuncs maps "package.Func" (import path of the package) to the index of
// the argument that names a file read at run time; -1 means every argument.
var readFuncs = map[string]int{
	"os.Open": 0, "os.OpenFile": 0, "os.ReadFile": 0, "os.ReadDir": 0, "os.DirFS": 0, "os.Stat": 0,
	"io/ioutil.ReadFile": 0, "io/ioutil.ReadDir": 0,
	"net/http.Dir": 0, "net/http.ServeFile": 2,
	"github.com/spf13/viper.SetConfigFile": 0, "github.com/spf13/viper.AddConfigPath": 0,
	"github.com/joho/godotenv.Load": -1, "github.com/joho/godotenv.Overload": -1, "github.com/joho/godotenv.Read": -1,
	"html/template.ParseFiles": -1, "html/template.ParseGlob": 0,
	"text/template.ParseFiles": -1, "text/template.ParseGlob": 0,
}

// readMethods are methods (of templates and of the usual web frameworks:
// gin, echo, fiber, chi) whose string argument names files read at run time.
var readMethods = map[string]int{
	"ParseFiles": -1, "ParseGlob": 0, "LoadHTMLGlob": 0, "LoadHTMLFiles": -1,
	"Static": 1, "StaticFile": 1,
	// viper
	"AddConfigPath": 0, "SetConfigFile": 0,
}

// Read reads go.mod files and the non-test Go files of fsys,
// skipping vendor/, testdata/, node_modules/, hidden folders and files over
// MaxFileSize, and stopping after maxGoFiles files.
func Read(fsys fs.FS) *Sources {
	fset := token.NewFileSet()
	s := &Sources{Modules: map[string]string{}, mains: map[string]bool{}, ReadAt: map[string]string{}, fset: fset}
	n := 0
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (name == "vendor" || name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if name == "go.mod" {
			if b, err := fs.ReadFile(fsys, p); err == nil {
				s.readGoMod(path.Dir(p), b)
			}
			return nil
		}
		if s.readCgoFile(fsys, p, name) {
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > MaxFileSize {
			return nil
		}
		if n++; n > maxGoFiles {
			s.Capped = true
			return fs.SkipAll
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		f, err := parser.ParseFile(fset, p, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil
		}
		s.Files++
		s.readFile(path.Dir(p), f)
		s.readCgo(p, f)
		return nil
	})
	return s
}

func (s *Sources) readGoMod(dir string, b []byte) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			s.Modules[dir] = strings.Trim(f[1], `"`)
		}
		for _, w := range f {
			if strings.HasPrefix(f[0], "//") {
				break
			}
			if m := s.noteCgoModule(w, path.Join(dir, "go.mod")); m != nil {
				s.Cgo = AppendNew(s.Cgo, m.Path+" (in "+path.Join(dir, "go.mod")+")")
			}
			for _, m := range userModules {
				if w == m || strings.HasPrefix(w, m+"/") {
					s.UserDeps = AppendNew(s.UserDeps, m+", whose connection defaults come from the OS user")
				}
			}
		}
	}
}

func (s *Sources) readFile(dir string, f *ast.File) {
	if f.Name.Name == "main" {
		s.mains[dir] = true
	}
	imports := map[string]string{} // local name -> import path
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if why, ok := cgoImports[p]; ok {
			s.Cgo = AppendNew(s.Cgo, why)
		}
		if why, ok := userImports[p]; ok {
			s.UserDeps = AppendNew(s.UserDeps, why)
		}
		if slices.Contains(sqliteDrivers, p) {
			s.SQLite = AppendNew(s.SQLite, p)
		}
		if p == "time/tzdata" {
			s.TZEmbed = true
		}
		local := path.Base(p)
		if im.Name != nil {
			local = im.Name.Name
		}
		imports[local] = p
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if pats, ok := strings.CutPrefix(c.Text, "//go:embed "); ok {
				for _, p := range embedPatterns(pats) {
					s.Embeds = append(s.Embeds, path.Join(dir, GlobPrefix(p)))
				}
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if kv, ok := n.(*ast.KeyValueExpr); ok {
			// http.Server{Addr: ":80"}
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Addr" {
				if bl, ok := kv.Value.(*ast.BasicLit); ok && bl.Kind == token.STRING {
					if lit, err := strconv.Unquote(bl.Value); err == nil && privilegedPort(lit) {
						s.Listens = AppendNew(s.Listens, lit)
					}
				}
			}
			return true
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		idx, known := -2, false
		if x, ok := sel.X.(*ast.Ident); ok && imports[x.Name] != "" {
			full := imports[x.Name] + "." + sel.Sel.Name
			switch full {
			case "time.LoadLocation":
				s.TZ = true
			case "os/exec.Command", "os/exec.CommandContext":
				i := 0
				if full == "os/exec.CommandContext" {
					i = 1
				}
				if lit, ok := stringLit(call, i); ok {
					s.Execs = AppendNew(s.Execs, lit)
				}
			case "os.Create", "os.WriteFile", "os.Mkdir", "os.MkdirAll", "io/ioutil.WriteFile", "os.CreateTemp", "os.MkdirTemp", "io/ioutil.TempFile", "io/ioutil.TempDir":
				if lit, ok := stringLit(call, 0); ok && lit != "" {
					s.Writes = AppendNew(s.Writes, lit)
				}
			case "os.OpenFile":
				if lit, ok := stringLit(call, 0); ok && lit != "" && len(call.Args) > 1 && writeFlags(call.Args[1]) {
					s.Writes = AppendNew(s.Writes, lit)
				}
			case "os/user.Current", "os/user.Lookup", "os/user.LookupId", "os/user.LookupGroup", "os/user.LookupGroupId":
				s.UserDeps = AppendNew(s.UserDeps, "user."+sel.Sel.Name+"()")
			case "net.Listen", "net/http.ListenAndServe", "net/http.ListenAndServeTLS", "net.ListenPacket":
				i := 0
				if full == "net.Listen" || full == "net.ListenPacket" {
					i = 1
				}
				if lit, ok := stringLit(call, i); ok && privilegedPort(lit) {
					s.Listens = AppendNew(s.Listens, lit)
				}
			}
			if i, isRead := readFuncs[full]; isRead {
				for j := range call.Args {
					if lit, ok := stringLit(call, j); ok && (i < 0 || i == j) && rootOnlyPath(lit) {
						s.RootOnly = AppendNew(s.RootOnly, lit)
					}
				}
			}
			idx, known = readFuncs[full]
			if strings.HasPrefix(full, "github.com/joho/godotenv.") && len(call.Args) == 0 {
				s.addRead(".env", call) // godotenv.Load() reads .env
			}
		} else {
			idx, known = readMethods[sel.Sel.Name]
			if listenMethods[sel.Sel.Name] {
				if lit, ok := stringLit(call, 0); ok && privilegedPort(lit) {
					s.Listens = AppendNew(s.Listens, lit)
				}
			}
		}
		if !known {
			return true
		}
		for i := range call.Args {
			if idx >= 0 && i != idx {
				continue
			}
			if lit, ok := stringLit(call, i); ok && lit != "" {
				s.addRead(lit, call)
			}
		}
		return true
	})
}

// addRead records a path literal the program opens at run time, and where
// it opens it first.
func (s *Sources) addRead(lit string, at ast.Node) {
	s.Reads = AppendNew(s.Reads, lit)
	if _, ok := s.ReadAt[lit]; !ok && s.fset != nil && s.ReadAt != nil {
		pos := s.fset.Position(at.Pos())
		s.ReadAt[lit] = fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
	}
}

// sqliteDrivers are Go SQLite drivers: a program using one creates its
// database file, and a journal beside it, wherever the path says, often the
// working folder, which COPY --from leaves owned by root.
var sqliteDrivers = []string{"github.com/mattn/go-sqlite3", "gorm.io/driver/sqlite", "modernc.org/sqlite", "github.com/glebarez/sqlite", "github.com/glebarez/go-sqlite", "zombiezen.com/go/sqlite", "crawshaw.io/sqlite"}

// userImports are packages whose behaviour depends on the OS user the
// program runs as: PostgreSQL drivers take the default user name from it.
var userImports = map[string]string{
	"github.com/jackc/pgx":            "github.com/jackc/pgx, whose connection defaults come from the OS user",
	"github.com/jackc/pgx/v4":         "github.com/jackc/pgx, whose connection defaults come from the OS user",
	"github.com/jackc/pgx/v5":         "github.com/jackc/pgx, whose connection defaults come from the OS user",
	"github.com/jackc/pgx/v5/pgxpool": "github.com/jackc/pgx, whose connection defaults come from the OS user",
	"github.com/jackc/pgx/v4/pgxpool": "github.com/jackc/pgx, whose connection defaults come from the OS user",
	"github.com/jackc/pgconn":         "github.com/jackc/pgconn, whose connection defaults come from the OS user",
	"github.com/lib/pq":               "github.com/lib/pq, whose connection defaults come from the OS user",
	"github.com/jackc/pgx/stdlib":     "github.com/jackc/pgx, whose connection defaults come from the OS user",
}

// userModules are the modules of userImports, found in go.mod.
var userModules = []string{"github.com/jackc/pgx", "github.com/jackc/pgconn", "github.com/lib/pq"}

// listenMethods are methods of web frameworks (gin's Run, echo's Start,
// fiber's Listen, http.Server's ListenAndServe ...) whose first argument is
// the address to listen on.
var listenMethods = map[string]bool{"Run": true, "RunTLS": true, "Start": true, "StartTLS": true, "Listen": true, "ListenTLS": true}

// privilegedPort reports whether a listen address ("host:port", ":80")
// names a port below 1024, which only root may bind outside Docker 20.10's
// default sysctl.
func privilegedPort(addr string) bool {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return false
	}
	n, err := strconv.Atoi(addr[i+1:])
	return err == nil && n > 0 && n < 1024
}

// rootOnlyPath reports whether a path is readable by root only in the
// images go-multistage emits or on a usual host.
func rootOnlyPath(p string) bool {
	return p == "/root" || strings.HasPrefix(p, "/root/") || p == "/etc/shadow" || p == "/etc/gshadow" ||
		strings.HasSuffix(p, "/docker.sock") || strings.HasPrefix(p, "/proc/1/") || strings.HasPrefix(p, "/etc/ssl/private")
}

// writeFlags reports whether the flag argument of os.OpenFile asks for
// writing (os.O_WRONLY, os.O_RDWR, os.O_CREATE, os.O_APPEND, os.O_TRUNC).
func writeFlags(e ast.Expr) bool {
	w := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			switch id.Name {
			case "O_WRONLY", "O_RDWR", "O_CREATE", "O_APPEND", "O_TRUNC":
				w = true
			}
		}
		return true
	})
	return w
}

func stringLit(call *ast.CallExpr, i int) (string, bool) {
	if i < 0 || i >= len(call.Args) {
		return "", false
	}
	bl, ok := call.Args[i].(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return "", false
	}
	v, err := strconv.Unquote(bl.Value)
	return v, err == nil
}

// embedPatterns splits the argument of a //go:embed line (patterns may be
// quoted; "all:" prefixes are dropped).
func embedPatterns(s string) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		var p string
		if s[0] == '"' || s[0] == '`' {
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				return out
			}
			p, s = s[1:end+1], s[end+2:]
		} else {
			p, s, _ = strings.Cut(s, " ")
		}
		out = append(out, strings.TrimPrefix(p, "all:"))
	}
	return out
}

// GlobPrefix returns the leading path elements of p that hold no glob
// metacharacters ("templates/*.html" -> "templates").
func GlobPrefix(p string) string {
	var keep []string
	for _, e := range strings.Split(path.Clean(p), "/") {
		if strings.ContainsAny(e, "*?[") {
			break
		}
		keep = append(keep, e)
	}
	if len(keep) == 0 {
		return "."
	}
	return strings.Join(keep, "/")
}

// AppendNew returns list with v appended unless list holds it already.
func AppendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// Dockerignore is the parsed .dockerignore of a build context.
type Dockerignore []ignoreRule

type ignoreRule struct {
	re     *regexp.Regexp
	negate bool
}

// ReadDockerignore reads the .dockerignore at the root of fsys; a context
// without one ignores nothing.
func ReadDockerignore(fsys fs.FS) Dockerignore {
	b, err := fs.ReadFile(fsys, ".dockerignore")
	if err != nil {
		return nil
	}
	var rules Dockerignore
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		r := ignoreRule{}
		if r.negate = strings.HasPrefix(l, "!"); r.negate {
			l = strings.TrimSpace(l[1:])
		}
		l = strings.TrimPrefix(path.Clean("/"+l), "/")
		var re strings.Builder
		for i := 0; i < len(l); i++ {
			switch c := l[i]; {
			case strings.HasPrefix(l[i:], "**"):
				re.WriteString(".*")
				i++
			case c == '*':
				re.WriteString("[^/]*")
			case c == '?':
				re.WriteString("[^/]")
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		if r.re, err = regexp.Compile("^" + re.String() + "(/.*)?$"); err == nil {
			rules = append(rules, r)
		}
	}
	return rules
}

// Ignored reports whether the context path p (or a folder above it) is
// excluded from the build context.
func (d Dockerignore) Ignored(p string) bool {
	out := false
	for _, r := range d {
		if r.re.MatchString(p) {
			out = !r.negate
		}
	}
	return out
}
