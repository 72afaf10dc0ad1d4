package cases

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// DefaultPolicy sets, in place, the fields the API server defaults when a NetworkPolicy is
// created, so that the engine only ever sees the stored form. It is idempotent.
//
// The rules, from the API reference
// (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/) and
// the networking/v1 defaulting functions of the API server:
//   - spec.policyTypes absent or empty: [Ingress], plus Egress if spec.egress has at least one
//     rule. An `egress: []` therefore does not add Egress, exactly like an absent egress.
//   - ports[].protocol absent: TCP, in ingress and egress rules alike.
func DefaultPolicy(p *networkingv1.NetworkPolicy) {
	spec := &p.Spec
	if len(spec.PolicyTypes) == 0 {
		spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
		if len(spec.Egress) > 0 {
			spec.PolicyTypes = append(spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		}
	}
	for i := range spec.Ingress {
		defaultPorts(spec.Ingress[i].Ports)
	}
	for i := range spec.Egress {
		defaultPorts(spec.Egress[i].Ports)
	}
}

func defaultPorts(ports []networkingv1.NetworkPolicyPort) {
	for i := range ports {
		if ports[i].Protocol == nil {
			tcp := corev1.ProtocolTCP
			ports[i].Protocol = &tcp
		}
	}
}
