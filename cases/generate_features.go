package cases

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// featureSet collects features without duplicates and returns them in vocabulary order.
type featureSet map[Feature]bool

func (s featureSet) list() []Feature {
	var out []Feature
	for _, f := range Features {
		if s[f] {
			out = append(out, f)
		}
	}
	return out
}

// DeriveFeatures returns the features a generated case uses, read from its content rather than
// written by hand, plus "generated". Policy types are read as written: the generator always sets
// them explicitly.
func DeriveFeatures(c *Case) []Feature {
	s := featureSet{FeatureGenerated: true}
	seen := map[PolicyRef]bool{}
	for _, st := range c.Steps {
		for _, p := range st.Apply {
			ref := PolicyRef{Namespace: p.Namespace, Name: p.Name}
			if seen[ref] {
				s[FeaturePolicyUpdate] = true
			}
			seen[ref] = true
			policyFeatures(s, p.Spec)
		}
		s[FeaturePolicyDelete] = s[FeaturePolicyDelete] || len(st.Delete) > 0
		s[FeatureLabelChange] = s[FeatureLabelChange] || len(st.SetPodLabels)+len(st.SetNamespaceLabels) > 0
		s[FeatureTopologyChange] = s[FeatureTopologyChange] ||
			len(st.AddNamespaces)+len(st.AddPods)+len(st.DeletePods)+len(st.DeleteNamespaces) > 0
	}
	s[FeatureMultiplePolicies] = len(seen) > 1
	return s.list()
}

func policyFeatures(s featureSet, spec networkingv1.NetworkPolicySpec) {
	for _, t := range spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			s[FeatureIngress] = true
			s[FeatureDenyAll] = s[FeatureDenyAll] || len(spec.Ingress) == 0
		case networkingv1.PolicyTypeEgress:
			s[FeatureEgress] = true
			s[FeatureDenyAll] = s[FeatureDenyAll] || len(spec.Egress) == 0
		}
	}
	s[FeaturePolicyTypes] = len(spec.PolicyTypes) == 2 || s[FeaturePolicyTypes]
	selectorFeatures(s, &spec.PodSelector)
	for _, r := range spec.Ingress {
		ruleFeatures(s, r.From, r.Ports)
	}
	for _, r := range spec.Egress {
		ruleFeatures(s, r.To, r.Ports)
	}
}

func ruleFeatures(s featureSet, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) {
	if len(peers) == 0 && len(ports) == 0 {
		s[FeatureAllowAll] = true
	}
	if len(peers) > 1 {
		s[FeatureMultiplePeers] = true
	}
	for _, p := range peers {
		peerFeatures(s, p)
	}
	if len(ports) == 0 {
		// Every port of every protocol is allowed, so TCP and UDP are exercised. SCTP is not tagged:
		// under a rule without ports its cells are allowed and denied exactly as the TCP cells of
		// the same pair and port, so no SCTP cell decides anything of its own (cases/README.md,
		// "sctp"); the tag stays for rules whose ports name SCTP (portFeatures).
		s[FeatureTCP], s[FeatureUDP] = true, true
	}
	for _, p := range ports {
		portFeatures(s, p)
	}
}

func peerFeatures(s featureSet, p networkingv1.NetworkPolicyPeer) {
	switch {
	case p.IPBlock != nil:
		s[FeatureIPBlock] = true
		s[FeatureIPBlockExcept] = s[FeatureIPBlockExcept] || len(p.IPBlock.Except) > 0
	case p.PodSelector != nil && p.NamespaceSelector != nil:
		s[FeaturePodAndNamespace] = true
	case p.PodSelector != nil:
		s[FeaturePodSelector] = true
	case p.NamespaceSelector != nil:
		s[FeatureNamespaceSelector] = true
	}
	selectorFeatures(s, p.PodSelector)
	selectorFeatures(s, p.NamespaceSelector)
}

func selectorFeatures(s featureSet, sel *metav1.LabelSelector) {
	if sel != nil && len(sel.MatchExpressions) > 0 {
		s[FeatureMatchExpressions] = true
	}
}

func portFeatures(s featureSet, p networkingv1.NetworkPolicyPort) {
	proto := corev1.ProtocolTCP // the API server's default
	if p.Protocol != nil {
		proto = *p.Protocol
	}
	if f, ok := ProtocolFeature(proto); ok {
		s[f] = true
	}
	switch {
	case p.Port == nil:
		s[FeatureProtocolOnly] = true
	case p.EndPort != nil:
		s[FeatureEndPort] = true
	case p.Port.Type == intstr.String:
		s[FeatureNamedPort] = true
	default:
		s[FeatureNumericPort] = true
	}
}

// ProtocolFeature is the feature of the cases that exercise protocol p (tcp, udp, sctp).
func ProtocolFeature(p corev1.Protocol) (Feature, bool) {
	switch p {
	case corev1.ProtocolTCP:
		return FeatureTCP, true
	case corev1.ProtocolUDP:
		return FeatureUDP, true
	case corev1.ProtocolSCTP:
		return FeatureSCTP, true
	}
	return "", false
}
