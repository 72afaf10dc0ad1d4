package cases

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Service is a ClusterIP Service in front of one probe pod, as the upstream e2e tests give every
// probe pod (issue 16): connections to it are the pod's connections once the Service's address
// translation is done, which is where plugins differ.
type Service struct {
	Namespace string
	Name      string
	// Pod is the backend: the pod of Namespace, by name, that the Service selects (and no other).
	Pod string
	// IP is the ClusterIP; predictions without a cluster leave it empty (no ipBlock matches it).
	IP    string
	Ports []ServicePort
}

// ServicePort is one port of a Service. TargetPort is a number, or the name of a container port of
// the backend pod with the same protocol (core/v1 ServicePort.targetPort).
type ServicePort struct {
	Name       string
	Port       int32
	Protocol   corev1.Protocol
	TargetPort intstr.IntOrString
}

// Target is the target a client dials: the Service port.
func (p ServicePort) Target() Target {
	proto := p.Protocol
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	return Target{Protocol: proto, Port: p.Port}
}

// Key names the Service as a peer key does a pod: "namespace/name".
func (s Service) Key() PeerKey { return PodKey(s.Namespace, s.Name) }

// Backend is the peer key of the Service's pod.
func (s Service) Backend() PeerKey { return PodKey(s.Namespace, s.Pod) }

// PodServices returns the Service of every pod of the topology, in pod order: named after its pod,
// one port per served port with the same name, number and protocol, and targetPort by name where
// the pod's port is named (by number otherwise), so the endpoints controller resolves it on the
// pod as it would for any workload.
func PodServices(t Topology) []Service {
	out := make([]Service, 0, len(t.Pods))
	for _, p := range t.Pods {
		svc := Service{Namespace: p.Namespace, Name: p.Name, Pod: p.Name}
		for _, pt := range p.Ports {
			target := intstr.FromInt32(pt.Port)
			if pt.Name != "" {
				target = intstr.FromString(pt.Name)
			}
			svc.Ports = append(svc.Ports, ServicePort{Name: servicePortName(pt), Port: pt.Port, Protocol: pt.Protocol, TargetPort: target})
		}
		out = append(out, svc)
	}
	return out
}

// servicePortName names a Service port: the container port's name, or protocol-port for an
// unnamed one (a Service with several ports must name every one).
func servicePortName(p Port) string {
	if p.Name != "" {
		return p.Name
	}
	proto := p.Protocol
	if proto == "" {
		proto = corev1.ProtocolTCP
	}
	return fmt.Sprintf("%s-%d", protocolName(proto), p.Port)
}
