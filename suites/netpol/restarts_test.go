package netpol

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/cases"
)

func TestDisruptions(t *testing.T) {
	t.Parallel()
	before := ClusterState{
		Probes: map[cases.PeerKey]PodState{
			"x/a": {UID: "1", IP: "10.0.0.1"}, "x/b": {UID: "2", IP: "10.0.0.2"},
			"x/c": {UID: "3", IP: "10.0.0.3"}, "y/a": {UID: "4", IP: "10.0.1.1"}, "y/b": {UID: "5", IP: "10.0.1.2"},
		},
		System: map[string]PodState{
			"kube-system/agent-1": {UID: "a1", Restarts: 0}, "kube-system/agent-2": {UID: "a2"},
			"kube-system/coredns": {UID: "d"}, "kube-system/proxy": {UID: "p"},
		},
	}
	same := ClusterState{Probes: map[cases.PeerKey]PodState{}, System: map[string]PodState{}}
	for k, v := range before.Probes {
		same.Probes[k] = v
	}
	for k, v := range before.System {
		same.System[k] = v
	}
	if got := Disruptions(before, same); len(got) != 0 {
		t.Errorf("nothing changed, got %q", got)
	}
	after := ClusterState{
		Probes: map[cases.PeerKey]PodState{
			"x/a": {UID: "1", IP: "10.0.0.1"},
			"x/b": {UID: "9", IP: "10.0.0.9"},              // re-created mid-case
			"x/c": {UID: "3", IP: "10.0.0.3", Restarts: 1}, // restarted
			"y/b": {UID: "5", IP: "10.0.1.7"},              // moved (impossible without re-creation, but seen is seen)
		},
		System: map[string]PodState{
			"kube-system/agent-1": {UID: "a1", Restarts: 1}, "kube-system/agent-3": {UID: "a3"},
			"kube-system/coredns": {UID: "d2"}, "kube-system/proxy": {UID: "p"},
		},
	}
	want := []string{
		"pod kube-system/agent-1 restarted (0 -> 1 restarts)",
		"pod kube-system/agent-2 is gone",
		"pod kube-system/agent-3 appeared",
		"pod kube-system/coredns was re-created",
		"probe pod x/b was re-created (IP 10.0.0.2 -> 10.0.0.9)",
		"probe pod x/c restarted (0 -> 1 restarts)",
		"probe pod y/a is gone",
		"probe pod y/b changed IP 10.0.1.2 -> 10.0.1.7",
	}
	if diff := cmp.Diff(want, Disruptions(before, after)); diff != "" {
		t.Errorf("Disruptions (-want +got):\n%s", diff)
	}
}

func TestStablePods(t *testing.T) {
	t.Parallel()
	load := func(yaml string) *cases.Case {
		t.Helper()
		c, err := cases.Load("case.yaml", []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Pod x/b is deleted in step 1 and re-added in step 2: its UID and IP change by design, so it
	// is not watched. Every other pod of the standard topology is.
	c := load(`name: readd
description: a pod deleted and added again
features: [ingress]
steps:
- name: delete x/b
  deletePods: [x/b]
- name: add it again
  addPods:
  - {namespace: x, name: b, labels: {pod: b}, ip: 10.244.1.11, ports: [{port: 80}, {port: 81}, {port: 80, protocol: UDP}, {port: 81, protocol: UDP}, {port: 80, protocol: SCTP}, {port: 81, protocol: SCTP}]}
`)
	states, err := c.States()
	if err != nil {
		t.Fatal(err)
	}
	got := stablePods(c.BaseTopology(), states)
	for _, k := range got {
		if k == "x/b" {
			t.Errorf("x/b is deleted and re-added by the case, yet watched")
		}
	}
	if len(got) != len(cases.Standard().Pods)-1 {
		t.Errorf("watched %d pods %v, want every standard pod but x/b (%d)", len(got), got, len(cases.Standard().Pods)-1)
	}
}
