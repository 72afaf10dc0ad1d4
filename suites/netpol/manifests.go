package netpol

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// OwnedLabel marks the namespaces the suite created. The suite touches no namespace without it,
// and refuses to start when one of its namespace names exists without it (issue 5, --existing).
const (
	OwnedLabel = "cnpc.dev/owned"
	OwnedValue = "true"
	// RunAnnotation carries the id of the run that last set a namespace up. An annotation, not
	// a label: no selector can see it, so the engine's model needs no copy of it.
	RunAnnotation  = "cnpc.dev/run"
	probeContainer = "probe"
	specAnnotation = "cnpc.dev/probe-spec"
)

// namespaceLabels returns the labels a topology namespace carries in the cluster: the case's
// labels plus the ownership label. (The API server adds kubernetes.io/metadata.name itself.)
func namespaceLabels(ns cases.Namespace) map[string]string {
	out := map[string]string{OwnedLabel: OwnedValue}
	for k, v := range ns.Labels {
		out[k] = v
	}
	return out
}

// ModelNamespace returns the namespace as the engine must see it: with the ownership label, which
// the cluster's namespace really carries, so that no selector can tell the model from the cluster.
func ModelNamespace(ns cases.Namespace) cases.Namespace {
	return cases.Namespace{Name: ns.Name, Labels: namespaceLabels(ns)}
}

func namespaceObject(ns cases.Namespace, runID string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns.Name, Labels: namespaceLabels(ns),
		Annotations: map[string]string{RunAnnotation: runID}}}
}

// portsArg is the probe server's --ports value, port first: "80/TCP,80/UDP".
func portsArg(ports []cases.Port) string {
	parts := make([]string, len(ports))
	for i, p := range ports {
		parts[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
	}
	return strings.Join(parts, ",")
}

// podObject returns the probe pod of a topology pod: one container serving the pod's ports, its
// container ports named as the topology names them (named-port policies resolve against them),
// pinned to node. The image must already be on the node: imagePullPolicy Never, so a run never
// reaches a registry. The annotation records what the pod serves, so a later reconcile can tell
// whether an existing pod still fits the topology.
func podObject(p cases.Pod, image, node string) *corev1.Pod {
	var ports []corev1.ContainerPort
	for _, pt := range p.Ports {
		ports = append(ports, corev1.ContainerPort{Name: pt.Name, ContainerPort: pt.Port, Protocol: pt.Protocol})
	}
	zero := int64(0)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:   p.Namespace,
			Name:        p.Name,
			Labels:      podLabels(p),
			Annotations: map[string]string{specAnnotation: podSpecKey(p, image)},
		},
		Spec: corev1.PodSpec{
			NodeName:                      node,
			Tolerations:                   []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			TerminationGracePeriodSeconds: &zero,
			AutomountServiceAccountToken:  new(bool),
			EnableServiceLinks:            new(bool),
			Containers: []corev1.Container{{
				Name:            probeContainer,
				Image:           image,
				ImagePullPolicy: corev1.PullNever,
				Args:            []string{"serve", "--identity", string(p.Key()), "--ports", portsArg(p.Ports)},
				Ports:           ports,
			}},
		},
	}
}

// podSpecKey summarises what a probe pod serves and runs: image and named ports.
func podSpecKey(p cases.Pod, image string) string {
	parts := []string{image}
	for _, pt := range p.Ports {
		parts = append(parts, pt.Name+"="+pt.String())
	}
	sort.Strings(parts[1:])
	return strings.Join(parts, " ")
}

func copyLabels(in map[string]string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}
