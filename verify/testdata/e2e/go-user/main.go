// whoami-job prints who it runs as, its home and where its temporary files
// go: what a program looks up about its OS user (user.Current,
// os.CreateTemp, $HOME).
package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
)

func main() {
	u, err := user.Current()
	if err != nil {
		fmt.Println("user:", err)
		os.Exit(1)
	}
	f, err := os.CreateTemp("", "job-*")
	if err != nil {
		fmt.Println("temp:", err)
		os.Exit(1)
	}
	defer os.Remove(f.Name())
	fmt.Printf("running as %s (uid %s) home %s HOME=%s temp %s\n", u.Username, u.Uid, u.HomeDir, os.Getenv("HOME"), filepath.Dir(f.Name()))
}
