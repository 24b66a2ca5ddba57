package alpine

import (
	"strings"
	"testing"

	"github.com/docklean/docklean/internal/shellx"
	"mvdan.cc/sh/v3/syntax"
)

// TestScriptUser checks which word of a script's command names a user.
func TestScriptUser(t *testing.T) {
	for _, c := range []struct{ cmd, want string }{
		{"chown -R app:app /srv", "app:app"},
		{"chown --reference=/a /b", ""},
		{"su - postgres -c 'psql'", "postgres"},
		{"su -c 'id' nobody", "nobody"},
		{"su -s /bin/sh -c 'id' www-data", "www-data"},
		{"sudo -u builder make", "builder"},
		{"sudo make", ""},
		{"runuser -u svc -- id", "svc"},
		{"gosu app:app id", "app:app"},
		{"su-exec $USER id", ""},
	} {
		f, err := syntax.NewParser().Parse(strings.NewReader(c.cmd), "")
		if err != nil {
			t.Fatal(err)
		}
		call := f.Stmts[0].Cmd.(*syntax.CallExpr)
		prog, _ := shellx.WordLit(call.Args[0])
		if got := scriptUser(call.Args[1:], userOperand[prog], prog == "su"); got != c.want {
			t.Errorf("%s: got %q, want %q", c.cmd, got, c.want)
		}
	}
}
