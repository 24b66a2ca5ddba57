package commands

import (
	"slices"
	"testing"
)

// TestCommandTables checks facts of the generated command tables that the
// accounting rules rest on.
func TestCommandTables(t *testing.T) {
	tb := Tables()
	for pkg, cmd := range map[string]string{"git": "/usr/bin/git", "netcat-openbsd": "/bin/netcat", "init-system-helpers": "/usr/sbin/service",
		"libc-bin": "/sbin/ldconfig", "autoconf": "/usr/bin/autoreconf", "openssl": "/usr/bin/openssl"} {
		if p := tb.Deb[pkg]; p == nil || !slices.Contains(p.Cmds, cmd) {
			t.Errorf("debian-tsv: %s should ship %s", pkg, cmd)
		}
	}
	if p := tb.Deb["automake"]; p == nil || !slices.Contains(p.deps, "autoconf") {
		t.Error("debian-tsv: automake should depend on autoconf")
	}
	if p := tb.Deb["netcat"]; p == nil || len(p.deps) != 1 {
		t.Error("debian-tsv: the virtual netcat should have one provider")
	}
	found := false
	for _, r := range tb.Alp["mount"] {
		found = found || r.Pkg == "busybox" && r.Path == "/bin/mount"
	}
	if !found {
		t.Errorf("alpine-tsv: mount should be BusyBox's /bin/mount, got %v", tb.Alp["mount"])
	}
	if !tb.Complete["netcat-openbsd"] || len(tb.Alp["netcat"]) != 0 {
		t.Error("alpine-tsv: netcat-openbsd has only nc, and no Alpine package has netcat")
	}
	c := DebClosure(map[string]bool{"git": true}, nil)
	if c["openssh-client"] || !c["perl"] {
		t.Error("git without recommends: perl (Depends) but not openssh-client (Recommends)")
	}
	if c := DebClosure(map[string]bool{"git": true}, map[string]bool{"git": true}); !c["openssh-client"] {
		t.Error("git with recommends should bring openssh-client")
	}
}
