package main

import (
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/cases"
)

// TestUpstreamGraded checks that every upstream parity case grades, step by step, exactly the
// protocols and ports its upstream test probes after that step (upstreamExpectations, which
// TestUpstreamParity ties to the engine), and that the UDP-only and SCTP-only contexts run on pods
// that serve nothing else, as upstream's do.
func TestUpstreamGraded(t *testing.T) {
	t.Parallel()
	catalog, err := cases.Catalog()
	if err != nil {
		t.Fatalf("Catalog(): %v", err)
	}
	byName := map[string]*cases.Case{}
	for _, c := range catalog {
		byName[c.Name] = c
	}
	for _, ut := range upstreamExpectations {
		t.Run(ut.name, func(t *testing.T) {
			t.Parallel()
			c := byName["upstream-"+ut.name]
			if c == nil {
				t.Fatalf("no catalog case upstream-%s", ut.name)
			}
			want := map[int][]string{}
			for _, ch := range ut.checks {
				want[ch.step] = appendOnce(want[ch.step], fmt.Sprintf("%s/%d", ch.proto, ch.port))
			}
			if len(want) != len(c.Steps) {
				t.Fatalf("upstream probes after %d steps, the case has %d", len(want), len(c.Steps))
			}
			for i, s := range c.Steps {
				if s.Graded == nil {
					t.Errorf("step %d grades every target, upstream probes only %v", i, want[i])
					continue
				}
				if diff := cmp.Diff(sorted(want[i]), sorted(targetNames(s.Graded))); diff != "" {
					t.Errorf("step %d graded targets (-upstream +case):\n%s", i, diff)
				}
			}
		})
	}
	for _, name := range []string{"udp-default-deny-ingress", "udp-pod-in-other-namespace", "sctp-default-deny-ingress", "sctp-pod-in-other-namespace"} {
		c := byName["upstream-"+name]
		if c == nil {
			t.Fatalf("no catalog case upstream-%s", name)
		}
		topo := c.BaseTopology()
		for _, p := range topo.Pods {
			var served []string
			for _, pt := range p.Ports {
				served = append(served, pt.String())
			}
			if diff := cmp.Diff(sorted(targetNames(c.Steps[0].Graded)), sorted(served)); diff != "" {
				t.Errorf("upstream-%s: pod %s serves other targets than the graded ones (-graded +served):\n%s", name, p.Key(), diff)
			}
		}
	}
}

func targetNames(ts []cases.Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
