package engine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/cnpc-dev/cnpc/cases"
)

// serviceTopology is smallTopology with x/a also serving TCP/81 unnamed, and the Services of both
// pods: ClusterIPs 10.96.0.10 (x/a) and 10.96.0.11 (y/b).
func serviceTopology() (cases.Topology, []cases.Service) {
	topo := smallTopology()
	topo.Pods[0].Ports = append(topo.Pods[0].Ports, cases.Port{Port: 81, Protocol: corev1.ProtocolTCP})
	svcs := cases.PodServices(topo)
	svcs[0].IP, svcs[1].IP = "10.96.0.10", "10.96.0.11"
	return topo, svcs
}

func mustServices(t *testing.T, topo cases.Topology, svcs []cases.Service, policies ...networkingv1.NetworkPolicy) *ServicePrediction {
	t.Helper()
	p, err := Predict(topo, policies)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := p.Services(svcs)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func TestPodServicesMirrorThePorts(t *testing.T) {
	t.Parallel()
	topo, _ := serviceTopology()
	got := cases.PodServices(topo)[0]
	want := cases.Service{Namespace: "x", Name: "a", Pod: "a", Ports: []cases.ServicePort{
		{Name: "web", Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("web")},
		{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromString("dns")},
		{Name: "tcp-81", Port: 81, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(81)},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PodServices (-want +got):\n%s", diff)
	}
}

// Without policies every connection through a Service is allowed, and only a pod reaching itself
// (hairpin) rests on something the API leaves open.
func TestServicesWithoutPolicies(t *testing.T) {
	t.Parallel()
	topo, svcs := serviceTopology()
	sp := mustServices(t, topo, svcs)
	if got, want := sp.Peers(), []cases.PeerKey{"x/a", "y/b"}; !cmp.Equal(got, want) {
		t.Errorf("Peers = %v, want %v (pods only: externals have no Service)", got, want)
	}
	var targets []string
	for _, tg := range sp.Targets() {
		targets = append(targets, tg.String())
	}
	if got, want := strings.Join(targets, " "), "UDP/53 TCP/80 TCP/81"; got != want {
		t.Errorf("Targets = %s, want %s", got, want)
	}
	results := sp.Results()
	if len(results) != 2*3+2*2 {
		t.Fatalf("%d results, want 10 (x/a has 3 Service ports, y/b 2, from each of 2 pods)", len(results))
	}
	for _, r := range results {
		if !r.Verdict.IsAllowed() {
			t.Errorf("%s -> %s %s: %s, want allowed", r.From, r.To, r.Target, r.Verdict)
		}
		v, err := sp.Provenance(r.From, r.To, r.Target)
		if err != nil {
			t.Fatal(err)
		}
		want := Definite
		if r.From == r.To {
			want = SelfTraffic
		}
		if v != want {
			t.Errorf("%s -> %s %s: provenance %q, want %q", r.From, r.To, r.Target, v, want)
		}
	}
	if _, err := sp.Result("y/b", "y/b", Target{Protocol: corev1.ProtocolTCP, Port: 81}); err == nil {
		t.Error("Result for a port y/b's Service does not have: no error")
	}
	if _, err := sp.Result("ext", "x/a", Target{Protocol: corev1.ProtocolTCP, Port: 80}); err == nil {
		t.Error("Result from an external host: no error (externals do not probe Services)")
	}
}

// A Service port reaches the backend's target its targetPort names, and policies match that
// target, not the Service port.
func TestServiceTargetPorts(t *testing.T) {
	t.Parallel()
	topo, _ := serviceTopology()
	svcs := []cases.Service{{Namespace: "x", Name: "front", Pod: "a", IP: "10.96.0.20", Ports: []cases.ServicePort{
		{Name: "by-name", Port: 8080, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("web")},
		{Name: "by-number", Port: 9000, TargetPort: intstr.FromInt32(81)},
		{Name: "same", Port: 80, Protocol: corev1.ProtocolTCP},
	}}}
	tcp := corev1.ProtocolTCP
	port80 := intstr.FromInt32(80)
	onlyWeb := newPolicy("x", "only-80", networkingv1.NetworkPolicySpec{
		Ingress: []networkingv1.NetworkPolicyIngressRule{{Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &port80}}}},
	})
	sp := mustServices(t, topo, svcs, onlyWeb)
	for _, c := range []struct {
		port int32
		want Verdict
	}{{8080, Allowed}, {9000, Denied}, {80, Allowed}} {
		r, err := sp.Result("y/b", "x/a", Target{Protocol: tcp, Port: c.port})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != c.want {
			t.Errorf("y/b -> Service x/front TCP/%d: %s, want %s", c.port, r.Verdict, c.want)
		}
	}
	e, err := sp.Explain("y/b", "x/a", Target{Protocol: tcp, Port: 8080})
	if err != nil {
		t.Fatal(err)
	}
	if s := e.String(); !strings.Contains(s, "through Service x/front (10.96.0.20) port TCP/8080 to its backend's TCP/80") {
		t.Errorf("explanation does not name the hop:\n%s", s)
	}
}

