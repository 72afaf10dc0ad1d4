package cases

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The generator's building blocks: named choices for each dimension it combines. Every choice is
// valid for the API server on the standard topology (see the NetworkPolicy API reference: endPort
// only with a numeric port, except inside its cidr, named ports without endPort).

// genTarget is a choice of spec.podSelector.
type genTarget struct {
	name     string
	selector metav1.LabelSelector
}

// genPeers is a choice of the from/to list of one rule; nil peers means "every peer".
type genPeers struct {
	name  string
	peers []networkingv1.NetworkPolicyPeer
}

// genPorts is a choice of the ports list of one rule; nil ports means "every port".
type genPorts struct {
	name  string
	ports []networkingv1.NetworkPolicyPort
}

func labelSel(k, v string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{k: v}}
}

func exprSel(k string, op metav1.LabelSelectorOperator, vals ...string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: k, Operator: op, Values: vals}}}
}

func genTargets() []genTarget {
	return []genTarget{
		{"all", metav1.LabelSelector{}},
		{"a", *labelSel("pod", "a")},
		{"ab", *exprSel("pod", metav1.LabelSelectorOpIn, "a", "b")},
	}
}

func genPeerChoices() []genPeers {
	type p = networkingv1.NetworkPolicyPeer
	return []genPeers{
		{"any", nil},
		{"pod", []p{{PodSelector: labelSel("pod", "b")}}},
		{"ns", []p{{NamespaceSelector: labelSel("ns", "y")}}},
		{"pod-ns", []p{{PodSelector: labelSel("pod", "b"), NamespaceSelector: labelSel("ns", "y")}}},
		{"all-ns", []p{{NamespaceSelector: &metav1.LabelSelector{}}}},
		{"expr", []p{{PodSelector: exprSel("pod", metav1.LabelSelectorOpNotIn, "a")}}},
		{"cidr", []p{{IPBlock: &networkingv1.IPBlock{CIDR: "${y/b}/32"}}}},
		{"cidr-except", []p{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"${x/b}/32"}}}}},
		{"multi", []p{{PodSelector: labelSel("pod", "c")}, {NamespaceSelector: labelSel("ns", "z")}}},
	}
}

func proto(p corev1.Protocol) *corev1.Protocol { return &p }

func num(n int32) *intstr.IntOrString { v := intstr.FromInt32(n); return &v }

func named(s string) *intstr.IntOrString { v := intstr.FromString(s); return &v }

func genPortChoices() []genPorts {
	type np = networkingv1.NetworkPolicyPort
	end := int32(81)
	return []genPorts{
		{"any-port", nil},
		{"80", []np{{Port: num(80)}}},
		{"named", []np{{Port: named("serve-81-tcp")}}},
		{"udp-named", []np{{Protocol: proto(corev1.ProtocolUDP), Port: named("serve-80-udp")}}},
		{"range", []np{{Protocol: proto(corev1.ProtocolTCP), Port: num(80), EndPort: &end}}},
		{"udp-only", []np{{Protocol: proto(corev1.ProtocolUDP)}}},
		{"sctp-81", []np{{Protocol: proto(corev1.ProtocolSCTP), Port: num(81)}}},
		{"multi-port", []np{{Protocol: proto(corev1.ProtocolTCP), Port: num(81)}, {Protocol: proto(corev1.ProtocolUDP), Port: num(80)}}},
	}
}

// genDirection is which side of a connection a generated policy restricts.
type genDirection string

const (
	dirIngress genDirection = "ingress"
	dirEgress  genDirection = "egress"
	dirBoth    genDirection = "both"
)

var genDirections = []genDirection{dirIngress, dirEgress, dirBoth}

// genRule is one rule before it is placed in ingress or egress.
type genRule struct {
	peers genPeers
	ports genPorts
}

// policy builds a NetworkPolicy in namespace x selecting target, with rules in the direction(s) of
// d and explicit policyTypes (so a rule-less policy denies, as the API reference describes).
func policy(name string, target metav1.LabelSelector, d genDirection, rules ...genRule) networkingv1.NetworkPolicy {
	np := networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "x"},
		Spec:       networkingv1.NetworkPolicySpec{PodSelector: target},
	}
	if d == dirIngress || d == dirBoth {
		np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress)
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{}
		for _, r := range rules {
			np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: r.peers.peers, Ports: r.ports.ports})
		}
	}
	if d == dirEgress || d == dirBoth {
		np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		np.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{}
		for _, r := range rules {
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: r.peers.peers, Ports: r.ports.ports})
		}
	}
	return np
}
