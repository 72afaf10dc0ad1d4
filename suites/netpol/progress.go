package netpol

import (
	"fmt"
	"io"
	"sync"
)

// progress writes the run's progress lines to stderr: a line per step, never one per probe
// (STYLE.md §4), e.g. "case 12/87 egress-cidr: step 2/3, 486 probes, 2 polls, 1.2s".
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	total int
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func (p *progress) printf(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, a...)
}
