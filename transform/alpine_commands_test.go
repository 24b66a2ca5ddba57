package transform

import (
	"slices"
	"testing"
)

// TestCommandTables checks facts of the generated command tables that the
// accounting rules rest on.
func TestCommandTables(t *testing.T) {
	tb := cmdTablesOnce()
	for pkg, cmd := range map[string]string{"git": "/usr/bin/git", "netcat-openbsd": "/bin/netcat", "init-system-helpers": "/usr/sbin/service",
		"libc-bin": "/sbin/ldconfig", "autoconf": "/usr/bin/autoreconf", "openssl": "/usr/bin/openssl"} {
		if p := tb.deb[pkg]; p == nil || !slices.Contains(p.cmds, cmd) {
			t.Errorf("debian-commands.tsv: %s should ship %s", pkg, cmd)
		}
	}
	if p := tb.deb["automake"]; p == nil || !slices.Contains(p.deps, "autoconf") {
		t.Error("debian-commands.tsv: automake should depend on autoconf")
	}
	if p := tb.deb["netcat"]; p == nil || len(p.deps) != 1 {
		t.Error("debian-commands.tsv: the virtual netcat should have one provider")
	}
	found := false
	for _, r := range tb.alp["mount"] {
		found = found || r.pkg == "busybox" && r.path == "/bin/mount"
	}
	if !found {
		t.Errorf("alpine-commands.tsv: mount should be BusyBox's /bin/mount, got %v", tb.alp["mount"])
	}
	if !tb.complete["netcat-openbsd"] || len(tb.alp["netcat"]) != 0 {
		t.Error("alpine-commands.tsv: netcat-openbsd has only nc, and no Alpine package has netcat")
	}
	c := debClosure(map[string]bool{"git": true}, nil)
	if c["openssh-client"] || !c["perl"] {
		t.Error("git without recommends: perl (Depends) but not openssh-client (Recommends)")
	}
	if c := debClosure(map[string]bool{"git": true}, map[string]bool{"git": true}); !c["openssh-client"] {
		t.Error("git with recommends should bring openssh-client")
	}
}
