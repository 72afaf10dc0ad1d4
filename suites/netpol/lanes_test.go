package netpol

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

func TestLaneNamesRoundTrip(t *testing.T) {
	for _, k := range []cases.PeerKey{"x/a", "ext-1", "my-ns/pod-1"} {
		for lane := range 3 {
			l := LaneNames(lane)
			got, ok := l.Original(l.Peer(k))
			if !ok || got != k {
				t.Errorf("lane %d: Original(Peer(%s)) = %s, %v", lane, k, got, ok)
			}
		}
	}
	if got := LaneNames(2).Peer("x/a"); got != "x-lane2/a" {
		t.Errorf("lane 2 renames x/a to %s, expected x-lane2/a", got)
	}
	if got := LaneNames(0).Peer("x/a"); got != "x/a" {
		t.Errorf("lane 0 renames x/a to %s, expected it kept", got)
	}
	if _, ok := LaneNames(2).Original("x-lane1/a"); ok {
		t.Errorf("lane 2 claims lane 1's pod x-lane1/a")
	}
}

func TestLanePoliciesRenameEveryNamespaceName(t *testing.T) {
	in := networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "x", ResourceVersion: "7"},
		Spec: networkingv1.NetworkPolicySpec{
			Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
				NamespaceSelector: &metav1.LabelSelector{
					MatchLabels: map[string]string{cases.LabelMetadataName: "y", "ns": "y"},
					MatchExpressions: []metav1.LabelSelectorRequirement{
						{Key: cases.LabelMetadataName, Operator: metav1.LabelSelectorOpNotIn, Values: []string{"z", "x"}},
						{Key: "ns", Operator: metav1.LabelSelectorOpIn, Values: []string{"z"}},
					},
				},
			}}}},
			Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{
				NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
					{Key: cases.LabelMetadataName, Operator: metav1.LabelSelectorOpIn, Values: []string{"z"}},
				}},
				PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{cases.LabelMetadataName: "pod-label"}},
			}}}},
		},
	}
	out := LaneNames(1).Policies([]networkingv1.NetworkPolicy{in})[0]
	if out.Namespace != "x-lane1" || out.ResourceVersion != "" {
		t.Errorf("namespace %q, resourceVersion %q: expected x-lane1 and none", out.Namespace, out.ResourceVersion)
	}
	sel := out.Spec.Ingress[0].From[0].NamespaceSelector
	if sel.MatchLabels[cases.LabelMetadataName] != "y-lane1" || sel.MatchLabels["ns"] != "y" {
		t.Errorf("matchLabels %v: expected the name renamed and ns: y kept", sel.MatchLabels)
	}
	if v := sel.MatchExpressions[0].Values; !slices.Equal(v, []string{"z-lane1", "x-lane1"}) {
		t.Errorf("NotIn values %v, expected both renamed", v)
	}
	if v := sel.MatchExpressions[1].Values; !slices.Equal(v, []string{"z"}) {
		t.Errorf("ns In values %v, expected kept", v)
	}
	eg := out.Spec.Egress[0].To[0]
	if v := eg.NamespaceSelector.MatchExpressions[0].Values; !slices.Equal(v, []string{"z-lane1"}) {
		t.Errorf("egress In values %v, expected renamed", v)
	}
	if v := eg.PodSelector.MatchLabels[cases.LabelMetadataName]; v != "pod-label" {
		t.Errorf("a pod selector is not a namespace's name: %q changed", v)
	}
	if in.Namespace != "x" || in.Spec.Ingress[0].From[0].NamespaceSelector.MatchLabels[cases.LabelMetadataName] != "y" {
		t.Errorf("the input policy was changed")
	}
}

