package gomultistage

import (
	"testing"
)

func TestRootOnlyFile(t *testing.T) {
	for _, c := range []struct {
		flags []string
		want  bool
	}{
		{nil, false},
		{[]string{"--chmod=600"}, true},
		{[]string{"--chmod=0640"}, true},
		{[]string{"--chmod=644"}, false},
		{[]string{"--chmod=600", "--chown=65532:65532"}, false},
		{[]string{"--chmod=u+rw"}, false},
	} {
		if got := rootOnlyFile(c.flags); got != c.want {
			t.Errorf("rootOnlyFile(%q) = %v, want %v", c.flags, got, c.want)
		}
	}
}
