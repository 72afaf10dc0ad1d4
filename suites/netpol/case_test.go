package netpol

import (
	"context"
	"fmt"
	"regexp"
	"time"

	. "github.com/onsi/ginkgo/v2"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/reports"
)

// registerCases declares one spec per case of the catalog (and of the generator) whose name
// matches focus, labelled with the case's features so that --ginkgo.label-filter=egress selects
// them. It runs in TestNetpol, after flag parsing and before RunSpecs, because the suite's own
// --focus decides which cases exist. One container keeps the catalog's order (Ginkgo shuffles
// top-level nodes only).
func registerCases(cs []*cases.Case, focus *regexp.Regexp) {
	Describe("NetworkPolicy case", func() {
		for _, c := range cs {
			if !focus.MatchString(c.Name) {
				continue
			}
			labels := make([]string, len(c.Features))
			for i, f := range c.Features {
				labels[i] = string(f)
			}
			It(c.Name, Label(labels...), SpecTimeout(15*time.Minute), func(ctx SpecContext) { runCase(ctx, c) })
		}
	})
}

// runCase runs one case: set up its topology, check the case's baseline (no policy: everything
// that serves connects), then each step (apply, predict, converge, confirm), and record it. The
// deferred record runs however the spec ends, so the results file always has the case.
func runCase(ctx SpecContext, c *cases.Case) {
	n := prog.next()
	rec := reports.Case{Name: c.Name, Description: c.Description, Source: c.Source, Features: c.Features}
	start := time.Now()
	defer func() {
		rec.Duration = reports.Duration(time.Since(start))
		if ctx.Err() != nil && (rec.Verdict == "" || rec.Verdict == reports.Error) {
			// Whatever failed last was the interruption's doing, not the cluster's.
			rec.Verdict, rec.Reason = reports.Error, fmt.Sprintf("interrupted before a verdict (%v): the suite timeout (cnpc run --suite-timeout), the spec timeout or Ctrl-C", context.Cause(ctx))
		}
		if rec.Verdict == "" {
			rec.Verdict, rec.Reason = reports.Error, "the case stopped before a verdict (see the spec's failure)"
		}
		if err := results.Add(rec); err != nil {
			fmt.Fprintf(GinkgoWriter, "%v\n", err)
		}
	}()
	topo := baseTopology(c)
	if len(topo.Externals) > 0 && !suite.ExternalsOK {
		rec.Verdict, rec.Reason = reports.Unsupported, "external hosts unsupported here: "+suite.ExternalsWhy
		Skip(rec.Reason)
	}
	DeferCleanup(func(ctx SpecContext) {
		stopErr := suite.Externals.Stop(ctx, topo.Externals)
		if err := suite.Cluster.DeleteAllPolicies(ctx); err != nil || stopErr != nil {
			Fail(fmt.Sprintf("clean up after case %s: %v %v", c.Name, err, stopErr))
		}
	})

	By("setting up the topology")
	setUp := time.Now()
	real, err := suite.SetUp(ctx, topo)
	if err == nil {
		err = suite.Cluster.EnsurePolicies(ctx, topo.Namespaces, nil)
	}
	if err != nil {
		rec.Verdict, rec.Reason = reports.Error, "set up: "+err.Error()
		Fail(rec.Reason)
	}
	By("checking the case's baseline: no policy, everything connects")
	pred, conv, err := suite.Check(ctx, real, nil)
	if err != nil || !healthy(conv) {
		rec.Verdict, rec.Reason = reports.Error, "cluster not healthy before the case's first step"
		if err != nil {
			Fail(rec.Reason + ": " + err.Error())
		}
		Fail(FailureText(rec.Reason, pred, conv))
	}
	prog.printf("case %d/%d %s: topology and baseline (%d probes, %d polls) in %s\n",
		n, prog.total, c.Name, len(conv.Final.Cells), conv.Polls, time.Since(setUp).Round(time.Millisecond))
	runSteps(ctx, c, n, real, &rec)
}

// runSteps applies and checks every step, recording each, and fails the spec on the first step
// that fails (the later steps build on it).
func runSteps(ctx SpecContext, c *cases.Case, n int, real cases.Topology, rec *reports.Case) {
	states, err := c.States()
	if err != nil {
		rec.Verdict, rec.Reason = reports.Error, "replay the case: "+err.Error()
		Fail(rec.Reason)
	}
	ips := peerIPs(real)
	for i, st := range states {
		By(fmt.Sprintf("step %d/%d: %s", i+1, len(states), st.Name))
		began := time.Now()
		real, policies, err := suite.Apply(ctx, st.Topology, ips, func(ips map[cases.PeerKey]string) ([]networkingv1.NetworkPolicy, error) {
			return boundPolicies(c, i, ips)
		})
		if err != nil {
			rec.Verdict, rec.Reason = reports.Error, fmt.Sprintf("step %d: %v", i+1, err)
			Fail(rec.Reason)
		}
		pred, conv, err := suite.CheckGraded(ctx, real, policies, c.Steps[i].Graded)
		if err != nil {
			rec.Verdict, rec.Reason = reports.Error, fmt.Sprintf("step %d: %v", i+1, err)
			Fail(rec.Reason)
		}
		sr := StepRecord(i, st.Name, policies, pred, conv)
		rec.Steps = append(rec.Steps, sr)
		prog.printf("case %d/%d %s: step %d/%d, %d probes, %d polls, %s to converge, %s in all: %s%s\n",
			n, prog.total, c.Name, i+1, len(states), len(conv.Final.Cells), conv.Polls,
			conv.Time.Round(time.Millisecond), time.Since(began).Round(time.Millisecond), sr.Verdict, flipNote(conv))
		title := fmt.Sprintf("step %d/%d (%s)", i+1, len(states), st.Name)
		fmt.Fprintf(GinkgoWriter, "%s\n", FailureText(title, pred, conv))
		if sr.Verdict == reports.Fail || sr.Verdict == reports.Error {
			rec.Verdict, rec.Reason = sr.Verdict, title+" did not match the prediction"
			Fail(FailureText(rec.Reason, pred, conv))
		}
	}
	rec.Verdict, rec.UnsupportedCells, rec.Reason = GradeCase(rec.Steps)
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
	return fmt.Sprintf(" (%d cells flipped once after matching)", len(conv.Flipped))
}
