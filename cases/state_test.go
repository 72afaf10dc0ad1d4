package cases

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	networkingv1 "k8s.io/api/networking/v1"
)

// statesFile changes everything a step can change, one kind of change per step.
const statesFile = `
name: states
features: [label-change, topology-change]
topology:
  namespaces: [{name: x, labels: {ns: x}}, {name: y, labels: {ns: y}}]
  pods:
    - {namespace: x, name: a, labels: {pod: a}, ip: 10.0.1.1}
    - {namespace: y, name: b, labels: {pod: b}, ip: 10.0.2.1}
steps:
  - name: two policies, given in reverse order
    apply:
      - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: p2, namespace: y}, spec: {podSelector: {}}}
      - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: p1, namespace: x}, spec: {podSelector: {}}}
  - name: replace p1, relabel
    apply:
      - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: p1, namespace: x}, spec: {podSelector: {matchLabels: {pod: a}}}}
    setPodLabels: [{pod: x/a, labels: {pod: a, role: db}}]
    setNamespaceLabels: [{namespace: y, labels: {team: t}}]
  - name: delete p2, add z/c
    delete: [{namespace: y, name: p2}]
    addNamespaces: [{name: z}]
    addPods: [{namespace: z, name: c, ip: 10.0.3.1}]
  - name: a policy in z, then z goes, with it
    apply:
      - {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: p3, namespace: z}, spec: {podSelector: {}}}
    deleteNamespaces: [z]
  - name: y/b goes
    deletePods: [y/b]
`

// summary is what a test reads from a state: policy names, pod labels and namespace labels.
type summary struct {
	Policies   []string
	Selectors  []map[string]string
	Pods       map[PeerKey]map[string]string
	Namespaces map[string]map[string]string
}

func summarize(s State) summary {
	out := summary{Pods: map[PeerKey]map[string]string{}, Namespaces: map[string]map[string]string{}}
	for _, p := range s.Policies {
		out.Policies = append(out.Policies, p.Namespace+"/"+p.Name)
		out.Selectors = append(out.Selectors, p.Spec.PodSelector.MatchLabels)
	}
	for _, p := range s.Topology.Pods {
		out.Pods[p.Key()] = p.Labels
	}
	for _, n := range s.Topology.Namespaces {
		out.Namespaces[n.Name] = n.Labels
	}
	return out
}

func TestStatesCumulative(t *testing.T) {
	t.Parallel()
	c, err := Load("states.yaml", []byte(statesFile))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	states, err := c.States()
	if err != nil {
		t.Fatalf("States: %v", err)
	}
	x, y := map[string]string{"ns": "x"}, map[string]string{"ns": "y"}
	a, b := map[string]string{"pod": "a"}, map[string]string{"pod": "b"}
	db, team := map[string]string{"pod": "a", "role": "db"}, map[string]string{"team": "t"}
	want := []summary{
		{
			Policies: []string{"x/p1", "y/p2"}, Selectors: []map[string]string{nil, nil},
			Pods: map[PeerKey]map[string]string{"x/a": a, "y/b": b}, Namespaces: map[string]map[string]string{"x": x, "y": y},
		},
		{
			Policies: []string{"x/p1", "y/p2"}, Selectors: []map[string]string{a, nil},
			Pods: map[PeerKey]map[string]string{"x/a": db, "y/b": b}, Namespaces: map[string]map[string]string{"x": x, "y": team},
		},
		{
			Policies: []string{"x/p1"}, Selectors: []map[string]string{a},
			Pods: map[PeerKey]map[string]string{"x/a": db, "y/b": b, "z/c": nil}, Namespaces: map[string]map[string]string{"x": x, "y": team, "z": nil},
		},
		{
			Policies: []string{"x/p1"}, Selectors: []map[string]string{a},
			Pods: map[PeerKey]map[string]string{"x/a": db, "y/b": b}, Namespaces: map[string]map[string]string{"x": x, "y": team},
		},
		{
			Policies: []string{"x/p1"}, Selectors: []map[string]string{a},
			Pods: map[PeerKey]map[string]string{"x/a": db}, Namespaces: map[string]map[string]string{"x": x, "y": team},
		},
	}
	var got []summary
	for i, s := range states {
		if s.Step != i || s.Name != c.Steps[i].Name {
			t.Errorf("state %d: Step %d, Name %q; want %d, %q", i, s.Step, s.Name, i, c.Steps[i].Name)
		}
		got = append(got, summarize(s))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("States (-want +got):\n%s", diff)
	}
}

