package rebase

import "regexp"

// AlpineNeed is a package a stage needs from offset off on (len(src) for
// run time).
type AlpineNeed struct {
	Pkg, Why string
	Off      int
}

var (
	nativeFiles = regexp.MustCompile(`node_modules|venv|site-packages|dist-packages|\.so\b|(^|/)(s?bin|lib|lib64|libexec)(/|$)|/usr/local|/opt/`)
	// portableFiles must match the last element of a source: a file of
	// web assets or data, or a folder of built assets. A file inside such
	// a folder without such an extension (dist/registry-cli, PyInstaller's
	// --onefile program) is not portable.
	portableFiles = regexp.MustCompile(`\.(jar|war|ear|js|mjs|css|html?|json|ya?ml|toml|txt|md|conf|svg|png|ico|map)$|(^|/)(dist|build|public|static|out|target|www|html)/?$`)
	// programDirs are destinations that hold programs.
	programDirs = regexp.MustCompile(`(^|/)s?bin(/|$)`)
)

// Portable reports whether a COPY's sources (all but the last argument)
// look like files that do not depend on the C library: web assets, jars.
// A copy into a bin folder never is.
func Portable(args []string) bool {
	if len(args) < 2 || programDirs.MatchString(args[len(args)-1]) {
		return false
	}
	for _, a := range args[:len(args)-1] {
		if nativeFiles.MatchString(a) || !portableFiles.MatchString(a) {
			return false
		}
	}
	return true
}
