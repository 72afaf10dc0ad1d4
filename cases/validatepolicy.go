package cases

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// This file validates a NetworkPolicy as the API server does when it is created: the rules of
// kubernetes pkg/apis/networking/validation (ValidateNetworkPolicy), re-stated here because cnpc
// must not import k8s.io/kubernetes. Each rule names the API reference field it enforces
// (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/).
// Messages use cnpc's "found X, expected Y" wording, not the API server's.

// validatePolicy checks one defaulted policy at path (e.g. steps[0].apply[1]).
func validatePolicy(r *reporter, p *networkingv1.NetworkPolicy, path string) {
	validatePolicyMeta(r, &p.ObjectMeta, join(path, "metadata"))
	spec := join(path, "spec")
	validateSelector(r, &p.Spec.PodSelector, join(spec, "podSelector"))
	for i, rule := range p.Spec.Ingress {
		rp := index(join(spec, "ingress"), i)
		validatePolicyPorts(r, rule.Ports, join(rp, "ports"))
		for j := range rule.From {
			validatePeer(r, &rule.From[j], index(join(rp, "from"), j))
		}
	}
	for i, rule := range p.Spec.Egress {
		rp := index(join(spec, "egress"), i)
		validatePolicyPorts(r, rule.Ports, join(rp, "ports"))
		for j := range rule.To {
			validatePeer(r, &rule.To[j], index(join(rp, "to"), j))
		}
	}
	validatePolicyTypes(r, p.Spec.PolicyTypes, join(spec, "policyTypes"))
}

