package netpol

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/reports"
)

// registerCases declares one spec per selected case whose name matches focus, labelled with the
// case's features (and a user's case's free labels) so that --ginkgo.label-filter=egress selects
// them, and returns the cases it declared. It runs in TestNetpol, after flag parsing and before
// RunSpecs, because the suite's own --focus decides which cases exist. Ginkgo runs the specs of
// the one container by name (SpecOrder; it shuffles top-level nodes only). A spec runs nothing
// itself: it waits for its case on the lanes (Schedule), which run the cases ahead of their specs.
func registerCases(cs []*cases.Case, focus *regexp.Regexp) []*cases.Case {
	var out []*cases.Case
	for _, c := range cs {
		if focus.MatchString(c.Name) {
			out = append(out, c)
		}
	}
	// Ginkgo calls the container's body later, inside RunSpecs: out must be complete before. It
	// orders specs of one code location by their text, the case's name (SpecOrder).
	Describe("NetworkPolicy case", func() {
		for _, c := range out {
			It(c.Name, Label(caseLabels(c)...), SpecTimeout(caseTimeout+time.Minute), func(ctx SpecContext) { waitCase(ctx, c) })
		}
	})
	return out
}

// caseTimeout bounds one case, all its attempts included.
const caseTimeout = 15 * time.Minute

// waitCase is a case's spec: it waits for the case's run on its lane, records it (in the specs'
// order, which is the cases') and tells Ginkgo how it ended.
func waitCase(ctx SpecContext, c *cases.Case) {
	r, ok := schedule.Wait(ctx, c)
	if !ok {
		Fail(fmt.Sprintf("case %s has no run on the lanes: the suite's selection and Ginkgo's disagree", c.Name))
	}
	if !r.Ran {
		Skip("not run: the lanes stopped before this case began (" + context.Cause(ctx).Error() + ")")
	}
	_, _ = GinkgoWriter.Write(r.Log)
	if err := results.Add(r.Rec); err != nil {
		fmt.Fprintf(GinkgoWriter, "%v\n", err)
	}
	if r.Skip != "" {
		Skip(r.Skip)
	}
	if r.Failure != "" {
		Fail(r.Failure)
	}
}

// caseLog is a case's log: the steps it went through and every step's truth tables, shown by
// Ginkgo with the spec's output. Cases on other lanes write to their own.
type caseLog struct{ bytes.Buffer }

func (l *caseLog) step(format string, a ...any) { fmt.Fprintf(l, "STEP: "+format+"\n", a...) }

// runCase runs one case on a lane: set up its topology, check the case's baseline (no policy:
// everything that serves connects), then each step (apply, predict, converge, hold the window),
// and return its record. A case during which a probe pod or a system pod (the CNI's agent among
// them) restarted, was re-created or changed IP is run again once; if the cluster changes again,
// the case is an error naming what changed, whatever its cells showed.
func runCase(ctx context.Context, lane *Lane, c *cases.Case, n int) (out CaseRun) {
	log := &caseLog{}
	rec := reports.Case{Name: c.Name, Description: c.Description, Source: c.Source, Features: c.Features}
	start := time.Now()
	topo := baseTopology(c)
	defer func() {
		// The reset runs however the case ended, interrupted too, for as long as a reset takes.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := lane.Reset(rctx, topo); err != nil && out.Skip == "" {
			reason := fmt.Sprintf("clean up after case %s: %v", c.Name, err)
			// The spec fails, as it did before lanes; the case's own verdict stands (the next
			// case's baseline catches what the reset left).
			if out.Failure == "" {
				out.Failure = reason
			}
		}
		rec.Duration = reports.Duration(time.Since(start))
		rec.Lane = int(lane.LaneNames)
		if ctx.Err() != nil && (rec.Verdict == "" || rec.Verdict == reports.Error) {
			// Whatever failed last was the interruption's doing, not the cluster's.
			rec.Verdict, rec.Reason = reports.Error, fmt.Sprintf("interrupted before a verdict (%v): the suite timeout (cnpc run --suite-timeout), the case timeout or Ctrl-C", context.Cause(ctx))
		}
		if rec.Verdict == "" {
			rec.Verdict, rec.Reason = reports.Error, "the case stopped before a verdict"
		}
		if out.Failure == "" && (rec.Verdict == reports.Error || rec.Verdict == reports.Fail || rec.Verdict == reports.Flaky) {
			out.Failure = rec.Reason
		}
		out.Rec, out.Log = rec, log.Bytes()
	}()
	if len(topo.Externals) > 0 && !suite.ExternalsOK {
		rec.Verdict, rec.Reason = reports.Unsupported, "external hosts unsupported here: "+suite.ExternalsWhy
		out.Skip = rec.Reason
		return out
	}
	for attempt := 1; ; attempt++ {
		a := attemptCase(ctx, lane, log, c, n, topo)
		disruptions := rec.Disruptions
		for _, d := range a.changed {
			disruptions = append(disruptions, fmt.Sprintf("attempt %d: %s", attempt, d))
		}
		a.rec.Disruptions, a.rec.Attempts = disruptions, attempt
		rec = a.rec
		if len(a.changed) == 0 || ctx.Err() != nil {
			out.Failure = a.failure
			return out
		}
		if attempt == 2 {
			rec.Verdict, rec.Reason = reports.Error, "the cluster changed during the case, twice: "+strings.Join(a.changed, "; ")
			return out
		}
		prog.printf("case %d/%d %s: the cluster changed during the case (%s); running it again\n", n, prog.total, c.Name, strings.Join(a.changed, "; "))
		if err := lane.Reset(ctx, topo); err != nil {
			rec.Verdict, rec.Reason = reports.Error, "clean up before running the case again: "+err.Error()
			return out
		}
	}
}

