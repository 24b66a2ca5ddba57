package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// useColor reports whether diffs written to w get colour: only on a
// terminal, and never when NO_COLOR is set (https://no-color.org).
func useColor(w io.Writer) bool {
	_, noColor := os.LookupEnv("NO_COLOR")
	return !noColor && isTerminal(w)
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
)

// colorDiff colours a unified diff line by line.
func colorDiff(d []byte) []byte {
	var b bytes.Buffer
	for _, l := range bytes.SplitAfter(d, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		body := bytes.TrimRight(l, "\r\n")
		color := ""
		switch {
		case bytes.HasPrefix(l, []byte("--- ")), bytes.HasPrefix(l, []byte("+++ ")):
			color = ansiBold
		case bytes.HasPrefix(l, []byte("@@")):
			color = ansiCyan
		case l[0] == '-':
			color = ansiRed
		case l[0] == '+':
			color = ansiGreen
		}
		if color == "" {
			b.Write(l)
			continue
		}
		b.WriteString(color)
		b.Write(body)
		b.WriteString(ansiReset)
		b.Write(l[len(body):])
	}
	return b.Bytes()
}

// progressMin is how many files make a walk long enough for a progress bar.
const progressMin = 300

// progress draws "docklean: N/M files" on a terminal while files are
// processed; stop erases it. Output written through around never shares a
// line with it.
type progress struct {
	done  atomic.Int64
	total int
	w     io.Writer
	quit  chan struct{}
	ended chan struct{}

	mu    sync.Mutex // held while drawing, and around other output
	drawn bool       // the bar is on the screen
}

// startProgress starts the bar on w for total files, when w is a terminal
// and the walk is long enough.
func startProgress(w io.Writer, total int) *progress {
	p := &progress{total: total, w: w}
	if total < progressMin || !isTerminal(w) {
		return p
	}
	p.quit, p.ended = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.ended)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				p.around(func() {})
				return
			case <-t.C:
				p.mu.Lock()
				fmt.Fprintf(p.w, "\rdocklean: %d/%d files", p.done.Load(), p.total)
				p.drawn = true
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// active reports whether the bar is drawn on a terminal.
func (p *progress) active() bool { return p.quit != nil }

// around erases the bar, if it is drawn, and runs write while the bar
// stays off the screen; the next tick draws it again.
func (p *progress) around(write func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
	write()
}

// tick counts one file done.
func (p *progress) tick() { p.done.Add(1) }

// stop erases the bar.
func (p *progress) stop() {
	if p.quit != nil {
		close(p.quit)
		<-p.ended
	}
}
