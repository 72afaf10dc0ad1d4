package netpol

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

func TestPodObject(t *testing.T) {
	t.Parallel()
	p := cases.Standard().Pods[0]
	pod := podObject(p, "localhost/cnpc/probe:t", "node-1")
	c := pod.Spec.Containers[0]
	wantArgs := []string{"serve", "--identity", "x/a", "--ports", "80/TCP,80/UDP,80/SCTP,81/TCP,81/UDP,81/SCTP"}
	if diff := cmp.Diff(wantArgs, c.Args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	if c.ImagePullPolicy != corev1.PullNever || pod.Spec.NodeName != "node-1" {
		t.Errorf("pull policy %s node %q, want Never and node-1", c.ImagePullPolicy, pod.Spec.NodeName)
	}
	if len(c.Ports) != 6 || c.Ports[2] != (corev1.ContainerPort{Name: "serve-80-sctp", ContainerPort: 80, Protocol: corev1.ProtocolSCTP}) {
		t.Errorf("container ports %v, want the six named standard ports", c.Ports)
	}
	other := p
	other.Ports = other.Ports[:1]
	if podSpecKey(p, "i") == podSpecKey(other, "i") || podSpecKey(p, "i") == podSpecKey(p, "j") {
		t.Errorf("spec key does not change with the ports or the image: %q", podSpecKey(p, "i"))
	}
}

func TestNamespaceLabels(t *testing.T) {
	t.Parallel()
	got := ModelNamespace(cases.Namespace{Name: "x", Labels: map[string]string{"ns": "x"}})
	want := map[string]string{"ns": "x", OwnedLabel: OwnedValue}
	if diff := cmp.Diff(want, got.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}
