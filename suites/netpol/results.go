package netpol

import (
	"fmt"
	"sync"
	"time"

	"github.com/cnpc-dev/cnpc/reports"
)

// Results is the run's results document, rewritten to its file after every case so that an
// interrupted run still leaves what it observed. An empty path keeps it in memory only.
type Results struct {
	mu   sync.Mutex
	path string
	run  reports.Run
}

// NewResults starts a results document from header (tool, CNI, options) and writes it at once,
// so a bad path fails the run before any case runs.
func NewResults(path string, header reports.Run) (*Results, error) {
	r := &Results{path: path, run: header}
	r.run.SchemaVersion = reports.SchemaVersion
	r.run.Start = time.Now().UTC()
	r.run.End = r.run.Start
	r.run.Cases = []reports.Case{}
	return r, r.write()
}

// SetCluster records what the cluster is.
func (r *Results) SetCluster(c reports.Cluster) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.run.Cluster = c
}

// SetUnsupported records the capabilities the cluster lacks.
func (r *Results) SetUnsupported(u []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.run.Unsupported = u
}

// SetFilters records the run's focus and label filter.
func (r *Results) SetFilters(focus, labels string, sel Selection) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.run.Options.Focus, r.run.Options.Labels = focus, labels
	r.run.Options.Cases, r.run.Options.Named = nil, sel.Names
	for _, o := range sel.Origins {
		r.run.Options.Cases = append(r.run.Options.Cases, string(o))
	}
}

// Add appends a case and rewrites the file.
func (r *Results) Add(c reports.Case) error {
	r.mu.Lock()
	r.run.Cases = append(r.run.Cases, c)
	r.mu.Unlock()
	return r.write()
}

// Finish stamps the end time and rewrites the file.
func (r *Results) Finish() error { return r.write() }

// Run returns a copy of the document so far.
func (r *Results) Run() reports.Run {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.run
	out.Cases = append([]reports.Case(nil), r.run.Cases...)
	return out
}

func (r *Results) write() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.run.End = time.Now().UTC()
	if r.path == "" {
		return nil
	}
	if err := reports.Write(r.path, &r.run); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
