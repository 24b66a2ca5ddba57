// Package passname holds the names of docklean's passes: what --only,
// --skip, ignore comments and the passes' After lists say, declared once so
// that a pass can name another without importing it.
package passname

// The passes' names.
const (
	Alpine       = "alpine"
	Slim         = "slim"
	RunMerge     = "run-merge"
	CacheCleanup = "cache-cleanup"
	GoMultistage = "go-multistage"
	Pin          = "pin"
)
