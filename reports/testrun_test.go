package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// The synthetic runs under testdata/runs are built here, so what each one is meant to show is
// written down: calico passes everything, through Services too; flannel enforces no policy (every
// deny case fails) and is a run made before Services were probed (no Service cells, no
// options.via); and kindnet, probed through Services too, runs on a kernel without SCTP (so cases
// pass with SCTP cells unsupported, and the one whose only denied cells are SCTP is unsupported),
// rejects instead of dropping, has a flaky cell, a mismatched cell and, in the same case, a
// mismatched Service cell elsewhere, and a case that could not be set up. TestRecordedRuns keeps the files equal to these builders.
// Each carries Run.Synthetic (testSynthetic), so every writer labels it as test data.

var testPeers = []cases.PeerKey{"x/a", "x/b", "y/a"}

var testTargets = []string{"TCP/80", "UDP/80", "SCTP/80"}

// testStep describes one step of a test case: its policies, and the engine's verdict and
// explanation for every cell.
type testStep struct {
	name     string
	policies string
	allowed  func(from, to cases.PeerKey, target string) bool
	explain  func(from, to cases.PeerKey, target string) string
}

type testCase struct {
	name, description, source string
	features                  []cases.Feature
	steps                     []testStep
}

func inX(k cases.PeerKey) bool { return strings.HasPrefix(string(k), "x/") }

func always(cases.PeerKey, cases.PeerKey, string) bool { return true }

func policyYAML(name, spec string) string {
	return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " + name +
		"\n  namespace: x\nspec:\n" + spec
}

func isolatedBy(policy, dir string) func(from, to cases.PeerKey, target string) string {
	return func(from, to cases.PeerKey, target string) string {
		side := to
		if dir == "egress" {
			side = from
		}
		return fmt.Sprintf("%s -> %s %s: denied\n%s: %s is isolated by x/%s, and no %s rule of x/%s matches %s %s",
			from, to, target, dir, side, policy, dir, policy, map[string]cases.PeerKey{"ingress": from, "egress": to}[dir], target)
	}
}

