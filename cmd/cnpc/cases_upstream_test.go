package main

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// Upstream parity: the expectations of kubernetes test/e2e/network/netpol/network_policy.go, written
// as its tests state them (everything reachable, then ExpectPeer, ExpectAllIngress, ExpectAllEgress
// and Expect overrides), for the pods, port and protocol each test probes, ignoring loopback as
// upstream does. The engine's prediction for the matching catalog/upstream case must agree on every
// one of those cells. This checks the translation of each upstream test into our format; the full
// standard-topology tables of those cases still come from the engine alone.

// upOp is one of upstream's Reachability calls: upPeer is ExpectPeer ("" matches every namespace
// or pod), upIn is ExpectAllIngress, upOut is ExpectAllEgress and upOne is Expect. Later calls
// override earlier ones, as upstream's do.
type upOp struct {
	kind                 string // peer, in, out, one
	fns, fpod, tns, tpod string
	val                  bool
}

func upPeer(fns, fpod, tns, tpod string, v bool) upOp { return upOp{"peer", fns, fpod, tns, tpod, v} }
func upIn(p string, v bool) upOp {
	ns, n, _ := strings.Cut(p, "/")
	return upOp{kind: "in", tns: ns, tpod: n, val: v}
}
func upOut(p string, v bool) upOp {
	ns, n, _ := strings.Cut(p, "/")
	return upOp{kind: "out", fns: ns, fpod: n, val: v}
}
func upOne(f, t string, v bool) upOp {
	a, b, _ := strings.Cut(f, "/")
	c, d, _ := strings.Cut(t, "/")
	return upOp{"one", a, b, c, d, v}
}

type upCheck struct {
	step  int
	port  int32
	proto corev1.Protocol
	ops   []upOp
}

type upTest struct {
	name   string
	pods   []string
	checks []upCheck
}

const upT, upU, upS = corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP

func upC(step int, port int32, p corev1.Protocol, ops ...upOp) upCheck {
	return upCheck{step, port, p, ops}
}
func upPods(s string) []string { return strings.Fields(s) }

func upMatch(ns, pod, wantNS, wantPod string) bool {
	return (wantNS == "" || ns == wantNS) && (wantPod == "" || pod == wantPod)
}

func upExpect(t upTest, ch upCheck) map[[2]string]bool {
	m := map[[2]string]bool{}
	for _, f := range t.pods {
		for _, d := range t.pods {
			m[[2]string{f, d}] = true
		}
	}
	for _, o := range ch.ops {
		for k := range m {
			fns, fpod, _ := strings.Cut(k[0], "/")
			tns, tpod, _ := strings.Cut(k[1], "/")
			var hit bool
			switch o.kind {
			case "peer", "one":
				hit = upMatch(fns, fpod, o.fns, o.fpod) && upMatch(tns, tpod, o.tns, o.tpod)
			case "in":
				hit = tns == o.tns && tpod == o.tpod
			case "out":
				hit = fns == o.fns && fpod == o.fpod
			}
			if hit {
				m[k] = o.val
			}
		}
	}
	return m
}

func TestUpstreamParity(t *testing.T) {
	t.Parallel()
	catalog, err := cases.Catalog()
	if err != nil {
		t.Fatalf("Catalog(): %v", err)
	}
	byName := map[string]*cases.Case{}
	for _, c := range catalog {
		byName[c.Name] = c
	}
	if len(upstreamExpectations) != 48 {
		t.Fatalf("%d upstream tests encoded, want 48", len(upstreamExpectations))
	}
	for _, ut := range upstreamExpectations {
		t.Run(ut.name, func(t *testing.T) {
			c := byName["upstream-"+ut.name]
			if c == nil {
				t.Fatalf("no catalog case upstream-%s", ut.name)
			}
			states, err := c.States()
			if err != nil {
				t.Fatalf("states: %v", err)
			}
			for _, ch := range ut.checks {
				checkUpstream(t, ut, ch, states[ch.step])
			}
		})
	}
}

func checkUpstream(t *testing.T, ut upTest, ch upCheck, st cases.State) {
	t.Helper()
	p, err := engine.Predict(st.Topology, st.Policies)
	if err != nil {
		t.Fatalf("step %d: predict: %v", ch.step, err)
	}
	target := engine.Target{Protocol: ch.proto, Port: ch.port}
	for k, want := range upExpect(ut, ch) {
		if k[0] == k[1] {
			continue // upstream ignores loopback (kubernetes issue 95879)
		}
		r, err := p.Result(cases.PeerKey(k[0]), cases.PeerKey(k[1]), target)
		if err != nil {
			t.Fatalf("step %d: %v", ch.step, err)
		}
		if r.Verdict.IsAllowed() != want {
			t.Errorf("step %d %s %s -> %s: engine says %s, upstream expects allowed=%v", ch.step, target, k[0], k[1], r.Verdict, want)
		}
	}
}

