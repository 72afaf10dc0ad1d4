package netpol

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/reports"
)

// StepRecord turns a step's convergence into the report's step: every served cell of the
// deciding round, with the engine's explanation and the probe's raw result on the wrong ones.
func StepRecord(index int, name string, policies []networkingv1.NetworkPolicy, pred *engine.Prediction, conv Convergence) reports.Step {
	st := reports.Step{
		Index:        index,
		Name:         name,
		Policies:     policiesYAML(policies),
		Peers:        pred.Peers(),
		ConvergeTime: reports.Duration(conv.Time),
		Polls:        conv.Polls,
		Matched:      conv.Converged,
		Window:       reports.Duration(conv.Window.Length),
		Settle:       reports.Duration(conv.Window.Settle),
		ErrorRounds:  conv.ErrorRounds,
	}
	for _, t := range pred.Targets() {
		st.Targets = append(st.Targets, t.String())
	}
	if conv.Final == nil {
		st.Verdict = reports.Error
		return st
	}
	if sv := conv.Final.Services; sv != nil {
		st.ServiceIPs = sv.IPs
	}
	for _, j := range conv.Final.Cells {
		c := cellRecord(conv.Final.explainer(pred, j.Key), j)
		if r, ok := conv.Flipped[j.Key]; ok {
			c.Class = reports.ClassFlaky
			c.Detail = strings.TrimSpace(fmt.Sprintf("matched from %s, then disagreed in the round that started %s after the step began (its stability window needed matching rounds until %s): %s",
				conv.Time.Round(time.Millisecond), conv.FlippedAt.Round(time.Millisecond), conv.Window.End(conv.Time).Round(time.Millisecond), rawResult(Judged{Result: r})))
		}
		st.Cells = append(st.Cells, c)
	}
	st.Verdict = StepVerdict(conv)
	return st
}

// explainer explains one cell: the pod prediction or the Service prediction.
type explainer interface {
	Explain(from, to cases.PeerKey, t engine.Target) (engine.Explanation, error)
}

// explainer returns what explains cell k of the comparison.
func (c *Comparison) explainer(pred *engine.Prediction, k CellKey) explainer {
	if k.Service && c.Services != nil {
		return c.Services.Pred
	}
	return pred
}

func cellRecord(pred explainer, j Judged) reports.Cell {
	c := reports.Cell{
		From: j.Key.From, To: j.Key.To, Port: j.Key.Target.Port, Protocol: string(j.Key.Target.Protocol),
		Predicted: j.Predicted, Observed: j.Result.Outcome, Class: j.Class,
	}
	if j.Key.Service {
		c.Via = reports.ViaService
	}
	if !c.Observed.Valid() {
		c.Observed = cases.Error
	}
	for _, a := range j.Result.Attempts {
		c.Attempts = append(c.Attempts, a.Outcome)
	}
	if j.Class != reports.Match && j.Class != reports.ClassUnsupported && j.Class != reports.ClassNotGraded {
		if ex, err := pred.Explain(j.Key.From, j.Key.To, j.Key.Target); err == nil {
			c.Explanation = ex.String()
		}
		c.Detail = rawResult(j)
	}
	return c
}

// StepVerdict decides a step from its deciding round: cells that disagreed after a match make it
// flaky, whatever the round that broke the window showed; otherwise any conclusive disagreement
// fails it, and cells whose attempts disagreed make it flaky; a round that never converged
// because of errors is an error (could not check); otherwise implementation-defined cells make it
// implementation-defined, and a step whose every graded cell was unsupported is unsupported
// (not-graded cells never decide a step).
func StepVerdict(conv Convergence) reports.Verdict {
	n := conv.Final.Counts
	switch {
	case len(conv.Flipped) > 0:
		return reports.Flaky
	case n[reports.Mismatch] > 0:
		return reports.Fail
	case n[reports.ClassFlaky] > 0:
		return reports.Flaky
	case n[reports.ClassError] > 0:
		return reports.Error
	case n[reports.ClassImplementationDefined] > 0:
		return reports.ImplementationDefined
	case n[reports.ClassUnsupported] == len(conv.Final.Cells)-n[reports.ClassNotGraded]:
		return reports.Unsupported
	}
	return reports.Pass
}

// CaseVerdict folds the steps' verdicts: fail over flaky over error over implementation-defined
// over unsupported over pass.
func CaseVerdict(steps []reports.Step) reports.Verdict {
	rank := map[reports.Verdict]int{reports.Pass: 0, reports.Unsupported: 1, reports.ImplementationDefined: 2, reports.Error: 3, reports.Flaky: 4, reports.Fail: 5}
	v := reports.Pass
	for _, s := range steps {
		if rank[s.Verdict] > rank[v] {
			v = s.Verdict
		}
	}
	return v
}

func policiesYAML(policies []networkingv1.NetworkPolicy) string {
	var parts []string
	for _, p := range policies {
		p.TypeMeta.APIVersion, p.TypeMeta.Kind = "networking.k8s.io/v1", "NetworkPolicy"
		b, err := yaml.Marshal(p)
		if err != nil {
			parts = append(parts, fmt.Sprintf("# %s/%s: %v\n", p.Namespace, p.Name, err))
			continue
		}
		parts = append(parts, string(b))
	}
	return strings.Join(parts, "---\n")
}

func rawResult(j Judged) string {
	b, err := json.Marshal(j.Result)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