// laneIPs gives every peer a case ever has an IP of its own lane: no two lanes share one, as no
// two pods of a cluster do.
func laneIPs(c *cases.Case, lane int) map[cases.PeerKey]string {
	ips := map[cases.PeerKey]string{}
	n := 0
	add := func(k cases.PeerKey, own string, pod bool) {
		if _, ok := ips[k]; ok {
			return
		}
		n++
		switch {
		case strings.Contains(own, ":"):
			ips[k] = fmt.Sprintf("fd%02x::%x", lane+1, n)
		case pod:
			// Inside the cluster's pod CIDR, which cases may name literally.
			ips[k] = fmt.Sprintf("10.244.%d.%d", 16*(lane+1)+n/250, n%250+1)
		default:
			ips[k] = fmt.Sprintf("172.%d.%d.%d", 16+lane, n/250, n%250+1)
		}
	}
	base := c.BaseTopology()
	for _, p := range base.Pods {
		add(p.Key(), p.IP, true)
	}
	for _, e := range base.Externals {
		add(e.Key(), e.IP, false)
	}
	for _, s := range c.Steps {
		for _, p := range s.AddPods {
			add(p.Key(), p.IP, true)
		}
	}
	return ips
}

// laneStates returns the case's states bound to its lane's IPs, as the cluster would hold them
// under the case's own names.
func laneStates(t *testing.T, c *cases.Case, lane int) []cases.State {
	t.Helper()
	bound, err := c.Bind(laneIPs(c, lane))
	if err != nil {
		t.Fatalf("%s: bind to lane %d's IPs: %v", c.Name, lane, err)
	}
	states, err := bound.States()
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	return states
}

// laneCellsDiffer returns the first cell of want (a prediction under the case's names) that got
// (a prediction of a cluster holding the lane's copy, and maybe more) disagrees with.
func laneCellsDiffer(want, got *engine.Prediction, l LaneNames) (string, bool) {
	wt, gt := want.Table(), got.Table()
	for _, from := range wt.Peers {
		for _, to := range wt.Peers {
			for _, tg := range wt.Targets {
				w, _ := wt.Get(from, to, tg)
				g, err := gt.Get(l.Peer(from), l.Peer(to), tg)
				if err != nil || w != g {
					return fmt.Sprintf("%s -> %s %s: %v alone, %v in lane %d (%v)", from, to, tg, w, g, l, err), true
				}
			}
		}
	}
	return "", false
}

func allCases(t *testing.T) []*cases.Case {
	t.Helper()
	cat, gen, err := builtinCases()
	if err != nil {
		t.Fatal(err)
	}
	return append(cat, gen...)
}

// A lane's copy of a case predicts, cell for cell, what the case predicts under its own names.
func TestLanesKeepEveryPrediction(t *testing.T) {
	for _, c := range allCases(t) {
		for _, st := range laneStates(t, c, 0) {
			want, err := Predict(st.Topology, st.Policies)
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			l := LaneNames(2)
			got, err := Predict(l.Topology(st.Topology), l.Policies(st.Policies))
			if err != nil {
				t.Fatalf("%s in lane 2: %v", c.Name, err)
			}
			if d, bad := laneCellsDiffer(want, got, l); bad {
				t.Errorf("%s, state %s: %s", c.Name, st.Name, d)
			}
		}
	}
}

// sideBySide predicts a cluster that holds case a in lane 0 and case b in lane 1 at once, each at
// its state i (its last if it has fewer), under the renaming rename.
func sideBySide(t *testing.T, a, b []cases.State, i int, rename func(LaneNames, cases.State) cases.State) (*engine.Prediction, [2]cases.State) {
	t.Helper()
	var union cases.Topology
	var policies []networkingv1.NetworkPolicy
	var own [2]cases.State
	for lane, states := range [][]cases.State{a, b} {
		st := states[min(i, len(states)-1)]
		own[lane] = st
		r := rename(LaneNames(lane), st)
		union.Namespaces = append(union.Namespaces, r.Topology.Namespaces...)
		union.Pods = append(union.Pods, r.Topology.Pods...)
		union.Externals = append(union.Externals, r.Topology.Externals...)
		policies = append(policies, r.Policies...)
	}
	pred, err := Predict(union, policies)
	if err != nil {
		t.Fatalf("predict two lanes: %v", err)
	}
	return pred, own
}

