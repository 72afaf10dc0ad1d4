package engine

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/cnpc-dev/cnpc/cases"
)

// benchCase is 10 namespaces x 100 pods, each serving the 6 standard ports, and 1,000 policies
// (100 per namespace) mixing the shapes the catalog uses: pod, namespace and combined selectors,
// match expressions, ipBlocks with except, numeric, named and ranged ports, ingress and egress.
func benchCase() (cases.Topology, []networkingv1.NetworkPolicy) {
	var t cases.Topology
	for n := 0; n < 10; n++ {
		ns := fmt.Sprintf("ns%d", n)
		t.Namespaces = append(t.Namespaces, cases.Namespace{Name: ns, Labels: map[string]string{"team": fmt.Sprint(n % 3)}})
		for i := 0; i < 100; i++ {
			t.Pods = append(t.Pods, cases.Pod{
				Namespace: ns, Name: fmt.Sprintf("p%d", i),
				Labels: map[string]string{"app": fmt.Sprint(i % 20), "tier": fmt.Sprint(i % 4)},
				IP:     fmt.Sprintf("10.%d.%d.%d", n, i/250, i%250+1),
				Ports:  cases.StandardPorts(),
			})
		}
	}
	var pols []networkingv1.NetworkPolicy
	for i := 0; i < 1000; i++ {
		pols = append(pols, benchPolicy(i))
	}
	return t, pols
}

func benchPolicy(i int) networkingv1.NetworkPolicy {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	p80, named, p81 := intstr.FromInt32(80), intstr.FromString("serve-81-udp"), intstr.FromInt32(81)
	end := int32(90)
	app := &metav1.LabelSelector{MatchLabels: map[string]string{"app": fmt.Sprint((i + 1) % 20)}}
	team := &metav1.LabelSelector{MatchLabels: map[string]string{"team": fmt.Sprint(i % 3)}}
	tier := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"0", "1"}}}}
	np := networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: fmt.Sprintf("ns%d", i%10), Name: fmt.Sprintf("pol%d", i)},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": fmt.Sprint(i % 20)}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From:  []networkingv1.NetworkPolicyPeer{{PodSelector: app}, {NamespaceSelector: team, PodSelector: tier}},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &p80}, {Protocol: &udp, Port: &named}},
			}},
		},
	}
	if i%2 == 0 {
		np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{
			{To: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: team}}, Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &p81, EndPort: &end}}},
			{To: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "10.0.0.0/8", Except: []string{fmt.Sprintf("10.%d.0.0/16", i%10)}}}}},
		}
	}
	return np
}

// BenchmarkPredict1000x1000 measures compiling 1,000 policies and predicting 1,000 pods x 1,000
// pods x 6 ports (6 million verdicts), including building the truth table.
func BenchmarkPredict1000x1000(b *testing.B) {
	topo, pols := benchCase()
	b.ReportAllocs()
	for b.Loop() {
		p, err := Predict(topo, pols)
		if err != nil {
			b.Fatal(err)
		}
		_ = p.Table()
	}
}

// TestBenchCaseIsNotTrivial keeps the benchmark honest: its prediction must contain both verdicts
// in quantity, and agree with the reference evaluator on a sample of connections.
func TestBenchCaseIsNotTrivial(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 6-million-verdict benchmark case takes about a second")
	}
	topo, pols := benchCase()
	p := mustPredict(t, topo, pols)
	tbl := p.Table()
	counts := map[Cell]int{}
	for _, c := range tbl.cells {
		counts[c]++
	}
	if counts[CellAllowed] < 100000 || counts[CellDenied] < 100000 || len(tbl.cells) != 6000000 {
		t.Fatalf("benchmark case cells %v of %d; expected 6,000,000 with at least 100,000 of each verdict", counts, len(tbl.cells))
	}
	peers := p.Peers()
	for i := 0; i < 200; i++ {
		from, to := peers[(i*7919)%len(peers)], peers[(i*104729+13)%len(peers)]
		for _, tg := range p.Targets() {
			in, eg := referenceVerdicts(topo, pols, from, to, tg)
			r, err := p.Result(from, to, tg)
			if err != nil {
				t.Fatal(err)
			}
			if r.Ingress.IsAllowed() != in || r.Egress.IsAllowed() != eg {
				t.Fatalf("%s -> %s %s: engine ingress %s egress %s, reference %v %v", from, to, tg, r.Ingress, r.Egress, in, eg)
			}
		}
	}
}