var upstreamExpectations = []upTest{
	{"default-deny-ingress", upPods("x/a x/b y/a y/b"), []upCheck{upC(0, 80, upT, upPeer("", "", "x", "", false))}},
	{"default-deny-all", upPods("x/a x/b y/a"), []upCheck{upC(0, 80, upT, upPeer("", "", "x", "", false), upPeer("x", "", "", "", false))}},
	{"allow-from-pod-selector", upPods("x/a x/b x/c y/a"), []upCheck{upC(0, 80, upT, upIn("x/a", false), upOne("x/b", "x/a", true))}},
	{"allow-ingress-for-target", upPods("x/a x/b y/a"), []upCheck{upC(0, 80, upT, upIn("x/a", true), upIn("x/b", false))}},
	{"allow-from-all-namespaces", upPods("x/a x/b y/a z/a"), []upCheck{upC(0, 80, upT)}},
	{"allow-from-namespace-selector", upPods("x/a x/b y/a z/a"), []upCheck{upC(0, 80, upT, upPeer("x", "", "x", "a", false), upPeer("z", "", "x", "a", false))}},
	{"pod-selector-match-expressions", upPods("x/a x/b y/a"), []upCheck{upC(0, 80, upT, upIn("x/a", false), upOne("x/b", "x/a", true))}},
	{"namespace-selector-match-expressions", upPods("x/a x/b y/a z/a"), []upCheck{upC(0, 80, upT, upPeer("x", "", "x", "a", false), upPeer("z", "", "x", "a", false))}},
	{"pod-or-namespace-selector", upPods("x/a x/b x/c y/a"), []upCheck{upC(0, 80, upT, upOne("x/a", "x/a", false), upOne("x/c", "x/a", false))}},
	{"pod-and-namespace-selector", upPods("x/a x/b y/a y/b z/b"), []upCheck{upC(0, 80, upT, upIn("x/a", false), upOne("y/b", "x/a", true), upOne("z/b", "x/a", true))}},
	{"multiple-pod-and-namespace-selectors", upPods("x/a x/b y/a y/b y/c"), []upCheck{upC(0, 80, upT, upPeer("x", "", "x", "a", false), upOne("y/a", "x/a", false))}},
	{"any-pod-selectors", upPods("x/a x/b x/c"), []upCheck{upC(0, 80, upT, upIn("x/a", false), upOne("x/b", "x/a", true), upOne("x/c", "x/a", true))}},
	{"pod-in-other-namespace", upPods("x/a x/b y/a y/b z/a"), []upCheck{upC(0, 80, upT, upIn("x/a", false), upOne("y/a", "x/a", true))}},
	{"ports", upPods("x/a x/b y/a y/b z/a"), []upCheck{upC(0, 81, upT, upPeer("x", "", "x", "a", false), upPeer("y", "", "x", "a", true), upPeer("z", "", "x", "a", false))}},
	{"stacked-policies", upPods("x/a x/b y/a y/b z/a"), []upCheck{
		upC(0, 81, upT, upPeer("x", "", "x", "a", false), upPeer("y", "", "x", "a", true), upPeer("z", "", "x", "a", false)),
		upC(0, 80, upT, upIn("x/a", false)),
		upC(1, 80, upT, upPeer("x", "", "x", "a", false), upPeer("y", "", "x", "a", true), upPeer("z", "", "x", "a", false))}},
	{"allow-all", upPods("x/a x/b y/a"), []upCheck{upC(0, 80, upT), upC(0, 81, upT)}},
	{"ingress-named-port", upPods("x/a x/b y/a"), []upCheck{upC(0, 81, upT), upC(0, 80, upT, upPeer("", "", "x", "", false))}},
	{"ingress-namespace-named-port", upPods("x/a x/b y/a z/a"), []upCheck{
		upC(0, 80, upT, upPeer("x", "", "x", "a", false), upPeer("z", "", "x", "a", false)), upC(0, 81, upT, upIn("x/a", false))}},
	{"egress-named-port", upPods("x/a y/a"), []upCheck{upC(0, 80, upT), upC(0, 81, upT, upPeer("x", "", "", "", false))}},
	{"updated-policy", upPods("x/a y/a"), []upCheck{upC(0, 81, upT), upC(1, 81, upT, upPeer("", "", "x", "", false))}},
	{"updated-namespace", upPods("x/a y/a"), []upCheck{upC(0, 80, upT, upIn("x/a", false)), upC(1, 80, upT, upIn("x/a", false), upPeer("y", "", "", "", true))}},
	{"updated-pod", upPods("x/a x/b"), []upCheck{upC(0, 80, upT, upIn("x/a", false)), upC(1, 80, upT, upIn("x/a", false), upOne("x/b", "x/a", true))}},
	{"deny-other-namespaces", upPods("x/a x/b y/a z/a"), []upCheck{upC(0, 80, upT, upPeer("y", "", "x", "", false), upPeer("z", "", "x", "", false))}},
	{"deny-updated-pod", upPods("x/a y/a"), []upCheck{upC(0, 80, upT), upC(1, 80, upT, upIn("x/a", false))}},
	{"deny-egress-pod-selector", upPods("x/a x/b y/a"), []upCheck{upC(0, 80, upT, upOut("x/a", false))}},
	{"deny-egress-namespace", upPods("x/a x/b y/a"), []upCheck{upC(0, 80, upT, upPeer("x", "", "", "", false))}},
	{"ingress-egress-together", upPods("x/a x/b x/c y/a"), []upCheck{
		upC(0, 80, upT, upIn("x/a", false), upOne("x/b", "x/a", true)),
		upC(0, 81, upT, upIn("x/a", false), upOut("x/a", false), upOne("x/b", "x/a", true))}},
	{"client-side-egress-deny", upPods("x/a y/a y/b"), []upCheck{upC(0, 80, upT, upPeer("x", "a", "", "", false), upPeer("", "", "y", "a", false), upPeer("x", "a", "y", "a", true), upPeer("", "", "y", "b", false))}},
	{"egress-pod-in-other-namespace", upPods("x/a y/a y/b"), []upCheck{upC(0, 80, upT, upOut("x/a", false), upOne("x/a", "y/a", true))}},
	{"ingress-protocol-only", upPods("x/a y/a"), []upCheck{upC(0, 80, upT), upC(0, 80, upU, upPeer("", "", "x", "a", false))}},
	{"ingress-allow-all-precedence", upPods("x/a y/a"), []upCheck{upC(0, 81, upT, upPeer("", "", "x", "", false)), upC(1, 81, upT)}},
	{"egress-allow-all-precedence", upPods("x/a y/a"), []upCheck{upC(0, 81, upT, upPeer("x", "", "", "", false)), upC(1, 81, upT)}},
	{"delete-policies", upPods("x/a y/a"), []upCheck{upC(0, 80, upT, upPeer("x", "", "", "", false), upPeer("", "", "x", "", false)), upC(1, 80, upT)}},
	{"egress-cidr", upPods("x/a y/a y/b"), []upCheck{upC(0, 80, upT, upOut("x/a", false), upOne("x/a", "y/b", true))}},
	{"egress-cidr-except", upPods("x/a x/b x/c"), []upCheck{upC(0, 80, upT, upOne("x/a", "x/b", false))}},
	{"cidr-except-overlap", upPods("x/a x/b x/c"), []upCheck{upC(0, 80, upT, upOne("x/a", "x/b", false)), upC(1, 80, upT, upOut("x/a", false), upOne("x/a", "x/b", true))}},
	{"ingress-egress-independent", upPods("x/a x/b y/a"), []upCheck{upC(0, 80, upT), upC(1, 80, upT, upIn("x/a", false))}},
	{"sctp-not-tcp", upPods("x/a y/a"), []upCheck{upC(0, 81, upT, upPeer("", "", "x", "", false))}},
	{"sctp-isolates", upPods("x/a y/a"), []upCheck{upC(0, 81, upT, upIn("x/a", false))}},
	{"udp-not-tcp", upPods("x/a y/a"), []upCheck{upC(0, 81, upT, upIn("x/a", false))}},
	{"default-ns-label-match-labels", upPods("x/a x/b y/a z/a"), []upCheck{upC(0, 80, upT, upPeer("x", "", "x", "a", false), upPeer("z", "", "x", "a", false))}},
	{"default-ns-label-match-expressions", upPods("x/a x/b y/a z/a"), []upCheck{upC(0, 80, upT, upPeer("x", "a", "y", "", false))}},
	{"udp-default-deny-ingress", upPods("x/a x/b y/a y/b"), []upCheck{upC(0, 80, upU, upPeer("", "", "x", "", false))}},
	{"udp-ports", upPods("x/a x/b y/a z/a"), []upCheck{upC(0, 81, upU, upPeer("x", "", "x", "a", false), upPeer("z", "", "x", "a", false))}},
	{"udp-pod-in-other-namespace", upPods("x/a x/b y/a"), []upCheck{upC(0, 80, upU, upIn("x/a", false), upOne("y/a", "x/a", true))}},
	{"sctp-default-deny-ingress", upPods("x/a x/b y/a y/b"), []upCheck{upC(0, 80, upS, upPeer("", "", "x", "", false))}},
	{"sctp-ports", upPods("x/a x/b y/a z/a"), []upCheck{upC(0, 81, upS, upPeer("x", "", "x", "a", false), upPeer("z", "", "x", "a", false))}},
	{"sctp-pod-in-other-namespace", upPods("x/a x/b y/a"), []upCheck{upC(0, 80, upS, upIn("x/a", false), upOne("y/a", "x/a", true))}},
}
