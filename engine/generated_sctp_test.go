package engine

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// TestGeneratedSCTPTag checks the generator's sctp tag against the engine (cases/README.md,
// "sctp"): a generated case is tagged sctp when, in some step, an SCTP cell decides something of
// its own: its prediction changes when the policies' SCTP port entries are taken out, or it
// differs from both the TCP and the UDP cell of the same pair and port. A rule without ports makes
// SCTP cells read like the TCP ones, so it must not tag the case.
//
// The generator derives the tag from the policies alone (cases may not import the engine): a
// port entry naming SCTP. That is exact for every generated case but the ones in sctpVacuous,
// whose SCTP rule admits no connection at all; the test pins that list, so any other
// disagreement, either way, fails.
func TestGeneratedSCTPTag(t *testing.T) {
	t.Parallel()
	tagged := 0
	for _, c := range cases.Generated() {
		decides, err := sctpDecides(c)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		has := slices.Contains(c.Features, cases.FeatureSCTP)
		if has {
			tagged++
		}
		if want := decides || sctpVacuous[c.Name]; has != want {
			t.Errorf("%s: an SCTP cell decides something of its own: %v (known vacuous: %v), tagged sctp: %v", c.Name, decides, sctpVacuous[c.Name], has)
		}
		if decides && sctpVacuous[c.Name] {
			t.Errorf("%s is listed as vacuous for SCTP, but an SCTP cell decides something: take it off the list", c.Name)
		}
	}
	if tagged == 0 {
		t.Error("no generated case is tagged sctp: the generator lost its SCTP coverage")
	}
}

// sctpVacuous are the generated cases whose rules name SCTP (so the generator tags them sctp) but
// whose SCTP rule admits nothing: gen-both-ab-pod-sctp-81 selects x/a and x/b for ingress and
// egress with one rule, peers pod=b, port SCTP/81 in both directions. x/b -> x/a is admitted into
// x/a but x/b may send only to pod=b; x/a -> x/b leaves x/a but x/b admits only pod=b; so every
// SCTP/81 cell reads like its TCP/81 cell (denied, or a pod's traffic to itself).
var sctpVacuous = map[string]bool{"gen-both-ab-pod-sctp-81": true}

func sctpDecides(c *cases.Case) (bool, error) {
	states, err := c.States()
	if err != nil {
		return false, err
	}
	for _, st := range states {
		p, err := Predict(st.Topology, st.Policies)
		if err != nil {
			return false, err
		}
		q, err := Predict(st.Topology, withoutSCTPPorts(st.Policies))
		if err != nil {
			return false, err
		}
		for _, r := range p.Results() {
			if r.Target.Protocol != corev1.ProtocolSCTP {
				continue
			}
			if qr, err := q.Result(r.From, r.To, r.Target); err != nil || qr.Verdict != r.Verdict {
				return true, err
			}
			tcp, errT := p.Result(r.From, r.To, Target{Protocol: corev1.ProtocolTCP, Port: r.Target.Port})
			udp, errU := p.Result(r.From, r.To, Target{Protocol: corev1.ProtocolUDP, Port: r.Target.Port})
			if errT == nil && errU == nil && tcp.Verdict != r.Verdict && udp.Verdict != r.Verdict {
				return true, nil
			}
		}
	}
	return false, nil
}

// withoutSCTPPorts returns copies of the policies with every port entry naming SCTP removed; a rule
// whose every port named SCTP admitted only SCTP, so it is removed whole (an empty ports list would
// admit every port).
func withoutSCTPPorts(in []networkingv1.NetworkPolicy) []networkingv1.NetworkPolicy {
	keep := func(ports []networkingv1.NetworkPolicyPort) ([]networkingv1.NetworkPolicyPort, bool) {
		if len(ports) == 0 {
			return nil, true
		}
		var out []networkingv1.NetworkPolicyPort
		for _, p := range ports {
			if p.Protocol == nil || *p.Protocol != corev1.ProtocolSCTP {
				out = append(out, p)
			}
		}
		return out, len(out) > 0
	}
	out := make([]networkingv1.NetworkPolicy, len(in))
	for i := range in {
		in[i].DeepCopyInto(&out[i])
		spec := &out[i].Spec
		ingress := []networkingv1.NetworkPolicyIngressRule{}
		for _, r := range spec.Ingress {
			if ports, ok := keep(r.Ports); ok {
				r.Ports = ports
				ingress = append(ingress, r)
			}
		}
		egress := []networkingv1.NetworkPolicyEgressRule{}
		for _, r := range spec.Egress {
			if ports, ok := keep(r.Ports); ok {
				r.Ports = ports
				egress = append(egress, r)
			}
		}
		spec.Ingress, spec.Egress = ingress, egress
	}
	return out
}