func TestServicesErrors(t *testing.T) {
	t.Parallel()
	topo, svcs := serviceTopology()
	p, err := Predict(topo, nil)
	if err != nil {
		t.Fatal(err)
	}
	bad := []cases.Service{
		{Namespace: "x", Name: "gone", Pod: "zz"},
		svcs[0],
		{Namespace: "x", Name: "again", Pod: "a"},
		{Namespace: "y", Name: "b", Pod: "b", IP: "10.96.0.300", Ports: []cases.ServicePort{
			{Port: 53, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("dns")},
			{Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("nope")},
			{Port: 82, Protocol: corev1.ProtocolTCP},
			{Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("web")},
			{Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("web")},
		}},
	}
	_, err = p.Services(bad)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"services[0] x/gone: backend pod x/zz is not in the topology",
		"services[2] x/again: pod x/a is already the backend of x/a",
		`services[3] y/b: ip: found "10.96.0.300"`,
		`services[3] y/b: ports[0] (TCP/53): targetPort "dns" names no TCP container port of y/b`,
		`services[3] y/b: ports[1] (TCP/80): targetPort "nope" names no TCP container port of y/b`,
		"services[3] y/b: ports[2] (TCP/82): targetPort TCP/82 is not served by y/b",
		"services[3] y/b: ports[4]: TCP/80 listed twice",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
}

// An egress ipBlock decides differently when the plugin matches it against the ClusterIP the
// source dialled: those cells are implementation-defined, every other stays definite.
func TestServiceIPInIPBlock(t *testing.T) {
	t.Parallel()
	topo, svcs := serviceTopology()
	tcp80 := Target{Protocol: corev1.ProtocolTCP, Port: 80}
	egress := func(name string, to ...networkingv1.NetworkPolicyPeer) networkingv1.NetworkPolicy {
		return newPolicy("x", name, networkingv1.NetworkPolicySpec{
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress:      []networkingv1.NetworkPolicyEgressRule{{To: to}},
		})
	}
	block := func(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
		return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
	}
	toY := networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"ns": "y"}}}
	tests := []struct {
		name    string
		policy  networkingv1.NetworkPolicy
		verdict Verdict
		want    Provenance
	}{
		{"service CIDR only: the pod IP is outside, the ClusterIP inside", egress("svc-cidr", block("10.96.0.0/12")), Denied, ServiceIPInIPBlock},
		{"everything but the pod CIDR", egress("not-pods", block("0.0.0.0/0", "10.0.0.0/16")), Denied, ServiceIPInIPBlock},
		{"the backend's /32: allowed through its pod IP only", egress("pod-32", block("10.0.1.2/32")), Allowed, PodIPInIPBlock},
		{"the ClusterIP's /32", egress("svc-32", block("10.96.0.11/32")), Denied, ServiceIPInIPBlock},
		{"a selector admits the backend whatever the ipBlock sees", egress("selector", toY, block("10.96.0.11/32")), Allowed, Definite},
		{"a block holding both addresses", egress("both", block("10.0.0.0/8")), Allowed, PodIPInIPBlock},
		{"a block holding neither", egress("neither", block("192.0.2.0/24")), Denied, Definite},
		{"ingress blocks see the source pod's IP either way", newPolicy("y", "in", networkingv1.NetworkPolicySpec{
			Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{block("10.96.0.0/12")}}},
		}), Denied, Definite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sp := mustServices(t, topo, svcs, tt.policy)
			r, err := sp.Result("x/a", "y/b", tcp80)
			if err != nil {
				t.Fatal(err)
			}
			pod, err := sp.p.Result("x/a", "y/b", tcp80)
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != tt.verdict || pod.Verdict != tt.verdict {
				t.Errorf("verdict through the Service %s, to the pod %s; want %s for both", r.Verdict, pod.Verdict, tt.verdict)
			}
			v, err := sp.Provenance("x/a", "y/b", tcp80)
			if err != nil {
				t.Fatal(err)
			}
			if v != tt.want {
				t.Errorf("provenance %q, want %q", v, tt.want)
			}
			e, err := sp.Explain("x/a", "y/b", tcp80)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(e.String(), "implementation-defined (ipblock-service-ip)"); got != (tt.want == ServiceIPInIPBlock) {
				t.Errorf("explanation names ipblock-service-ip: %v, want %v:\n%s", got, tt.want == ServiceIPInIPBlock, e)
			}
		})
	}
}

// A Service prediction without ClusterIPs (no cluster) reads every ipBlock as missing the
// Service, so a definite pod-IP verdict becomes implementation-defined only where an ipBlock
// admitted the backend, never the other way round.
func TestServicesWithoutClusterIPs(t *testing.T) {
	t.Parallel()
	topo, svcs := serviceTopology()
	svcs[1].IP = ""
	pol := newPolicy("x", "eg", networkingv1.NetworkPolicySpec{
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
		Egress:      []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/16"}}}}}},
	})
	sp := mustServices(t, topo, svcs, pol)
	v, err := sp.Provenance("x/a", "y/b", Target{Protocol: corev1.ProtocolTCP, Port: 80})
	if err != nil {
		t.Fatal(err)
	}
	if v != Definite {
		t.Errorf("provenance %q, want definite: an unknown ClusterIP matches no block", v)
	}
}
