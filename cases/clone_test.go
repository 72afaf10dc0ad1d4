package cases

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestClone mutates everything reachable from a clone and checks that the original is unchanged.
func TestClone(t *testing.T) {
	t.Parallel()
	c := goodCase()
	cl := c.Clone()
	cl.Features[0] = FeatureSCTP
	cl.Topology.Namespaces[0].Labels["ns"] = "changed"
	cl.Topology.Pods[0].Labels["pod"] = "changed"
	cl.Topology.Pods[0].Ports[0].Port = 1
	cl.Topology.Externals[0].Ports[0].Port = 1
	for i := range cl.Steps {
		s := &cl.Steps[i]
		for j := range s.Apply {
			s.Apply[j].Name = "changed"
			s.Apply[j].Spec.PodSelector.MatchLabels = map[string]string{"changed": "yes"}
		}
		for j := range s.Templates {
			s.Templates[j].Spec.PolicyTypes = append(s.Templates[j].Spec.PolicyTypes[:0], "changed")
		}
		for j := range s.SetPodLabels {
			s.SetPodLabels[j].Labels["pod"] = "changed"
		}
		for j := range s.SetNamespaceLabels {
			s.SetNamespaceLabels[j].Labels["team"] = "changed"
		}
		for j := range s.AddNamespaces {
			s.AddNamespaces[j].Labels["ns"] = "changed"
		}
		for j := range s.AddPods {
			s.AddPods[j].Labels["pod"] = "changed"
			s.AddPods[j].Ports[0].Port = 1
		}
		for j := range s.Delete {
			s.Delete[j].Name = "changed"
		}
		for j := range s.DeletePods {
			s.DeletePods[j] = "changed/changed"
		}
		for j := range s.DeleteNamespaces {
			s.DeleteNamespaces[j] = "changed"
		}
	}
	if diff := cmp.Diff(goodCase(), c); diff != "" {
		t.Errorf("mutating a clone changed the original (-want +got):\n%s", diff)
	}
}
