package cases

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// LabelMetadataName is the label the API server sets on every namespace to the namespace's name.
// https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name
const LabelMetadataName = "kubernetes.io/metadata.name"

// Topology is what a case runs against: namespaces, the probe pods in them, and hosts outside the
// cluster. Order matters: it is the order of rows and columns in every truth table.
type Topology struct {
	Namespaces []Namespace
	Pods       []Pod
	Externals  []External
}

// Namespace is a namespace and its labels, without the implied kubernetes.io/metadata.name.
type Namespace struct {
	Name   string
	Labels map[string]string
}

// EffectiveLabels returns the labels the API server would show: Labels plus
// kubernetes.io/metadata.name=<name>, which cannot be overridden.
func (n Namespace) EffectiveLabels() map[string]string {
	out := make(map[string]string, len(n.Labels)+1)
	for k, v := range n.Labels {
		out[k] = v
	}
	out[LabelMetadataName] = n.Name
	return out
}

// Pod is a probe pod: its labels, the IP predictions use, and the container ports it serves.
type Pod struct {
	Namespace string
	Name      string
	Labels    map[string]string
	// IP is used by predict; live runs replace it with the pod's real IP.
	IP    string
	Ports []Port
}

// Key returns the pod's peer key, "namespace/name".
func (p Pod) Key() PeerKey { return PodKey(p.Namespace, p.Name) }

// External is a host outside the cluster, reachable only through ipBlock peers.
type External struct {
	Name  string
	IP    string
	Ports []Port
}

// Key returns the external host's peer key, its name.
func (e External) Key() PeerKey { return ExternalKey(e.Name) }

// Port is a served port. Name is the container port name (pods only); Protocol is TCP, UDP or SCTP.
type Port struct {
	Name     string
	Port     int32
	Protocol corev1.Protocol
}

func (p Port) String() string { return fmt.Sprintf("%s/%d", p.Protocol, p.Port) }

// Protocols lists the protocols NetworkPolicy knows, in the order tables show them.
var Protocols = []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

// StandardPorts are the ports every pod of the standard topology serves: 80 and 81 on TCP, UDP
// and SCTP, named serve-<port>-<protocol>.
func StandardPorts() []Port {
	var out []Port
	for _, port := range []int32{80, 81} {
		for _, proto := range Protocols {
			out = append(out, Port{Name: StandardPortName(port, proto), Port: port, Protocol: proto})
		}
	}
	return out
}

// StandardPortName is the container port name of port/proto in the standard topology, e.g. serve-80-tcp.
func StandardPortName(port int32, proto corev1.Protocol) string {
	return fmt.Sprintf("serve-%d-%s", port, protocolName(proto))
}

// protocolName is a protocol as port names write it: tcp, udp, sctp.
func protocolName(proto corev1.Protocol) string {
	return map[corev1.Protocol]string{corev1.ProtocolTCP: "tcp", corev1.ProtocolUDP: "udp", corev1.ProtocolSCTP: "sctp"}[proto]
}

// Standard returns the standard topology: namespaces x, y, z labelled ns=<name>, each with pods
// a, b, c labelled pod=<name>, every pod serving StandardPorts. Pod IPs (for predictions) are
// 10.244.<n>.<10+m> for the n-th namespace (from 1) and m-th pod (from 0).
func Standard() Topology {
	var t Topology
	for i, ns := range []string{"x", "y", "z"} {
		t.Namespaces = append(t.Namespaces, Namespace{Name: ns, Labels: map[string]string{"ns": ns}})
		for j, pod := range []string{"a", "b", "c"} {
			t.Pods = append(t.Pods, Pod{
				Namespace: ns,
				Name:      pod,
				Labels:    map[string]string{"pod": pod},
				IP:        fmt.Sprintf("10.244.%d.%d", i+1, 10+j),
				Ports:     StandardPorts(),
			})
		}
	}
	return t
}

// Clone returns a deep copy, so steps can change labels without touching the original.
func (t Topology) Clone() Topology {
	out := Topology{
		Namespaces: make([]Namespace, len(t.Namespaces)),
		Pods:       make([]Pod, len(t.Pods)),
		Externals:  make([]External, len(t.Externals)),
	}
	for i, n := range t.Namespaces {
		out.Namespaces[i] = Namespace{Name: n.Name, Labels: cloneLabels(n.Labels)}
	}
	for i, p := range t.Pods {
		p.Labels = cloneLabels(p.Labels)
		p.Ports = append([]Port(nil), p.Ports...)
		out.Pods[i] = p
	}
	for i, e := range t.Externals {
		e.Ports = append([]Port(nil), e.Ports...)
		out.Externals[i] = e
	}
	return out
}

// Peers returns every peer key in table order: pods in topology order, then externals.
func (t Topology) Peers() []PeerKey {
	out := make([]PeerKey, 0, len(t.Pods)+len(t.Externals))
	for _, p := range t.Pods {
		out = append(out, p.Key())
	}
	for _, e := range t.Externals {
		out = append(out, e.Key())
	}
	return out
}

func cloneLabels(in map[string]string) map[string]string {
	if in == nil {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}
