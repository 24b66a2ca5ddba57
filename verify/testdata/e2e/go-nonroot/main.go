// cachejob writes a temporary file and a cache file under the user's cache
// folder and reads them back: it works as any user that has a home and a
// writable /tmp.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	f, err := os.CreateTemp("", "job-*")
	if err != nil {
		fmt.Println("temp:", err)
		os.Exit(1)
	}
	fmt.Fprint(f, "scratch data")
	f.Close()
	defer os.Remove(f.Name())
	dir, err := os.UserCacheDir()
	if err != nil {
		fmt.Println("cache dir:", err)
		os.Exit(1)
	}
	dir = filepath.Join(dir, "cachejob")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fmt.Println("cache:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(dir, "entry"), []byte("cached"), 0o600); err != nil {
		fmt.Println("cache:", err)
		os.Exit(1)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "entry"))
	t, _ := os.ReadFile(f.Name())
	fmt.Printf("temp file holds %q, cache holds %q\n", t, b)
}
