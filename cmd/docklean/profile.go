package main

import (
	"os"
	"runtime/pprof"

	"github.com/urfave/cli/v2"
)

// cpuProfileFlag writes a CPU profile of the run (go tool pprof reads it);
// hidden, for measuring docklean itself (docs/performance.md).
var cpuProfileFlag = &cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to this file"}

// startProfile starts the CPU profile asked for by --cpuprofile and returns
// the function that stops it.
func startProfile(c *cli.Context) (stop func(), err error) {
	path := c.String(cpuProfileFlag.Name)
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
