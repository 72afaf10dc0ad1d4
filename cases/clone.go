package cases

import (
	networkingv1 "k8s.io/api/networking/v1"
)

// Clone returns a deep copy of the case: changing the copy (its topology, labels, policies) never
// changes c.
func (c *Case) Clone() *Case {
	out := *c
	out.Features = append([]Feature(nil), c.Features...)
	out.Labels = append([]string(nil), c.Labels...)
	out.Warnings = append(ErrorList(nil), c.Warnings...)
	if c.Topology != nil {
		t := c.Topology.Clone()
		out.Topology = &t
	}
	out.Steps = make([]Step, len(c.Steps))
	for i, s := range c.Steps {
		out.Steps[i] = s.clone()
	}
	return &out
}

func (s Step) clone() Step {
	out := Step{
		Name:             s.Name,
		Line:             s.Line,
		Column:           s.Column,
		Apply:            clonePolicies(s.Apply),
		Templates:        clonePolicies(s.Templates),
		Delete:           append([]PolicyRef(nil), s.Delete...),
		DeletePods:       append([]PeerKey(nil), s.DeletePods...),
		DeleteNamespaces: append([]string(nil), s.DeleteNamespaces...),
		Graded:           append([]Target(nil), s.Graded...),
	}
	for _, l := range s.SetPodLabels {
		out.SetPodLabels = append(out.SetPodLabels, PodLabels{Pod: l.Pod, Labels: cloneLabels(l.Labels)})
	}
	for _, l := range s.SetNamespaceLabels {
		out.SetNamespaceLabels = append(out.SetNamespaceLabels, NamespaceLabels{Namespace: l.Namespace, Labels: cloneLabels(l.Labels)})
	}
	added := Topology{Namespaces: s.AddNamespaces, Pods: s.AddPods}.Clone()
	if len(s.AddNamespaces) > 0 {
		out.AddNamespaces = added.Namespaces
	}
	if len(s.AddPods) > 0 {
		out.AddPods = added.Pods
	}
	return out
}

func clonePolicies(in []networkingv1.NetworkPolicy) []networkingv1.NetworkPolicy {
	if in == nil {
		return nil
	}
	out := make([]networkingv1.NetworkPolicy, len(in))
	for i := range in {
		in[i].DeepCopyInto(&out[i])
	}
	return out
}
