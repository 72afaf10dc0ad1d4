package cases

import (
	networkingv1 "k8s.io/api/networking/v1"
)

// Case is one conformance scenario: a topology and the steps applied to it. After every step the
// whole topology is probed and compared with the engine's prediction.
type Case struct {
	Name        string
	Description string
	// Source names the document (or upstream test) the scenario comes from.
	Source string
	// Features are what the case exercises: derived from its content for a loaded case (see
	// DerivedFeatures), plus the provenance its file declares (upstream, generated).
	Features []Feature
	// Labels are the free labels of a user's case: tags of its file outside the vocabulary. They
	// are Ginkgo labels, like features, but no report counts them.
	Labels []string
	// Topology is the case's own topology; nil means the standard topology (see Standard).
	// Load fills it in full for `topology: {base: standard, externals: [...]}`, so readers never
	// have to merge anything; BaseTopology returns it, or Standard() when it is nil.
	Topology *Topology
	// TopologyBase is "standard" when the file extended the standard topology (base: standard),
	// and "" otherwise. It is informational: Topology already includes the base.
	TopologyBase string
	Steps        []Step
	// File is the path the case was loaded from, for messages; empty for generated cases.
	File string
	// Warnings are the problems of a loaded case that do not make it invalid, e.g. a declared
	// feature it does not exercise; callers show them.
	Warnings ErrorList
}

// Step is one change to the cluster. Changes apply in this order: namespace and pod additions,
// label changes, policy deletions, policy applications, pod and namespace deletions.
type Step struct {
	Name string
	// Line and Column say where the step starts in its file; 0 for a case built in code.
	Line, Column int
	// Apply holds the policies to create or replace, defaulted and with IP placeholders resolved
	// against the topology's IPs (see Bind).
	Apply []networkingv1.NetworkPolicy
	// Templates holds Apply as written, with its ${peer} placeholders, so Bind can resolve them
	// again against real IPs. It is nil when Apply has no placeholder.
	Templates          []networkingv1.NetworkPolicy
	Delete             []PolicyRef
	SetPodLabels       []PodLabels
	SetNamespaceLabels []NamespaceLabels
	// Extensions used by the generator: topology changes during a case.
	AddNamespaces    []Namespace
	AddPods          []Pod
	DeletePods       []PeerKey
	DeleteNamespaces []string
	// Graded lists the targets the probes of this step are graded on; nil grades every served
	// target. The other cells are probed and shown but never pass or fail the case (the class
	// not-graded). Upstream parity cases use it to judge what their upstream test judges.
	Graded []Target
}

// PolicyRef names a NetworkPolicy.
type PolicyRef struct {
	Namespace string
	Name      string
}

func (r PolicyRef) String() string { return r.Namespace + "/" + r.Name }

// PodLabels replaces the labels of a pod.
type PodLabels struct {
	Pod    PeerKey
	Labels map[string]string
}

// NamespaceLabels replaces the labels of a namespace (kubernetes.io/metadata.name stays implied).
type NamespaceLabels struct {
	Namespace string
	Labels    map[string]string
}