// attempt is one run of a case: its record, the failure text for Ginkgo ("" when the case
// passed or was not failed), and what changed in the cluster while it ran.
type attempt struct {
	rec     reports.Case
	failure string
	changed []string
}

// attemptCase runs the case once. runCase decides what it means, after looking at what changed
// in the cluster meanwhile.
func attemptCase(ctx context.Context, lane *Lane, log *caseLog, c *cases.Case, n int, topo cases.Topology) (a attempt) {
	a.rec = reports.Case{Name: c.Name, Description: c.Description, Source: c.Source, Features: c.Features}
	fail := func(v reports.Verdict, reason, text string) attempt {
		a.rec.Verdict, a.rec.Reason, a.failure = v, reason, text
		return a
	}
	states, err := c.States()
	if err != nil {
		return fail(reports.Error, "replay the case: "+err.Error(), "replay the case: "+err.Error())
	}
	log.step("setting up the topology (lane %d)", lane.LaneNames)
	setUp := time.Now()
	real, err := lane.SetUp(ctx, topo)
	if err == nil {
		err = lane.EnsurePolicies(ctx, topo.Namespaces, nil)
	}
	if err != nil {
		return fail(reports.Error, "set up: "+err.Error(), "set up: "+err.Error())
	}
	log.step("checking the case's baseline: no policy, everything connects")
	pred, conv, err := lane.Check(ctx, real, nil, Window{})
	if err != nil || !healthy(conv) {
		reason := "cluster not healthy before the case's first step"
		if err != nil {
			return fail(reports.Error, reason, reason+": "+err.Error())
		}
		return fail(reports.Error, reason, FailureText(reason, pred, conv))
	}
	prog.printf("case %d/%d %s: topology and baseline (%d probes, %d polls) in %s%s\n",
		n, prog.total, c.Name, len(conv.Final.Cells), conv.Polls, time.Since(setUp).Round(time.Millisecond), laneNote(lane))
	watched := stablePods(topo, states)
	before, err := lane.Snapshot(ctx, watched)
	if err != nil {
		return fail(reports.Error, "snapshot the pods: "+err.Error(), "snapshot the pods: "+err.Error())
	}
	a.failure = runSteps(ctx, lane, log, c, states, n, real, pred.Table(), &a.rec)
	if ctx.Err() != nil {
		return a
	}
	after, err := lane.Snapshot(ctx, watched)
	if err != nil {
		return fail(reports.Error, "snapshot the pods: "+err.Error(), "snapshot the pods: "+err.Error())
	}
	a.changed = Disruptions(before, after)
	return a
}