// validatePolicyMeta applies the API server's object metadata rules (name a DNS-1123 subdomain,
// namespace a DNS-1123 label, valid labels and annotations). cnpc also requires metadata.name,
// where the API server would accept generateName: steps refer to policies by name.
func validatePolicyMeta(r *reporter, m *metav1.ObjectMeta, path string) {
	if m.Name == "" {
		r.addf(join(path, "name"), "missing, expected the policy's name")
	}
	if m.Namespace == "" {
		r.addf(join(path, "namespace"), "missing, expected one of the topology's namespaces")
	}
	errs := apimachineryvalidation.ValidateObjectMeta(m, true, apimachineryvalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	for _, e := range errs {
		if e.Type == field.ErrorTypeRequired && (e.Field == "metadata.name" || e.Field == "metadata.namespace") {
			continue // reported above in cnpc's words
		}
		r.addf(join(parentPath(path), e.Field), "%s", describeFieldError(e))
	}
}

// describeFieldError words an apimachinery field error as "found X: why".
func describeFieldError(e *field.Error) string {
	switch e.Type {
	case field.ErrorTypeInvalid:
		return fmt.Sprintf("found %#v: %s", e.BadValue, e.Detail)
	case field.ErrorTypeRequired:
		return "missing: " + e.Detail
	}
	return e.ErrorBody()
}

// validateSelector checks a label selector as apimachinery's ValidateLabelSelector does:
// matchLabels keys and values are valid labels; each matchExpressions entry has a valid key and
// an operator In or NotIn with at least one value, or Exists or DoesNotExist with none; every
// value is a valid label value.
func validateSelector(r *reporter, s *metav1.LabelSelector, path string) {
	if s == nil {
		return
	}
	validateLabels(r, s.MatchLabels, join(path, "matchLabels"))
	for i, e := range s.MatchExpressions {
		p := index(join(path, "matchExpressions"), i)
		switch e.Operator {
		case metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn:
			if len(e.Values) == 0 {
				r.addf(join(p, "values"), "found no values, expected at least one with operator %s", e.Operator)
			}
		case metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist:
			if len(e.Values) > 0 {
				r.addf(join(p, "values"), "found %d values, expected none with operator %s", len(e.Values), e.Operator)
			}
		default:
			r.addf(join(p, "operator"), "found %q, expected In, NotIn, Exists or DoesNotExist", e.Operator)
		}
		for _, msg := range validation.IsQualifiedName(e.Key) {
			r.addf(join(p, "key"), "found label key %q: %s", e.Key, msg)
		}
		for j, v := range e.Values {
			for _, msg := range validation.IsValidLabelValue(v) {
				r.addf(index(join(p, "values"), j), "found label value %q: %s", v, msg)
			}
		}
	}
}

// validatePolicyPorts checks NetworkPolicyPort entries: protocol TCP, UDP or SCTP; a numeric port
// from 1 to 65535 or an IANA_SVC_NAME; endPort only beside a numeric port, from port to 65535.
func validatePolicyPorts(r *reporter, ports []networkingv1.NetworkPolicyPort, path string) {
	for i, port := range ports {
		p := index(path, i)
		if port.Protocol != nil && !validProtocol(*port.Protocol) {
			r.addf(join(p, "protocol"), "found %q, expected TCP, UDP or SCTP", *port.Protocol)
		}
		switch {
		case port.Port == nil:
			if port.EndPort != nil {
				r.addf(join(p, "endPort"), "found endPort %d without port, expected a numeric port beside it", *port.EndPort)
			}
		case port.Port.Type == intstr.Int:
			validatePortRange(r, port.Port.IntVal, port.EndPort, p)
		default:
			if port.EndPort != nil {
				r.addf(join(p, "endPort"), "found endPort %d with the named port %q, expected a numeric port beside it", *port.EndPort, port.Port.StrVal)
			}
			for _, msg := range validation.IsValidPortName(port.Port.StrVal) {
				r.addf(join(p, "port"), "found %q: %s", port.Port.StrVal, msg)
			}
		}
	}
}

func validatePortRange(r *reporter, port int32, endPort *int32, path string) {
	for _, msg := range validation.IsValidPortNum(int(port)) {
		r.addf(join(path, "port"), "found %d: %s", port, msg)
	}
	if endPort == nil {
		return
	}
	if *endPort < port {
		r.addf(join(path, "endPort"), "found %d, expected at least port %d", *endPort, port)
	}
	for _, msg := range validation.IsValidPortNum(int(*endPort)) {
		r.addf(join(path, "endPort"), "found %d: %s", *endPort, msg)
	}
}

// validatePeer checks one from/to entry: at least one of podSelector, namespaceSelector and
// ipBlock; ipBlock only alone.
func validatePeer(r *reporter, peer *networkingv1.NetworkPolicyPeer, path string) {
	validateSelector(r, peer.PodSelector, join(path, "podSelector"))
	validateSelector(r, peer.NamespaceSelector, join(path, "namespaceSelector"))
	switch {
	case peer.PodSelector == nil && peer.NamespaceSelector == nil && peer.IPBlock == nil:
		r.addf(path, "found an empty peer, expected podSelector, namespaceSelector or ipBlock")
	case peer.IPBlock != nil && (peer.PodSelector != nil || peer.NamespaceSelector != nil):
		r.addf(join(path, "ipBlock"), "found ipBlock with a pod or namespace selector in one peer, expected ipBlock alone")
	}
	if peer.IPBlock != nil {
		validateIPBlock(r, peer.IPBlock, join(path, "ipBlock"))
	}
}

// validateIPBlock checks cidr and except as the API server does without the alpha
// StrictIPCIDRValidation gate: valid CIDRs (host bits may be set), and every except a strict
// subset of cidr, i.e. inside it with a longer prefix.
func validateIPBlock(r *reporter, b *networkingv1.IPBlock, path string) {
	cp := join(path, "cidr")
	if b.CIDR == "" {
		r.addf(cp, "missing, expected a CIDR such as 10.0.0.0/24")
		return
	}
	if r.bad[cp] {
		return
	}
	cidr, err := ParseCIDR(b.CIDR)
	if err != nil {
		r.addf(cp, "%v", err)
		return
	}
	for i, s := range b.Except {
		ep := index(join(path, "except"), i)
		if r.bad[ep] {
			continue
		}
		except, err := ParseCIDR(s)
		switch {
		case err != nil:
			r.addf(ep, "%v", err)
		case !cidr.Contains(except.Addr()):
			r.addf(ep, "%s is not inside cidr %s", s, b.CIDR)
		case except.Bits() <= cidr.Bits():
			r.addf(ep, "%s is not strictly inside cidr %s, expected a prefix longer than /%d", s, b.CIDR, cidr.Bits())
		}
	}
}

// validatePolicyTypes allows at most two entries, each Ingress or Egress. The API server accepts
// a repeated type ([Ingress, Ingress]), so cnpc does too.
func validatePolicyTypes(r *reporter, types []networkingv1.PolicyType, path string) {
	if len(types) > 2 {
		r.addf(path, "found %d policy types, expected at most two", len(types))
		return
	}
	for i, t := range types {
		if t != networkingv1.PolicyTypeIngress && t != networkingv1.PolicyTypeEgress {
			r.addf(index(path, i), "found %q, expected Ingress or Egress", t)
		}
	}
}

// validTypeMeta checks apiVersion and kind of a policy written in a case file.
func validateTypeMeta(r *reporter, tm metav1.TypeMeta, path string) {
	if tm.APIVersion != "networking.k8s.io/v1" {
		r.addf(join(path, "apiVersion"), "found %q, expected networking.k8s.io/v1", tm.APIVersion)
	}
	if tm.Kind != "NetworkPolicy" {
		r.addf(join(path, "kind"), "found %q, expected NetworkPolicy", tm.Kind)
	}
}