func testCatalog() []testCase {
	return []testCase{
		{name: "allow-all-baseline", description: "With no policy every pod reaches every pod on every port.",
			source:   "kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies",
			features: []cases.Feature{cases.FeatureAllowAll},
			steps:    []testStep{{name: "no policies", allowed: always}}},
		{name: "deny-all-ingress", description: "A policy selecting every pod of x with no ingress rule isolates x for ingress.",
			source: "upstream: should support a 'default-deny-ingress' policy", features: []cases.Feature{cases.FeatureDenyAll, cases.FeatureIngress, cases.FeatureUpstream},
			steps: []testStep{{name: "apply deny-all-ingress",
				policies: policyYAML("deny-all-ingress", "  podSelector: {}\n  policyTypes:\n  - Ingress\n"),
				allowed:  func(_, to cases.PeerKey, _ string) bool { return !inX(to) },
				explain:  isolatedBy("deny-all-ingress", "ingress")}}},
		{name: "allow-ingress-from-namespace-y", description: "Pods of x accept traffic only from namespace y.",
			features: []cases.Feature{cases.FeatureIngress, cases.FeatureNamespaceSelector},
			steps: []testStep{{name: "apply allow-from-y",
				policies: policyYAML("allow-from-y", "  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          ns: y\n"),
				allowed:  func(from, to cases.PeerKey, _ string) bool { return !inX(to) || !inX(from) },
				explain:  isolatedBy("allow-from-y", "ingress")}}},
		{name: "deny-all-egress", description: "A policy with policyTypes [Egress] and no rule isolates x for egress.",
			features: []cases.Feature{cases.FeatureDenyAll, cases.FeatureEgress, cases.FeaturePolicyTypes},
			steps: []testStep{{name: "apply deny-all-egress",
				policies: policyYAML("deny-all-egress", "  podSelector: {}\n  policyTypes:\n  - Egress\n"),
				allowed:  func(from, _ cases.PeerKey, _ string) bool { return !inX(from) },
				explain:  isolatedBy("deny-all-egress", "egress")}}},
		{name: "allow-tcp-80-only", description: "Pods of x accept only TCP/80.",
			features: []cases.Feature{cases.FeatureIngress, cases.FeatureNumericPort, cases.FeatureTCP, cases.FeatureUDP},
			steps: []testStep{{name: "apply allow-tcp-80",
				policies: policyYAML("allow-tcp-80", "  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: TCP\n      port: 80\n"),
				allowed:  func(_, to cases.PeerKey, tg string) bool { return !inX(to) || tg == "TCP/80" },
				explain:  isolatedBy("allow-tcp-80", "ingress")}}},
		{name: "allow-sctp-80-only", description: "Pods of x accept only SCTP/80.",
			features: []cases.Feature{cases.FeatureIngress, cases.FeatureNumericPort, cases.FeatureSCTP},
			steps: []testStep{{name: "apply allow-sctp-80",
				policies: policyYAML("allow-sctp-80", "  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: SCTP\n      port: 80\n"),
				allowed:  func(_, to cases.PeerKey, tg string) bool { return !inX(to) || tg == "SCTP/80" },
				explain:  isolatedBy("allow-sctp-80", "ingress")}}},
		{name: "allow-tcp-udp-only", description: "Pods of x accept TCP and UDP on every port, so only SCTP is denied.",
			features: []cases.Feature{cases.FeatureIngress, cases.FeatureProtocolOnly, cases.FeatureSCTP},
			steps: []testStep{{name: "apply allow-tcp-udp",
				policies: policyYAML("allow-tcp-udp", "  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: TCP\n    - protocol: UDP\n"),
				allowed:  func(_, to cases.PeerKey, tg string) bool { return !inX(to) || tg != "SCTP/80" },
				explain:  isolatedBy("allow-tcp-udp", "ingress")}}},
		{name: "pod-label-change", description: "Relabelling x/b out of the allowed selector cuts it off.",
			features: []cases.Feature{cases.FeaturePodSelector, cases.FeatureLabelChange, cases.FeatureIngress},
			steps: []testStep{
				{name: "allow from pod=b",
					policies: policyYAML("allow-from-b", "  podSelector:\n    matchLabels:\n      pod: a\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          pod: b\n"),
					allowed:  func(from, to cases.PeerKey, _ string) bool { return to != "x/a" || from == "x/b" },
					explain:  isolatedBy("allow-from-b", "ingress")},
				{name: "relabel x/b pod=z",
					policies: policyYAML("allow-from-b", "  podSelector:\n    matchLabels:\n      pod: a\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          pod: b\n"),
					allowed:  func(_, to cases.PeerKey, _ string) bool { return to != "x/a" },
					explain:  isolatedBy("allow-from-b", "ingress")},
			}},
		{name: "ipblock-external", description: "Egress to an external host through an ipBlock.",
			features: []cases.Feature{cases.FeatureEgress, cases.FeatureIPBlock, cases.FeatureExternal}},
	}
}

// observer decides what a CNI observed for one cell; via is the cell's Via.
type observer func(c testCase, step int, from, to cases.PeerKey, target, via string, allowed bool) (Class, []cases.Outcome)

// calicoObserve: everything matches, through Services too; denied connections time out.
func calicoObserve(_ testCase, _ int, _, _ cases.PeerKey, _, _ string, allowed bool) (Class, []cases.Outcome) {
	if allowed {
		return Match, []cases.Outcome{cases.Connected}
	}
	return Match, []cases.Outcome{cases.Timeout}
}

// flannelObserve: no policy is enforced, so every connection succeeds.
func flannelObserve(_ testCase, _ int, _, _ cases.PeerKey, _, _ string, allowed bool) (Class, []cases.Outcome) {
	if allowed {
		return Match, []cases.Outcome{cases.Connected}
	}
	return Mismatch, []cases.Outcome{cases.Connected, cases.Connected, cases.Connected}
}