// laneNote names the lane in progress lines when there are several.
func laneNote(l *Lane) string {
	if opts.Lanes <= 1 {
		return ""
	}
	return fmt.Sprintf(" (lane %d)", l.LaneNames)
}

// runSteps applies and checks every step, recording each, and stops at the first step that
// fails (the later steps build on it), returning the failure text ("" when every step held).
// before is the baseline's predicted table: a step whose table differs from the one before it
// measures the CNI's time to enforce.
func runSteps(ctx context.Context, lane *Lane, log *caseLog, c *cases.Case, states []cases.State, n int, real cases.Topology, before *engine.Table, rec *reports.Case) string {
	ips := peerIPs(real)
	for i, st := range states {
		log.step("step %d/%d: %s", i+1, len(states), st.Name)
		began := time.Now()
		real, policies, err := lane.Apply(ctx, st.Topology, ips, func(ips map[cases.PeerKey]string) ([]networkingv1.NetworkPolicy, error) {
			return boundPolicies(c, i, ips)
		})
		if err != nil {
			rec.Verdict, rec.Reason = reports.Error, fmt.Sprintf("step %d: %v", i+1, err)
			return rec.Reason
		}
		pred, err := Predict(real, policies)
		if err != nil {
			rec.Verdict, rec.Reason = reports.Error, fmt.Sprintf("step %d: %v", i+1, err)
			return rec.Reason
		}
		table := pred.Table()
		changed := !table.Equal(before)
		before = table
		conv, err := lane.CheckPredicted(ctx, real, pred, c.Steps[i].Graded, suite.Enforce.Window(changed))
		if err != nil {
			rec.Verdict, rec.Reason = reports.Error, fmt.Sprintf("step %d: %v", i+1, err)
			return rec.Reason
		}
		sr := StepRecord(i, st.Name, policies, pred, conv)
		sr.Changed = changed
		if sr.Changed && conv.Converged {
			suite.Enforce.Add(conv.Time)
		}
		rec.Steps = append(rec.Steps, sr)
		prog.printf("case %d/%d %s: step %d/%d, %d probes, %d polls, %s to converge, window %s, %s in all: %s%s\n",
			n, prog.total, c.Name, i+1, len(states), len(conv.Final.Cells), conv.Polls,
			conv.Time.Round(time.Millisecond), windowNote(conv.Window), time.Since(began).Round(time.Millisecond), sr.Verdict, flipNote(conv))
		title := fmt.Sprintf("step %d/%d (%s)", i+1, len(states), st.Name)
		fmt.Fprintf(log, "%s\n", FailureText(title, pred, conv))
		if sr.Verdict == reports.Fail || sr.Verdict == reports.Flaky || sr.Verdict == reports.Error {
			rec.Verdict, rec.Reason = sr.Verdict, title+" did not match the prediction"
			if sr.Verdict == reports.Flaky {
				rec.Reason = title + " matched, then disagreed within its stability window"
			}
			return FailureText(rec.Reason, pred, conv)
		}
	}
	rec.Verdict, rec.UnsupportedCells, rec.Reason = GradeCase(rec.Steps)
	return ""
}

// healthy reports whether a baseline matched, allowing implementation-defined and unsupported
// cells.
func healthy(conv Convergence) bool {
	v := StepVerdict(conv)
	return v == reports.Pass || v == reports.ImplementationDefined || v == reports.Unsupported
}

func peerIPs(t cases.Topology) map[cases.PeerKey]string {
	out := map[cases.PeerKey]string{}
	for _, p := range t.Pods {
		out[p.Key()] = p.IP
	}
	for _, e := range t.Externals {
		out[e.Key()] = e.IP
	}
	return out
}

func flipNote(conv Convergence) string {
	if len(conv.Flipped) == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d cells flipped %s after the first match)", len(conv.Flipped), (conv.FlippedAt - conv.Time).Round(time.Millisecond))
}

func windowNote(w Window) string {
	if w.Settle == 0 {
		return w.Length.Round(time.Millisecond).String()
	}
	return fmt.Sprintf("%s after %s", w.Length.Round(time.Millisecond), w.Settle.Round(time.Millisecond))
}
