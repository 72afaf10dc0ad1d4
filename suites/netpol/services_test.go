package netpol

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
	"github.com/cnpc-dev/cnpc/reports"
)

// servicePods is twoPods without the external host, with the Services' ClusterIPs.
func servicePods() (cases.Topology, []cases.Service) {
	topo := twoPods()
	topo.Externals = nil
	svcs := ProbedServices(topo, nil)
	svcs[0].IP, svcs[1].IP = "10.96.0.1", "10.96.0.2"
	return topo, svcs
}

func TestWithServices(t *testing.T) {
	t.Parallel()
	topo := twoPods()
	svcs := ProbedServices(topo, nil)
	svcs[0].IP, svcs[1].IP = "10.96.0.1", "10.96.0.2"
	toA := []probes.Target{{Name: "service:x/a", IP: "10.96.0.1", Port: 80, Protocol: corev1.ProtocolTCP, Expect: "x/a"}}
	toB := []probes.Target{
		{Name: "service:x/b", IP: "10.96.0.2", Port: 80, Protocol: corev1.ProtocolTCP, Expect: "x/b"},
		{Name: "service:x/b", IP: "10.96.0.2", Port: 53, Protocol: corev1.ProtocolUDP, Expect: "x/b"},
	}
	tests := []struct {
		skipHairpin bool
		want        map[cases.PeerKey][]probes.Target
	}{
		{false, map[cases.PeerKey][]probes.Target{"x/a": append(toA, toB...), "x/b": append(toA, toB...)}},
		// Without hairpin probes each pod probes every Service but its own.
		{true, map[cases.PeerKey][]probes.Target{"x/a": toB, "x/b": toA}},
	}
	for _, tt := range tests {
		got := WithServices(Batches(topo, time.Second, 1), svcs, tt.skipHairpin)
		for src, b := range got {
			if !src.IsPod() {
				if len(b.Targets) != 4 {
					t.Errorf("external %s probes %d targets, want its 4 pod-IP ones: a ClusterIP is served inside the cluster only", src, len(b.Targets))
				}
				continue
			}
			if diff := cmp.Diff(tt.want[src], b.Targets[4:]); diff != "" {
				t.Errorf("skipHairpin %v, %s: Service targets (-want +got):\n%s", tt.skipHairpin, src, diff)
			}
		}
	}
	for _, name := range []string{"service:x/a", "x/a"} {
		k, service := serviceTargetKey(name)
		if k != "x/a" || service != strings.HasPrefix(name, servicePrefix) {
			t.Errorf("serviceTargetKey(%q) = %s, %v", name, k, service)
		}
	}
}