// kindnetObserve: no SCTP on the kernel, rejects instead of drops, one flaky cell, one mismatched
// cell (UDP let through where only TCP is allowed) and, in the same case, one mismatched Service
// cell that differs from it (x/b reaches x/a's Service on UDP, though not x/a itself).
func kindnetObserve(c testCase, _ int, from, to cases.PeerKey, target, via string, allowed bool) (Class, []cases.Outcome) {
	switch {
	case target == "SCTP/80":
		return ClassUnsupported, []cases.Outcome{cases.Unsupported}
	case c.name == "deny-all-egress" && from == "x/b" && to == "y/a" && target == "UDP/80" && via == "":
		return ClassFlaky, []cases.Outcome{cases.Refused, cases.Connected, cases.Refused}
	case c.name == "allow-tcp-80-only" && from == "y/a" && to == "x/a" && target == "UDP/80" && via == "",
		c.name == "allow-tcp-80-only" && from == "x/b" && to == "x/a" && target == "UDP/80" && via == ViaService:
		return Mismatch, []cases.Outcome{cases.Connected, cases.Connected, cases.Connected}
	case allowed:
		return Match, []cases.Outcome{cases.Connected}
	}
	return Match, []cases.Outcome{cases.Refused}
}

// testServiceIPs are the ClusterIPs of the test pods' Services.
var testServiceIPs = map[cases.PeerKey]string{"x/a": "10.96.0.10", "x/b": "10.96.0.11", "y/a": "10.96.0.12"}

// buildStep records one step: every cell to the peers' IPs, then, in a run via ViaBoth, every
// cell through the pods' Services (all test peers are pods).
func buildStep(tc testCase, i int, ts testStep, observe observer, via string) Step {
	s := Step{Index: i, Name: ts.name, Policies: ts.policies, Peers: testPeers, Targets: testTargets,
		ConvergeTime: Duration(time.Duration(1200+300*i) * time.Millisecond), Polls: 2, Verdict: Pass}
	vias := []string{""}
	if via == ViaBoth {
		vias, s.ServiceIPs = append(vias, ViaService), testServiceIPs
	}
	for _, v := range vias {
		for _, tg := range testTargets {
			for _, from := range testPeers {
				for _, to := range testPeers {
					s.Cells = append(s.Cells, buildCell(tc, i, ts, observe, from, to, tg, v))
				}
			}
		}
	}
	s.Verdict = stepVerdict(s.Cells)
	if s.Verdict != Pass {
		s.ConvergeTime, s.Polls = Duration(30*time.Second), 15
	}
	return s
}

func buildCell(tc testCase, i int, ts testStep, observe observer, from, to cases.PeerKey, tg, via string) Cell {
	proto, port, _ := strings.Cut(tg, "/")
	allowed := ts.allowed(from, to, tg)
	class, attempts := observe(tc, i, from, to, tg, via, allowed)
	c := Cell{From: from, To: to, Via: via, Port: map[string]int32{"80": 80}[port], Protocol: proto,
		Predicted: engine.Denied, Observed: attempts[len(attempts)-1], Attempts: attempts, Class: class}
	if allowed {
		c.Predicted = engine.Allowed
	}
	if class == Mismatch && ts.explain != nil {
		c.Explanation = ts.explain(from, to, tg)
	}
	if class == ClassFlaky {
		c.Detail = "attempt 2 connected after 3ms; attempts 1 and 3: ICMP port unreachable"
	}
	return c
}

// stepVerdict: a mismatch, flaky cell or error fails the step; a step whose every conclusive cell
// matched passes even if some cells were unsupported.
func stepVerdict(cells []Cell) Verdict {
	v := Pass
	supported := 0
	for _, c := range cells {
		switch c.Class {
		case Mismatch, ClassFlaky:
			v = Fail
		case ClassError:
			return Error
		}
		if c.Class != ClassUnsupported {
			supported++
		}
	}
	if supported == 0 {
		return Unsupported
	}
	return v
}

// buildRun records a run of the test catalog against one CNI.
// override replaces the verdict the steps would give a case: an error leaves no steps (the case
// could not be set up), unsupported keeps them (the suite still probed what it could).
type override struct {
	verdict Verdict
	reason  string
}

// testSynthetic marks every run built here: none of them came from a cluster.
const testSynthetic = "made up by reports/testrun_test.go for the golden tests; no cluster was run"