// TestStatesAreCopies mutates every state and checks that neither the case nor a second call to
// States sees it.
func TestStatesAreCopies(t *testing.T) {
	t.Parallel()
	c, err := Load("states.yaml", []byte(statesFile))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	before := c.Clone()
	first, err := c.States()
	if err != nil {
		t.Fatalf("States: %v", err)
	}
	want := fmt.Sprint(summarize(first[1])) // a snapshot, since summaries share maps with states
	for i := range first {
		for j := range first[i].Policies {
			first[i].Policies[j].Spec.PodSelector.MatchLabels = map[string]string{"changed": "yes"}
			first[i].Policies[j].Name = "changed"
		}
		for j := range first[i].Topology.Pods {
			if l := first[i].Topology.Pods[j].Labels; l != nil {
				l["changed"] = "yes"
			}
		}
		for j := range first[i].Topology.Namespaces {
			first[i].Topology.Namespaces[j].Labels = nil
		}
	}
	if diff := cmp.Diff(before, c, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("mutating states changed the case (-before +after):\n%s", diff)
	}
	second, err := c.States()
	if err != nil {
		t.Fatalf("States: %v", err)
	}
	if diff := cmp.Diff(want, fmt.Sprint(summarize(second[1]))); diff != "" {
		t.Errorf("mutating states changed later States (-want +got):\n%s", diff)
	}
}

// TestStatesOfCodeBuiltCase checks a case built in code: the standard topology, an undefaulted
// policy (defaulted by States), and errors without positions.
func TestStatesOfCodeBuiltCase(t *testing.T) {
	t.Parallel()
	good := goodCase().Steps[1].Templates[0]
	good.Spec.Ingress[0].From[0].IPBlock.Except = nil
	good.Spec.PolicyTypes = nil
	good.Namespace = "y"
	c := &Case{Name: "built", Features: []Feature{FeatureGenerated}, Steps: []Step{{Name: "one", Apply: []networkingv1.NetworkPolicy{good}}}}
	states, err := c.States()
	if err != nil {
		t.Fatalf("States: %v", err)
	}
	if diff := cmp.Diff([]string{"Ingress"}, policyTypeNames(states[0].Policies[0])); diff != "" {
		t.Errorf("policy types (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Standard(), states[0].Topology, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("topology (-want +got):\n%s", diff)
	}
	if c.Steps[0].Apply[0].Spec.PolicyTypes != nil {
		t.Errorf("States defaulted the case's own policy; it must work on a copy")
	}

	bad := &Case{Name: "built", Features: []Feature{FeatureGenerated}, Steps: []Step{{Name: "one", Delete: []PolicyRef{{Namespace: "x", Name: "nope"}}, DeletePods: []PeerKey{"q/a"}}}}
	_, err = bad.States()
	want := "steps[0].delete[0]: found x/nope, expected a policy applied in an earlier step\n" +
		`steps[0].deletePods[0]: found "q/a", expected namespace/pod of a pod that exists at this step`
	if err == nil || err.Error() != want {
		t.Errorf("States error:\n%v\nwant:\n%s", err, want)
	}
	if _, ok := err.(ErrorList); !ok {
		t.Errorf("States error is %T, want ErrorList", err)
	}
	if bad.Validate() == nil {
		t.Errorf("Validate of the bad case returned nil")
	}
}

func policyTypeNames(p networkingv1.NetworkPolicy) []string {
	var out []string
	for _, t := range p.Spec.PolicyTypes {
		out = append(out, string(t))
	}
	return out
}
