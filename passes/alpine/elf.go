package alpine

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"io"
	"strings"
)

// elfInfo is what the pass reads from an ELF file: its program
// interpreter (PT_INTERP) and the libraries it needs (DT_NEEDED). Only the
// ELF header, the program headers and the dynamic segment are read, each
// bounded, so a large binary costs a few reads.
type elfInfo struct {
	elf    bool
	interp string
	needed []string
}

// glibc says why the file is linked against glibc, or "" when it is
// static, linked against musl, or not known to need glibc.
func (e elfInfo) glibc() string {
	switch {
	case strings.Contains(e.interp, "ld-musl"):
		return ""
	case e.interp != "":
		return "dynamically linked against glibc (interpreter " + e.interp + ")"
	}
	for _, n := range e.needed {
		if n == "libc.so.6" || strings.HasPrefix(n, "ld-linux") {
			return "linked against glibc (needs " + n + ")"
		}
	}
	return ""
}

// Bounds on what readELF reads.
const (
	maxPhnum      = 128
	maxDynSize    = 64 << 10
	maxInterpSize = 4096
	maxNeeded     = 64
)

// readELF reads r's ELF header and program headers; elf is false (and err
// nil) when r is not an ELF file.
func readELF(r io.ReaderAt) (elfInfo, error) {
	var info elfInfo
	var h [64]byte
	n, err := r.ReadAt(h[:], 0)
	if n < 52 || !bytes.Equal(h[:4], []byte(elf.ELFMAG)) {
		if err != nil && !errors.Is(err, io.EOF) {
			return info, err
		}
		return info, nil
	}
	info.elf = true
	var bo binary.ByteOrder
	switch elf.Data(h[elf.EI_DATA]) {
	case elf.ELFDATA2LSB:
		bo = binary.LittleEndian
	case elf.ELFDATA2MSB:
		bo = binary.BigEndian
	default:
		return info, errors.New("unknown ELF byte order")
	}
	is64 := elf.Class(h[elf.EI_CLASS]) == elf.ELFCLASS64
	var phoff uint64
	var phentsize, phnum uint16
	if is64 {
		if n < 64 {
			return info, errors.New("short ELF header")
		}
		phoff, phentsize, phnum = bo.Uint64(h[32:]), bo.Uint16(h[54:]), bo.Uint16(h[56:])
	} else {
		phoff, phentsize, phnum = uint64(bo.Uint32(h[28:])), bo.Uint16(h[42:]), bo.Uint16(h[44:])
	}
	if phnum > maxPhnum || phentsize < 32 || phentsize > 64 {
		return info, errors.New("implausible program headers")
	}
	ph := make([]byte, int(phnum)*int(phentsize))
	if _, err := r.ReadAt(ph, int64(phoff)); err != nil {
		return info, err
	}
	type seg struct{ typ, off, vaddr, filesz uint64 }
	var segs []seg
	for i := 0; i < int(phnum); i++ {
		p := ph[i*int(phentsize):]
		var s seg
		s.typ = uint64(bo.Uint32(p))
		if is64 {
			s.off, s.vaddr, s.filesz = bo.Uint64(p[8:]), bo.Uint64(p[16:]), bo.Uint64(p[32:])
		} else {
			s.off, s.vaddr, s.filesz = uint64(bo.Uint32(p[4:])), uint64(bo.Uint32(p[8:])), uint64(bo.Uint32(p[16:]))
		}
		segs = append(segs, s)
	}
	read := func(off, size uint64) ([]byte, error) {
		b := make([]byte, size)
		n, err := r.ReadAt(b, int64(off))
		if n == len(b) {
			return b, nil
		}
		return b[:n], err
	}
	var dyn *seg
	for i, s := range segs {
		switch elf.ProgType(s.typ) {
		case elf.PT_INTERP:
			b, err := read(s.off, min(s.filesz, maxInterpSize))
			if err != nil && len(b) == 0 {
				return info, err
			}
			info.interp = string(bytes.TrimRight(b, "\x00"))
		case elf.PT_DYNAMIC:
			dyn = &segs[i]
		}
	}
	if dyn == nil {
		return info, nil
	}
	// DT_NEEDED names are offsets into the string table at DT_STRTAB, a
	// virtual address: map it to a file offset through PT_LOAD.
	b, _ := read(dyn.off, min(dyn.filesz, maxDynSize))
	entsize := 8
	if is64 {
		entsize = 16
	}
	var needed []uint64
	strtab := uint64(0)
	for i := 0; i+entsize <= len(b); i += entsize {
		var tag, val uint64
		if is64 {
			tag, val = bo.Uint64(b[i:]), bo.Uint64(b[i+8:])
		} else {
			tag, val = uint64(bo.Uint32(b[i:])), uint64(bo.Uint32(b[i+4:]))
		}
		switch elf.DynTag(tag) {
		case elf.DT_NULL:
			i = len(b)
		case elf.DT_NEEDED:
			if len(needed) < maxNeeded {
				needed = append(needed, val)
			}
		case elf.DT_STRTAB:
			strtab = val
		}
	}
	var stroff uint64
	found := false
	for _, s := range segs {
		if elf.ProgType(s.typ) == elf.PT_LOAD && strtab >= s.vaddr && strtab < s.vaddr+s.filesz {
			stroff, found = s.off+strtab-s.vaddr, true
			break
		}
	}
	if !found {
		return info, nil
	}
	for _, o := range needed {
		name, _ := read(stroff+o, 256)
		if i := bytes.IndexByte(name, 0); i >= 0 {
			info.needed = append(info.needed, string(name[:i]))
		}
	}
	return info, nil
}