// via is the run's Options.Via: "" for a run made before Services were probed, ViaBoth to probe
// through them too.
func buildRun(cni CNI, kernel, via string, unsupported []string, observe observer, overrides map[string]override) *Run {
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	r := &Run{SchemaVersion: SchemaVersion, Synthetic: testSynthetic, Tool: Tool{Version: "v0.1.0", Commit: "27e9f21"}, CNI: cni,
		Cluster: Cluster{KubernetesVersion: "v1.35.0", KindVersion: "v0.33.0", Nodes: 3, IPFamily: "ipv4", Kernel: kernel},
		Start:   start, Options: Options{ConvergeTimeout: Duration(30 * time.Second), ProbeTimeout: Duration(time.Second), Attempts: 3,
			Cases: []string{"catalog"}, Via: via},
		Unsupported: unsupported}
	elapsed := time.Duration(0)
	for _, tc := range testCatalog() {
		c := Case{Name: tc.name, Description: tc.description, Source: tc.source, Features: tc.features, Verdict: Pass}
		switch {
		case len(tc.steps) == 0:
			c.Verdict, c.Reason = Skipped, "needs an external host: run with --externals"
		case overrides[tc.name].verdict == Error:
			c.Verdict, c.Reason, c.Duration = Error, overrides[tc.name].reason, Duration(45*time.Second)
		default:
			c.Verdict, c.Duration = buildSteps(&c, tc, observe, via)
			if o, ok := overrides[tc.name]; ok {
				c.Verdict, c.Reason = o.verdict, o.reason
			}
		}
		elapsed += time.Duration(c.Duration)
		r.Cases = append(r.Cases, c)
	}
	r.End = start.Add(elapsed + 20*time.Second)
	return r
}

func buildSteps(c *Case, tc testCase, observe observer, via string) (Verdict, Duration) {
	v, d := Pass, time.Duration(0)
	judged := false
	for i, ts := range tc.steps {
		s := buildStep(tc, i, ts, observe, via)
		c.Steps = append(c.Steps, s)
		d += time.Duration(s.ConvergeTime) + 800*time.Millisecond
		switch s.Verdict {
		case Fail:
			v = Fail
		case Pass:
			judged = true
		}
	}
	if v == Pass && !judged {
		v = Unsupported
	}
	if v == Pass {
		v = gradeUnsupported(c)
	}
	return v, Duration(d)
}

// gradeUnsupported grades a case whose probed cells all matched as the suite does: the deciding
// cells are the denied ones (every cell when none is denied); unsupported when none of them was
// probed, else a pass that counts its unsupported cells per protocol.
func gradeUnsupported(c *Case) Verdict {
	denied, probedDenied, probed, unsupported := false, false, false, map[string]int{}
	for _, s := range c.Steps {
		for _, cell := range s.Cells {
			denied = denied || cell.Predicted == engine.Denied
			if cell.Class == ClassUnsupported {
				unsupported[cell.Protocol]++
				continue
			}
			probed = true
			probedDenied = probedDenied || cell.Predicted == engine.Denied
		}
	}
	if len(unsupported) == 0 {
		return Pass
	}
	if denied && !probedDenied || !denied && !probed {
		c.Reason = "every deciding cell is unsupported here (SCTP); the other cells matched"
		return Unsupported
	}
	c.UnsupportedCells = unsupported
	return Pass
}

func calicoRun() *Run {
	return buildRun(CNI{Name: "calico", Version: "v3.30.2"}, "6.8.0-48-generic", ViaBoth, nil, calicoObserve, nil)
}

func flannelRun() *Run {
	return buildRun(CNI{Name: "flannel", Version: "v0.27.4"}, "6.8.0-48-generic", "", nil, flannelObserve, nil)
}

func kindnetRun() *Run {
	return buildRun(CNI{Name: "kindnet", Version: "v1.8.5"}, "6.1.0-27-cloud-amd64", ViaBoth, []string{"sctp: kernel has no SCTP (modprobe sctp failed on every node)"},
		kindnetObserve, map[string]override{
			"pod-label-change": {Error, "setup: set labels of x/b: timed out after 30s waiting for the pod to be ready"},
		})
}

// recordedRuns are the recorded runs by file name under testdata/runs.
func recordedRuns() map[string]*Run {
	return map[string]*Run{"calico.json": calicoRun(), "flannel.json": flannelRun(), "kindnet.json": kindnetRun()}
}
