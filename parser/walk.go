package parser

import "mvdan.cc/sh/v3/syntax"

// Walk is syntax.Walk without deep recursion along lists: it visits the
// nodes of a shell tree in the same order, calling f on each and skipping
// the children of a node for which f returns false, but follows files,
// statements and && / || / | chains with a stack of its own. A RUN that
// is one long "a && b && c ..." chain (tens of thousands of commands in a
// large file) nests that deep; syntax.Walk's recursion grew the goroutine
// stack to hundreds of megabytes for a 2 MB file. Unlike syntax.Walk it
// does not call f(nil) after the children of those nodes (docklean's
// visitors never rely on it).
func Walk(node syntax.Node, f func(syntax.Node) bool) {
	stack := []syntax.Node{node}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch n := n.(type) {
		case *syntax.File:
			if !f(n) {
				continue
			}
			for i := len(n.Last) - 1; i >= 0; i-- {
				stack = append(stack, &n.Last[i])
			}
			for i := len(n.Stmts) - 1; i >= 0; i-- {
				stack = append(stack, n.Stmts[i])
			}
		case *syntax.Stmt:
			if !f(n) {
				continue
			}
			for i := len(n.Redirs) - 1; i >= 0; i-- {
				stack = append(stack, n.Redirs[i])
			}
			if n.Cmd != nil {
				stack = append(stack, n.Cmd)
			}
			for i := len(n.Comments) - 1; i >= 0; i-- {
				stack = append(stack, &n.Comments[i])
			}
		case *syntax.BinaryCmd:
			if !f(n) {
				continue
			}
			stack = append(stack, n.Y, n.X)
		default:
			syntax.Walk(n, f)
		}
	}
}
