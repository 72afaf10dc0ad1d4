package probes

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// Response is the one JSON document the prober prints for a batch: one Result per Target, in the
// batch's order, always as many results as targets.
type Response struct {
	// Version is the cnpc-probe build that made the probes.
	Version string `json:"version"`
	// Round is the batch's Round.
	Round   string   `json:"round,omitempty"`
	Elapsed Duration `json:"elapsed"`
	Results []Result `json:"results"`
}

// Result is what one target yielded. Outcome summarises Attempts (see summarise); Identity is the
// identity that answered last, if any; Error explains an outcome other than connected.
type Result struct {
	Name     string          `json:"name"`
	IP       string          `json:"ip"`
	Port     int32           `json:"port"`
	Protocol corev1.Protocol `json:"protocol"`
	Expect   string          `json:"expect,omitempty"`
	Outcome  cases.Outcome   `json:"outcome"`
	// Flaky is true when the attempts did not all have the same outcome.
	Flaky    bool      `json:"flaky,omitempty"`
	Attempts []Attempt `json:"attempts"`
	Identity string    `json:"identity,omitempty"`
	Elapsed  Duration  `json:"elapsed"`
	Error    string    `json:"error,omitempty"`
}

// Attempt is one probe of a target. Every attempt is kept, so a verdict can be traced to what the
// network did each time.
type Attempt struct {
	Outcome  cases.Outcome `json:"outcome"`
	Elapsed  Duration      `json:"elapsed"`
	Identity string        `json:"identity,omitempty"`
	Error    string        `json:"error,omitempty"`
}

// summarise sets r's outcome from its attempts. All attempts are made, never stopped early, so
// that disagreement is visible:
//   - any attempt with outcome error makes the result error: the probe cannot be trusted (e.g. a
//     wrong identity answered once);
//   - otherwise, when all attempts agree, that is the outcome;
//   - otherwise the last attempt's outcome, with Flaky set; the suite reports the cell as flaky.
func (r *Result) summarise() {
	if len(r.Attempts) == 0 {
		r.Outcome, r.Error = cases.Error, "no attempt was made"
		return
	}
	last := r.Attempts[len(r.Attempts)-1]
	r.Outcome, r.Error, r.Identity = last.Outcome, last.Error, last.Identity
	for _, a := range r.Attempts {
		if a.Outcome != last.Outcome {
			r.Flaky = true
		}
		if a.Identity != "" {
			r.Identity = a.Identity
		}
	}
	for _, a := range r.Attempts {
		if a.Outcome == cases.Error {
			r.Outcome, r.Error = cases.Error, a.Error
			if a.Identity != "" {
				r.Identity = a.Identity
			}
			return
		}
	}
}