func laneRename(l LaneNames, st cases.State) cases.State {
	return cases.State{Topology: l.Topology(st.Topology), Policies: l.Policies(st.Policies)}
}

// The soundness of lanes: whatever runs in the other lane, a case's cells are the cells it has
// alone. Every case runs beside the next one of the catalog and the generator, in both lanes.
func TestLanesAreIndependent(t *testing.T) {
	all := allCases(t)
	for i, c := range all {
		next := all[(i+1)%len(all)]
		for _, pair := range [][2]*cases.Case{{c, next}, {next, c}} {
			a, b := laneStates(t, pair[0], 0), laneStates(t, pair[1], 1)
			for s := range max(len(a), len(b)) {
				pred, own := sideBySide(t, a, b, s, laneRename)
				for lane, st := range own {
					alone, err := Predict(st.Topology, st.Policies)
					if err != nil {
						t.Fatal(err)
					}
					if d, bad := laneCellsDiffer(alone, pred, LaneNames(lane)); bad {
						t.Errorf("%s in lane 0 beside %s in lane 1, state %d: %s", pair[0].Name, pair[1].Name, s, d)
					}
				}
			}
		}
	}
}

// The independence test has teeth: a renaming that forgot the namespace names in selectors
// (kubernetes.io/metadata.name) lets some case of the catalog see the other lane's namespaces.
func TestLanesIndependenceCatchesAForgottenSelector(t *testing.T) {
	forgetful := func(l LaneNames, st cases.State) cases.State {
		ps := make([]networkingv1.NetworkPolicy, len(st.Policies))
		for i := range st.Policies {
			ps[i] = *st.Policies[i].DeepCopy()
			ps[i].Namespace = l.Name(ps[i].Namespace)
		}
		return cases.State{Topology: l.Topology(st.Topology), Policies: ps}
	}
	all := allCases(t)
	caught := 0
	for i, c := range all {
		// The same case in both lanes: lane 1's policies, still naming x, select lane 0's x.
		a, b := laneStates(t, c, 0), laneStates(t, all[i], 1)
		for s := range len(a) {
			pred, own := sideBySide(t, a, b, s, forgetful)
			alone, err := Predict(own[1].Topology, own[1].Policies)
			if err != nil {
				t.Fatal(err)
			}
			if _, bad := laneCellsDiffer(alone, pred, 1); bad {
				caught++
				break
			}
		}
	}
	if caught == 0 {
		t.Fatalf("no case told a forgetful renaming apart: the independence test could not fail")
	}
	t.Logf("a renaming that keeps kubernetes.io/metadata.name values breaks %d of %d cases", caught, len(all))
}

