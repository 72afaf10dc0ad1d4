package main

import (
	"fmt"
	"io"
	"time"
)

// phases prints long work as kind's cli.Status does: one line when a phase starts, then ✓ or ✗
// with the elapsed time when it ends. Quiet discards them.
type phases struct {
	w     io.Writer
	quiet bool
	now   func() time.Time
}

// run runs one phase and returns its error unchanged.
func (p *phases) run(name string, f func() error) error {
	start := p.now()
	if !p.quiet {
		fmt.Fprintf(p.w, " • %s ...\n", name)
	}
	err := f()
	if !p.quiet {
		mark := "✓"
		if err != nil {
			mark = "✗"
		}
		fmt.Fprintf(p.w, " %s %s (%s)\n", mark, name, p.now().Sub(start).Round(100*time.Millisecond))
	}
	return err
}

// note prints one line of detail under the current phase.
func (p *phases) note(format string, a ...any) {
	if !p.quiet {
		fmt.Fprintf(p.w, "   %s\n", fmt.Sprintf(format, a...))
	}
}
