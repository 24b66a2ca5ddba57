package alpine

import (
	"path"

	"github.com/docklean/docklean/internal/shellx"
	"mvdan.cc/sh/v3/syntax"
)

// textCommands print their arguments: a command name in them is text, not
// a command ("echo 'remember: apt-get install -y vim'").
var textCommands = map[string]bool{"echo": true, "printf": true}

// printsText reports whether st is an echo or printf whose output goes to
// the build log only: no redirection (a file it writes may be run later)
// and not in a pipe (the next command may run it). Its arguments are text.
func printsText(st *syntax.Stmt, piped map[*syntax.Stmt]bool) bool {
	c, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) == 0 || len(st.Redirs) > 0 || piped[st] || st.Background {
		return false
	}
	name, ok := shellx.WordLit(c.Args[0])
	return ok && textCommands[path.Base(name)]
}

// markPiped records the statements on either side of a pipe.
func markPiped(b *syntax.BinaryCmd, piped map[*syntax.Stmt]bool) {
	if b.Op == syntax.Pipe || b.Op == syntax.PipeAll {
		piped[b.X], piped[b.Y] = true, true
	}
}