func TestCheckLaneNames(t *testing.T) {
	if err := CheckLaneNames(4, []string{"x", "y", "z"}, []string{"ext"}); err != nil {
		t.Errorf("standard names: %v", err)
	}
	err := CheckLaneNames(3, []string{"x", "x-lane1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "x-lane1") {
		t.Errorf("x-lane1 beside x in 3 lanes: %v, expected a collision", err)
	}
	if err := CheckLaneNames(1, []string{"x", "x-lane1"}, nil); err != nil {
		t.Errorf("one lane renames nothing: %v", err)
	}
	long := strings.Repeat("n", 60)
	if err := CheckLaneNames(2, []string{long}, nil); err == nil {
		t.Errorf("a 60-character namespace in lane 1 is too long, expected an error")
	}
}

func TestScheduledKeepsWhatTheLabelFilterKeeps(t *testing.T) {
	cs := []*cases.Case{
		{Name: "a", Features: []cases.Feature{"egress"}},
		{Name: "b", Features: []cases.Feature{"ingress"}},
		{Name: "c", Features: []cases.Feature{"egress", "sctp"}},
	}
	got, err := scheduled(cs, types.SuiteConfig{LabelFilter: "egress && !sctp"}, 4)
	if err != nil || len(got) != 1 || got[0].Name != "a" {
		t.Errorf("scheduled = %v, %v; expected a only", got, err)
	}
	if _, err := scheduled(cs, types.SuiteConfig{FocusStrings: []string{"a"}}, 4); err == nil {
		t.Errorf("--ginkgo.focus with 4 lanes: expected an error")
	}
	if got, err := scheduled(cs, types.SuiteConfig{FocusStrings: []string{"a"}}, 1); err != nil || len(got) != 3 {
		t.Errorf("--ginkgo.focus with one lane: %v, %v; expected every case (Ginkgo focuses)", got, err)
	}
}

func TestScheduleRunsInOrderAtMostLanesAtOnce(t *testing.T) {
	var cs []*cases.Case
	for i := range 9 {
		cs = append(cs, &cases.Case{Name: fmt.Sprintf("c%d", i)})
	}
	var running, peak atomic.Int32
	var mu sync.Mutex
	var started []string
	lanesUsed := map[int]bool{}
	run := func(ctx context.Context, l *Lane, c *cases.Case, number int) CaseRun {
		if want := slices.Index(cs, c) + 1; number != want {
			t.Errorf("%s is case %d, expected %d", c.Name, number, want)
		}
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		mu.Lock()
		started = append(started, c.Name)
		lanesUsed[int(l.LaneNames)] = true
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		return CaseRun{Log: []byte(c.Name)}
	}
	lanes := (&Suite{}).NewLanes(3)
	s := StartSchedule(lanes, cs, time.Minute, run)
	for _, c := range cs {
		r, ok := s.Wait(context.Background(), c)
		if !ok || !r.Ran || string(r.Log) != c.Name {
			t.Fatalf("Wait(%s) = %+v, %v", c.Name, r, ok)
		}
		if _, again := s.Wait(context.Background(), c); again {
			t.Errorf("Wait(%s) returned the run twice", c.Name)
		}
	}
	s.Stop(nil)
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak %d cases at once on 3 lanes", p)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, c := range cs {
		// The lanes take the cases in order: c_i starts among the first i+3 (3 lanes).
		if idx := slices.Index(started, c.Name); idx < 0 || idx > i+2 {
			t.Errorf("%s started %dth: %v", c.Name, idx, started)
		}
	}
	if len(lanesUsed) != 3 {
		t.Errorf("lanes used %v, expected all 3", lanesUsed)
	}
	if rest := s.Rest(); len(rest) != 0 {
		t.Errorf("Rest after every Wait = %d runs", len(rest))
	}
}

