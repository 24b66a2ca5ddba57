package alpine

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// makeELF writes a small x86-64 ELF file: the ELF header, a PT_LOAD over
// the whole file, a PT_INTERP when interp is set and a PT_DYNAMIC with
// DT_NEEDED entries when needed is set. It is not runnable; its headers are
// what the kernel and readELF read.
func makeELF(interp string, needed []string) []byte {
	const base = 0x400000
	nph := 1
	if interp != "" {
		nph++
	}
	if len(needed) > 0 {
		nph++
	}
	dataOff := 64 + 56*nph
	var data bytes.Buffer
	interpOff := dataOff + data.Len()
	if interp != "" {
		data.WriteString(interp + "\x00")
	}
	strOff := dataOff + data.Len()
	data.WriteByte(0)
	var nameOffs []int
	for _, n := range needed {
		nameOffs = append(nameOffs, data.Len()-(strOff-dataOff))
		data.WriteString(n + "\x00")
	}
	for data.Len()%8 != 0 {
		data.WriteByte(0)
	}
	dynOff := dataOff + data.Len()
	le := binary.LittleEndian
	dyn := func(tag elf.DynTag, val uint64) {
		_ = binary.Write(&data, le, uint64(tag))
		_ = binary.Write(&data, le, val)
	}
	if len(needed) > 0 {
		for _, o := range nameOffs {
			dyn(elf.DT_NEEDED, uint64(o))
		}
		dyn(elf.DT_STRTAB, uint64(base+strOff))
		dyn(elf.DT_NULL, 0)
	}
	size := dataOff + data.Len()
	var b bytes.Buffer
	typ := elf.ET_EXEC
	if interp == "" && len(needed) > 0 {
		typ = elf.ET_DYN // a shared library
	}
	b.Write([]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT), 0, 0, 0, 0, 0, 0, 0, 0, 0})
	_ = binary.Write(&b, le, struct {
		Type, Machine                                        uint16
		Version                                              uint32
		Entry, Phoff, Shoff                                  uint64
		Flags                                                uint32
		Ehsize, Phentsize, Phnum, Shentsize, Shnum, Shstrndx uint16
	}{uint16(typ), uint16(elf.EM_X86_64), 1, base + uint64(dataOff), 64, 0, 0, 64, 56, uint16(nph), 64, 0, 0})
	ph := func(t elf.ProgType, off, size int) {
		_ = binary.Write(&b, le, elf.Prog64{Type: uint32(t), Flags: uint32(elf.PF_R), Off: uint64(off), Vaddr: base + uint64(off), Paddr: base + uint64(off), Filesz: uint64(size), Memsz: uint64(size), Align: 1})
	}
	ph(elf.PT_LOAD, 0, size)
	if interp != "" {
		ph(elf.PT_INTERP, interpOff, len(interp)+1)
	}
	if len(needed) > 0 {
		ph(elf.PT_DYNAMIC, dynOff, size-dynOff)
	}
	b.Write(data.Bytes())
	return b.Bytes()
}

func TestReadELF(t *testing.T) {
	cases := []struct {
		name  string
		b     []byte
		glibc bool
		isELF bool
	}{
		{"glibc program", makeELF("/lib64/ld-linux-x86-64.so.2", []string{"libc.so.6"}), true, true},
		{"glibc arm64 program", makeELF("/lib/ld-linux-aarch64.so.1", nil), true, true},
		{"musl program", makeELF("/lib/ld-musl-x86_64.so.1", []string{"libc.musl-x86_64.so.1"}), false, true},
		{"static program", makeELF("", nil), false, true},
		{"glibc library", makeELF("", []string{"libm.so.6", "libc.so.6"}), true, true},
		{"musl library", makeELF("", []string{"libc.musl-x86_64.so.1"}), false, true},
		{"script", []byte("#!/bin/sh\necho hi\n"), false, false},
		{"short", []byte("\x7fEL"), false, false},
	}
	for _, c := range cases {
		info, err := readELF(bytes.NewReader(c.b))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if info.elf != c.isELF || (info.glibc() != "") != c.glibc {
			t.Errorf("%s: elf=%v glibc=%q, want elf=%v glibc=%v", c.name, info.elf, info.glibc(), c.isELF, c.glibc)
		}
	}
	// Go's own reader agrees with the headers makeELF writes.
	f, err := elf.NewFile(bytes.NewReader(makeELF("/lib64/ld-linux-x86-64.so.2", []string{"libc.so.6"})))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range f.Progs {
		found = found || p.Type == elf.PT_INTERP
	}
	if !found {
		t.Error("debug/elf finds no PT_INTERP in makeELF's output")
	}
}

// TestReadELFGoBinary reads a real static program: one go build makes
// with cgo off.
func TestReadELFGoBinary(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n\ngo 1.21\n"), 0o644)
	cmd := exec.Command("go", "build", "-o", "app", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "app"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := readELF(f)
	if err != nil || !info.elf || info.glibc() != "" || info.interp != "" {
		t.Errorf("static Go program: %+v, %v", info, err)
	}
}

// elfFixtures are the ELF files of the golden fixtures' build contexts,
// written by makeELF (go test ./passes/alpine -run ELFFixtures -update).
var elfFixtures = map[string][]byte{
	"alpine/context-elf-glibc-refused/context/bin/app":              makeELF("/lib64/ld-linux-x86-64.so.2", []string{"libc.so.6"}),
	"alpine/context-elf-static/context/bin/app":                     makeELF("", nil),
	"alpine/context-elf-static/context/bin/helper":                  makeELF("/lib/ld-musl-x86_64.so.1", []string{"libc.musl-x86_64.so.1"}),
	"alpine/trap-copy-glibc-binary/context/dist/bin/reporter":       makeELF("/lib64/ld-linux-x86-64.so.2", []string{"libpthread.so.0", "libc.so.6"}),
	"alpine/trap-copy-glibc-binary/context/dist/lib/libvendor.so.1": makeELF("", []string{"libc.so.6"}),
}

// update makes TestELFFixtures write the fixtures instead of comparing.
var update = flag.Bool("update", false, "write the ELF files of the fixtures from makeELF")

func TestELFFixtures(t *testing.T) {
	for p, want := range elfFixtures {
		file := filepath.Join("..", "..", "fixtures", p)
		if *update {
			_ = os.MkdirAll(filepath.Dir(file), 0o755)
			if err := os.WriteFile(file, want, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from makeELF's output (go test ./passes/alpine -run ELFFixtures -update): %v", file, err)
		}
	}
}
