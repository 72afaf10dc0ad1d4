package cases

import (
	"sort"

	networkingv1 "k8s.io/api/networking/v1"
)

// State is the cluster after one step: the topology (with label changes and additions and
// deletions so far) and every policy in force, sorted by namespace and name. States share no
// memory with each other or with their case.
type State struct {
	// Step is the index of the step in Case.Steps.
	Step     int
	Name     string
	Topology Topology
	Policies []networkingv1.NetworkPolicy
}

// BaseTopology returns a copy of the topology the case starts from: its own, or the standard one.
func (c *Case) BaseTopology() Topology {
	if c.Topology == nil {
		return Standard()
	}
	return c.Topology.Clone()
}

// States validates the case and returns the cluster after each step, cumulatively. Within a step,
// changes apply in the order documented on Step. Policies are defaulted as the API server would.
// The error is an ErrorList.
func (c *Case) States() ([]State, error) {
	r := newReporter(c.File)
	states := c.Clone().check(r)
	if err := r.errs.orNil(); err != nil {
		return nil, err
	}
	return states, nil
}

// cluster is the state replay works on.
type cluster struct {
	topo     Topology
	policies map[PolicyRef]networkingv1.NetworkPolicy
}

// replay runs the steps of c, checking that every step refers to things that exist at that point,
// resolving placeholders and defaulting and validating the applied policies (in c, in place). It
// returns the state after each step.
func (c *Case) replay(r *reporter) []State {
	cl := &cluster{topo: c.BaseTopology(), policies: map[PolicyRef]networkingv1.NetworkPolicy{}}
	states := make([]State, 0, len(c.Steps))
	for i := range c.Steps {
		s := &c.Steps[i]
		path := index("steps", i)
		cl.addNamespaces(r, s.AddNamespaces, join(path, "addNamespaces"))
		cl.addPods(r, s.AddPods, join(path, "addPods"))
		cl.setPodLabels(r, s.SetPodLabels, join(path, "setPodLabels"))
		cl.setNamespaceLabels(r, s.SetNamespaceLabels, join(path, "setNamespaceLabels"))
		cl.deletePolicies(r, s.Delete, join(path, "delete"))
		cl.apply(r, s, join(path, "apply"))
		cl.deletePods(r, s.DeletePods, join(path, "deletePods"))
		cl.deleteNamespaces(r, s.DeleteNamespaces, join(path, "deleteNamespaces"))
		validateGraded(r, s.Graded, &cl.topo, join(path, "graded"))
		states = append(states, State{Step: i, Name: s.Name, Topology: cl.topo.Clone(), Policies: cl.sortedPolicies()})
	}
	return states
}

func (cl *cluster) namespace(name string) int {
	for i, n := range cl.topo.Namespaces {
		if n.Name == name {
			return i
		}
	}
	return -1
}

func (cl *cluster) pod(k PeerKey) int {
	for i, p := range cl.topo.Pods {
		if p.Key() == k {
			return i
		}
	}
	return -1
}

func (cl *cluster) addNamespaces(r *reporter, add []Namespace, path string) {
	for i, n := range add {
		p := index(path, i)
		validateNamespace(r, n, p)
		if cl.namespace(n.Name) >= 0 {
			r.addf(join(p, "name"), "found namespace %q, which already exists at this step, expected a new one", n.Name)
			continue
		}
		cl.topo.Namespaces = append(cl.topo.Namespaces, Namespace{Name: n.Name, Labels: cloneLabels(n.Labels)})
	}
}

func (cl *cluster) addPods(r *reporter, add []Pod, path string) {
	for i, pod := range add {
		p := index(path, i)
		validatePod(r, pod, p)
		switch {
		case cl.namespace(pod.Namespace) < 0:
			r.addf(join(p, "namespace"), "found %q, expected a namespace that exists at this step", pod.Namespace)
			continue
		case cl.pod(pod.Key()) >= 0:
			r.addf(join(p, "name"), "found pod %s, which already exists at this step, expected a new one", pod.Key())
			continue
		}
		for k, ip := range peerIPs(&cl.topo) {
			if ip == pod.IP && pod.IP != "" {
				r.addf(join(p, "ip"), "found %s, which %s already has, expected a unique IP", ip, k)
			}
		}
		pod.Labels = cloneLabels(pod.Labels)
		pod.Ports = append([]Port(nil), pod.Ports...)
		cl.topo.Pods = append(cl.topo.Pods, pod)
	}
}