func TestScheduleInterruptedStopsTheLanes(t *testing.T) {
	var cs []*cases.Case
	for i := range 6 {
		cs = append(cs, &cases.Case{Name: fmt.Sprintf("c%d", i)})
	}
	release := make(chan struct{})
	run := func(ctx context.Context, l *Lane, c *cases.Case, n int) CaseRun {
		if c.Name == "c0" {
			return CaseRun{Log: []byte("done")}
		}
		select {
		case <-ctx.Done():
			return CaseRun{Failure: "interrupted: " + context.Cause(ctx).Error()}
		case <-release:
			return CaseRun{}
		}
	}
	s := StartSchedule((&Suite{}).NewLanes(2), cs, time.Minute, run)
	if r, _ := s.Wait(context.Background(), cs[0]); string(r.Log) != "done" {
		t.Fatalf("c0: %+v", r)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(fmt.Errorf("Ctrl-C"))
	r, ok := s.Wait(ctx, cs[1])
	if !ok || !r.Ran || !strings.Contains(r.Failure, "Ctrl-C") {
		t.Errorf("the interrupted case: %+v, %v; expected it ended with the interruption's cause", r, ok)
	}
	s.Stop(nil)
	close(release)
	rest := s.Rest()
	if len(rest) != 1 || !strings.Contains(rest[0].Failure, "Ctrl-C") {
		t.Errorf("Rest = %+v; expected c2, which the other lane was running", rest)
	}
	if r, ok := s.Wait(context.Background(), cs[5]); !ok || r.Ran {
		t.Errorf("c5 never began: %+v, %v", r, ok)
	}
}

// A lane's probes keep the case's names (the tables are keyed by them) and expect the identity of
// the lane's copy of each target, which is what its probe servers answer with.
func TestLaneProbesExpectTheLanesCopies(t *testing.T) {
	topo := cases.Standard()
	for i := range topo.Pods {
		topo.Pods[i].IP = fmt.Sprintf("10.244.0.%d", i+1)
	}
	topo.Externals = []cases.External{{Name: "ext", IP: "172.18.0.9", Ports: []cases.Port{{Port: 80, Protocol: "TCP"}}}}
	l := &Lane{LaneNames: 3}
	batches := l.expect(Batches(topo, time.Second, 1))
	if len(batches) != len(topo.Pods)+1 {
		t.Fatalf("%d batches", len(batches))
	}
	for src, b := range batches {
		for _, tg := range b.Targets {
			want := l.Peer(cases.PeerKey(tg.Name)).String()
			if tg.Expect != want || strings.Contains(tg.Name, laneSuffix) {
				t.Fatalf("from %s: target %s expects %s, expected %s under the case's name", src, tg.Name, tg.Expect, want)
			}
		}
	}
	plain := (&Lane{LaneNames: 0}).expect(Batches(topo, time.Second, 1))
	for _, b := range plain {
		for _, tg := range b.Targets {
			if tg.Expect != tg.Name {
				t.Fatalf("lane 0 expects %s for %s", tg.Expect, tg.Name)
			}
		}
	}
}

// What the cluster answers for a lane (pod and external IPs by its names) comes back under the
// case's names, and another lane's answers are not taken for this lane's.
func TestLaneAnswersComeBackUnderTheCasesNames(t *testing.T) {
	got := LaneNames(2).originals(map[cases.PeerKey]string{"x-lane2/a": "10.244.1.5", "x-lane1/b": "10.244.2.6", "ext-lane2": "172.18.0.4"})
	want := map[cases.PeerKey]string{"x/a": "10.244.1.5", "ext": "172.18.0.4"}
	if len(got) != len(want) || got["x/a"] != want["x/a"] || got["ext"] != want["ext"] {
		t.Errorf("originals = %v, expected %v", got, want)
	}
}

// A spec that waits for a case no lane has begun moves it to the front: Ginkgo's order and the
// schedule's may differ without any spec waiting behind cases that come later.
func TestScheduleBeginsAWaitedCaseNext(t *testing.T) {
	var cs []*cases.Case
	for i := range 5 {
		cs = append(cs, &cases.Case{Name: fmt.Sprintf("c%d", i)})
	}
	gate := make(chan struct{})
	var mu sync.Mutex
	var began []string
	run := func(ctx context.Context, l *Lane, c *cases.Case, n int) CaseRun {
		mu.Lock()
		began = append(began, c.Name)
		mu.Unlock()
		if c.Name == "c0" {
			<-gate
		}
		return CaseRun{}
	}
	s := StartSchedule((&Suite{}).NewLanes(1), cs, time.Minute, run)
	for { // c0 takes the only lane first
		mu.Lock()
		n := len(began)
		mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Wait(context.Background(), cs[3])
	}()
	// c0 holds the only lane; the waiter is registered before it frees.
	for {
		s.mu.Lock()
		n := len(s.wanted)
		s.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(gate)
	<-done
	for _, c := range cs {
		s.Wait(context.Background(), c)
	}
	s.Stop(nil)
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"c0", "c3", "c1", "c2", "c4"}; !slices.Equal(began, want) {
		t.Errorf("began %v, expected %v", began, want)
	}
}

func TestSpecOrderIsByName(t *testing.T) {
	got := SpecOrder([]*cases.Case{{Name: "upstream-b"}, {Name: "three-tier"}, {Name: "all-addresses"}})
	if got[0].Name != "all-addresses" || got[1].Name != "three-tier" || got[2].Name != "upstream-b" {
		t.Errorf("SpecOrder = %v %v %v", got[0].Name, got[1].Name, got[2].Name)
	}
}