func TestProbedServices(t *testing.T) {
	t.Parallel()
	topo := twoPods()
	topo.Pods[0].Ports = []cases.Port{{Name: "s", Port: 80, Protocol: corev1.ProtocolSCTP}}
	topo.Pods[1].Ports = append(topo.Pods[1].Ports, cases.Port{Name: "serve-81-sctp", Port: 81, Protocol: corev1.ProtocolSCTP})
	got := ProbedServices(topo, map[corev1.Protocol]string{corev1.ProtocolSCTP: "protocol not supported"})
	want := []cases.Service{{Namespace: "x", Name: "b", Pod: "b", Ports: []cases.ServicePort{
		{Name: "http", Port: 80, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("http")},
		{Name: "dns", Port: 53, Protocol: corev1.ProtocolUDP, TargetPort: intstr.FromString("dns")},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ProbedServices without SCTP (-want +got):\n%s", diff)
	}
	obj := serviceObject(got[0])
	if obj.Spec.Selector[PodLabel] != "b" || len(obj.Spec.Selector) != 1 || obj.Spec.Type != corev1.ServiceTypeClusterIP {
		t.Errorf("service object selects %v (type %s), want only %s=b, ClusterIP", obj.Spec.Selector, obj.Spec.Type, PodLabel)
	}
	if tp := obj.Spec.Ports[0].TargetPort; tp.Type != intstr.String || tp.StrVal != "http" {
		t.Errorf("targetPort %v, want the pod's port name", tp)
	}
}

// The label the Services select is in the cluster's pods and in the engine's model alike.
func TestPodLabelInModelAndCluster(t *testing.T) {
	t.Parallel()
	p := cases.Pod{Namespace: "x", Name: "a", Labels: map[string]string{"pod": "a"}}
	want := map[string]string{"pod": "a", PodLabel: "a"}
	if got := podObject(p, "img", "node").Labels; !cmp.Equal(got, want) {
		t.Errorf("pod object labels %v, want %v", got, want)
	}
	model := ModelTopology(cases.Topology{Namespaces: []cases.Namespace{{Name: "x"}}, Pods: []cases.Pod{p}})
	if got := model.Pods[0].Labels; !cmp.Equal(got, want) {
		t.Errorf("model labels %v, want %v", got, want)
	}
	if len(p.Labels) != 1 {
		t.Errorf("ModelTopology changed the case's own labels: %v", p.Labels)
	}
}

func TestEndpointsReady(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	slice := func(ip string, ready *bool, ports int) discoveryv1.EndpointSlice {
		return discoveryv1.EndpointSlice{
			Endpoints: []discoveryv1.Endpoint{{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: ready}}},
			Ports:     make([]discoveryv1.EndpointPort, ports),
		}
	}
	tests := []struct {
		name   string
		slices []discoveryv1.EndpointSlice
		want   string
	}{
		{"ready", []discoveryv1.EndpointSlice{slice("10.0.0.1", &yes, 2)}, ""},
		{"none", nil, "no endpoint yet"},
		{"empty slice", []discoveryv1.EndpointSlice{{}}, "no endpoint yet"},
		{"old pod", []discoveryv1.EndpointSlice{slice("10.0.0.7", &yes, 2)}, "is not its pod's IP"},
		{"not ready", []discoveryv1.EndpointSlice{slice("10.0.0.1", &no, 2)}, "not ready"},
		{"no condition", []discoveryv1.EndpointSlice{slice("10.0.0.1", nil, 2)}, "not ready"},
		{"a port missing", []discoveryv1.EndpointSlice{slice("10.0.0.1", &yes, 1)}, "has 1 ports, expected 2"},
		{"old pod beside the new", []discoveryv1.EndpointSlice{slice("10.0.0.1", &yes, 2), slice("10.0.0.7", &yes, 2)}, "is not its pod's IP"},
	}
	for _, tt := range tests {
		got := endpointsReady(tt.slices, "10.0.0.1", 2)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// egressOnlyToBlock isolates x/a for egress to 0.0.0.0/0 except the pods' 10.0.0.0/24: its
// pod-IP connections are denied, and a plugin that matched the ClusterIP (10.96.0.0/16) would let
// its Service connections out.
func egressOnlyToBlock() []networkingv1.NetworkPolicy {
	return []networkingv1.NetworkPolicy{{
		ObjectMeta: metav1.ObjectMeta{Namespace: "x", Name: "not-the-pods"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{PodLabel: "a"}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{
				{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/24"}}},
			}}},
		},
	}}
}

// plugin answers pod-IP targets as pred does and Service targets as via does (by backend).
func plugin(pred, via *engine.Prediction) fakeRunner {
	answer := func(p *engine.Prediction, src, to cases.PeerKey, tg probes.Target) (cases.Outcome, string) {
		r, err := p.Result(src, to, engine.Target{Protocol: tg.Protocol, Port: tg.Port})
		if err != nil || !r.Verdict.IsAllowed() {
			return cases.Timeout, ""
		}
		return cases.Connected, tg.Expect
	}
	return fakeRunner{outcome: func(src cases.PeerKey, tg probes.Target) (cases.Outcome, string) {
		to, service := serviceTargetKey(tg.Name)
		if service {
			return answer(via, src, to, tg)
		}
		return answer(pred, src, to, tg)
	}}
}

// serviceRound runs one real round (Observe and Compare through Services) against the plugin.
func serviceRound(t *testing.T, policies []networkingv1.NetworkPolicy, g Grading, viaFor func(*engine.Prediction) *engine.Prediction, skipHairpin bool) (*Comparison, *engine.Prediction) {
	t.Helper()
	topo, svcs := servicePods()
	pred, err := engine.Predict(ModelTopology(topo), policies)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := pred.Services(svcs)
	if err != nil {
		t.Fatal(err)
	}
	ips := map[cases.PeerKey]string{"x/a": svcs[0].IP, "x/b": svcs[1].IP}
	f := plugin(pred, viaFor(pred))
	obs := ObserveServices(context.Background(), f.run, WithServices(Batches(topo, time.Second, 1), svcs, skipHairpin), pred.Peers(), pred.Targets(), sp)
	c, err := CompareServices(pred, sp, ips, obs, ImplementationDefinedServiceCells(pred, sp, g), skipHairpin)
	if err != nil {
		t.Fatal(err)
	}
	return c, pred
}

// clusterIPView predicts what a plugin that matches egress ipBlocks against the dialled ClusterIP
// shows: the same policies over a topology whose pods have their Services' ClusterIPs. Only x/a
// is isolated, for egress only, so nothing else reads the changed IPs.
func clusterIPView(t *testing.T, policies []networkingv1.NetworkPolicy) func(*engine.Prediction) *engine.Prediction {
	return func(*engine.Prediction) *engine.Prediction {
		topo, svcs := servicePods()
		for i := range topo.Pods {
			topo.Pods[i].IP = svcs[i].IP
		}
		p, err := engine.Predict(ModelTopology(topo), policies)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
}

func TestServiceRounds(t *testing.T) {
	t.Parallel()
	same := func(p *engine.Prediction) *engine.Prediction { return p }
	open, err := engine.Predict(ModelTopology(twoPods()), nil)
	if err != nil {
		t.Fatal(err)
	}
	bypass := func(*engine.Prediction) *engine.Prediction { return open }
	denyEgress := egressOnlyToBlock()
	denyEgress[0].Spec.Egress = nil
	tests := []struct {
		name     string
		policies []networkingv1.NetworkPolicy
		grading  Grading
		via      func(*engine.Prediction) *engine.Prediction
		want     reports.Verdict
		class    reports.Class // the class of x/a -> x/b TCP/80 via service
	}{
		{"the backend's reading: every cell matches", egressOnlyToBlock(), GradingAPI, same, reports.Pass, reports.Match},
		{"the ClusterIP's reading: implementation-defined", egressOnlyToBlock(), GradingAPI, clusterIPView(t, egressOnlyToBlock()), reports.ImplementationDefined, reports.ClassImplementationDefined},
		{"the ClusterIP's reading, graded as upstream: a failure", egressOnlyToBlock(), GradingUpstream, clusterIPView(t, egressOnlyToBlock()), reports.Fail, reports.Mismatch},
		{"Services bypass a deny-all egress: a failure", denyEgress, GradingAPI, bypass, reports.Fail, reports.Mismatch},
		{"Services bypass the ipBlock: indistinguishable from the ClusterIP's reading", egressOnlyToBlock(), GradingAPI, bypass, reports.ImplementationDefined, reports.ClassImplementationDefined},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, pred := serviceRound(t, tt.policies, tt.grading, tt.via, false)
			if got := StepVerdict(Convergence{Final: c}); got != tt.want {
				t.Errorf("step %s (counts %v), want %s", got, c.Counts, tt.want)
			}
			services, pods := 0, 0
			for _, j := range c.Cells {
				if !j.Key.Service {
					pods++
					if j.Class != reports.Match {
						t.Errorf("%s: %s; the pod-IP cells answer as predicted", j.Key, j.Class)
					}
					continue
				}
				services++
				if j.Key.From == j.Key.To && j.Class != reports.ClassNotGraded {
					t.Errorf("%s: %s; a pod through its own Service is hairpin traffic, never graded", j.Key, j.Class)
				}
				if j.Key.From == "x/a" && j.Key.To == "x/b" && j.Key.Target.Port == 80 && j.Class != tt.class {
					t.Errorf("%s: %s, want %s", j.Key, j.Class, tt.class)
				}
			}
			if pods != 6 || services != 6 {
				t.Errorf("%d pod-IP cells and %d Service cells, want 6 and 6", pods, services)
			}
			st := StepRecord(1, "", nil, pred, Convergence{Final: c, Converged: true})
			if st.ServiceIPs["x/b"] != "10.96.0.2" {
				t.Errorf("step ServiceIPs %v", st.ServiceIPs)
			}
			for _, cell := range st.Cells {
				if cell.From == "x/a" && cell.To == "x/b" && cell.Port == 80 && cell.Via == reports.ViaService && tt.class != reports.Match &&
					!strings.Contains(cell.Explanation, "through Service x/b (10.96.0.2) port TCP/80") {
					t.Errorf("explanation of a Service cell does not name the hop:\n%s", cell.Explanation)
				}
			}
			if tt.class != reports.Match && !strings.Contains(FailureText("step", pred, Convergence{Final: c}), "through each pod's Service (ClusterIP), predicted:") {
				t.Error("the failure text has no Service tables")
			}
		})
	}
}

// With skipHairpin no pod probes its own Service, and nothing reads the missing cells as probed:
// no judged cell, an empty diagonal in every Service table, and the step passes on the rest.
func TestServiceRoundWithoutHairpin(t *testing.T) {
	t.Parallel()
	same := func(p *engine.Prediction) *engine.Prediction { return p }
	c, pred := serviceRound(t, egressOnlyToBlock(), GradingAPI, same, true)
	if got := StepVerdict(Convergence{Final: c}); got != reports.Pass {
		t.Errorf("step %s (counts %v), want pass", got, c.Counts)
	}
	services := 0
	for _, j := range c.Cells {
		if j.Key.Service {
			services++
			if j.Key.From == j.Key.To {
				t.Errorf("%s judged (%s), but it was never probed", j.Key, j.Class)
			}
		}
	}
	if services != 3 {
		t.Errorf("%d Service cells, want 3 (x/a -> x/b on two ports, x/b -> x/a on one)", services)
	}
	tcp80 := engine.Target{Protocol: corev1.ProtocolTCP, Port: 80}
	for name, table := range map[string]*engine.Table{"predicted": c.Services.Predicted, "observed": c.Services.Observed, "diff": c.Services.Diff} {
		for _, p := range []cases.PeerKey{"x/a", "x/b"} {
			if cell, err := table.Get(p, p, tcp80); err != nil || cell != engine.CellNone {
				t.Errorf("%s Service table, %s -> its own Service TCP/80: %q (%v), want %q", name, p, cell, err, engine.CellNone)
			}
		}
		if cell, _ := table.Get("x/a", "x/b", tcp80); cell == engine.CellNone {
			t.Errorf("%s Service table lost x/a -> x/b TCP/80", name)
		}
	}
	st := StepRecord(1, "", nil, pred, Convergence{Final: c, Converged: true})
	for _, cell := range st.Cells {
		if cell.Via == reports.ViaService && cell.From == cell.To {
			t.Errorf("the step records %s -> %s %s/%d through its own Service, which was never probed", cell.From, cell.To, cell.Protocol, cell.Port)
		}
	}
}

// Every pod of every built-in case can have its Service: Service names are DNS-1035 labels,
// stricter than pod names.
func TestBuiltinPodsCanHaveServices(t *testing.T) {
	t.Parallel()
	catalog, generated, err := builtinCases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(catalog, generated...) {
		states, err := c.States()
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range states {
			for _, svc := range ProbedServices(st.Topology, nil) {
				if errs := validation.IsDNS1035Label(svc.Name); len(errs) > 0 {
					t.Errorf("%s: pod %s cannot name its Service: %v", c.Name, svc.Backend(), errs)
				}
			}
		}
	}
}

func TestSkipHairpinNeedsServices(t *testing.T) {
	t.Parallel()
	o := DefaultOptions()
	o.SkipHairpin = true
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "--skip-hairpin: found --via pod, expected --via both") {
		t.Errorf("Validate() with --skip-hairpin alone = %v, want it refused", err)
	}
	o.Via = ViaBoth
	if err := o.Validate(); err != nil {
		t.Errorf("Validate() with --via both --skip-hairpin = %v, want nil", err)
	}
}