func (cl *cluster) setPodLabels(r *reporter, set []PodLabels, path string) {
	for i, l := range set {
		p := index(path, i)
		validateLabels(r, l.Labels, join(p, "labels"))
		j := cl.pod(l.Pod)
		if j < 0 {
			r.addf(join(p, "pod"), "found %q, expected namespace/pod of a pod that exists at this step", l.Pod)
			continue
		}
		cl.topo.Pods[j].Labels = cloneLabels(l.Labels)
	}
}

func (cl *cluster) setNamespaceLabels(r *reporter, set []NamespaceLabels, path string) {
	for i, l := range set {
		p := index(path, i)
		j := cl.namespace(l.Namespace)
		if j < 0 {
			r.addf(join(p, "namespace"), "found %q, expected a namespace that exists at this step", l.Namespace)
			continue
		}
		validateNamespace(r, Namespace{Name: l.Namespace, Labels: l.Labels}, p)
		cl.topo.Namespaces[j].Labels = cloneLabels(l.Labels)
	}
}

func (cl *cluster) deletePolicies(r *reporter, refs []PolicyRef, path string) {
	for i, ref := range refs {
		if _, ok := cl.policies[ref]; !ok {
			r.addf(index(path, i), "found %s, expected a policy applied in an earlier step", ref)
			continue
		}
		delete(cl.policies, ref)
	}
}

// apply resolves the step's placeholders against the topology as it is now, defaults and
// validates each policy, and creates or replaces it.
func (cl *cluster) apply(r *reporter, s *Step, path string) {
	if s.Templates == nil && hasPlaceholder(s.Apply) {
		s.Templates = s.Apply
	}
	src := s.Apply
	if s.Templates != nil {
		src = s.Templates
	}
	ips := peerIPs(&cl.topo)
	applied := make([]networkingv1.NetworkPolicy, len(src))
	seen := map[PolicyRef]bool{}
	for i := range src {
		p := src[i].DeepCopy()
		pp := index(path, i)
		resolvePlaceholders(r, p, pp, ips)
		DefaultPolicy(p)
		validatePolicy(r, p, pp)
		ref := PolicyRef{Namespace: p.Namespace, Name: p.Name}
		if p.Namespace != "" && cl.namespace(p.Namespace) < 0 {
			r.addf(join(pp, "metadata.namespace"), "found %q, expected a namespace that exists at this step", p.Namespace)
		}
		if seen[ref] {
			r.addf(join(pp, "metadata.name"), "found policy %s twice in this step, expected each policy once", ref)
		}
		seen[ref] = true
		applied[i] = *p
		cl.policies[ref] = *p.DeepCopy()
	}
	if len(src) > 0 {
		s.Apply = applied
	}
}

func (cl *cluster) deletePods(r *reporter, keys []PeerKey, path string) {
	for i, k := range keys {
		j := cl.pod(k)
		if j < 0 {
			r.addf(index(path, i), "found %q, expected namespace/pod of a pod that exists at this step", k)
			continue
		}
		cl.topo.Pods = append(cl.topo.Pods[:j:j], cl.topo.Pods[j+1:]...)
	}
}

// deleteNamespaces removes namespaces with their pods and policies, as namespace deletion does.
func (cl *cluster) deleteNamespaces(r *reporter, names []string, path string) {
	for i, name := range names {
		j := cl.namespace(name)
		if j < 0 {
			r.addf(index(path, i), "found %q, expected a namespace that exists at this step", name)
			continue
		}
		cl.topo.Namespaces = append(cl.topo.Namespaces[:j:j], cl.topo.Namespaces[j+1:]...)
		pods := cl.topo.Pods[:0:0]
		for _, p := range cl.topo.Pods {
			if p.Namespace != name {
				pods = append(pods, p)
			}
		}
		cl.topo.Pods = pods
		for ref := range cl.policies {
			if ref.Namespace == name {
				delete(cl.policies, ref)
			}
		}
	}
}

// sortedPolicies returns deep copies of the policies in force, sorted by namespace and name.
func (cl *cluster) sortedPolicies() []networkingv1.NetworkPolicy {
	refs := make([]PolicyRef, 0, len(cl.policies))
	for ref := range cl.policies {
		refs = append(refs, ref)
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Namespace != refs[j].Namespace {
			return refs[i].Namespace < refs[j].Namespace
		}
		return refs[i].Name < refs[j].Name
	})
	out := make([]networkingv1.NetworkPolicy, len(refs))
	for i, ref := range refs {
		p := cl.policies[ref]
		out[i] = *p.DeepCopy()
	}
	return out
}
