package clusters

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDaemonSetStatus(t *testing.T) {
	t.Parallel()
	ds := func(gen, observed int64, desired, updated, available int32) appsv1.DaemonSet {
		return appsv1.DaemonSet{
			ObjectMeta: metav1.ObjectMeta{Generation: gen},
			Status: appsv1.DaemonSetStatus{ObservedGeneration: observed, DesiredNumberScheduled: desired,
				UpdatedNumberScheduled: updated, NumberAvailable: available},
		}
	}
	tests := []struct {
		name string
		ds   appsv1.DaemonSet
		want string
	}{
		{"rolled out", ds(2, 2, 3, 3, 3), ""},
		{"patched, not yet observed", ds(3, 2, 3, 3, 3), "spec change not yet observed"},
		{"rolling", ds(2, 2, 3, 1, 3), "1 of 3 pods updated"},
		{"updated, not available", ds(2, 2, 3, 3, 2), "2 of 3 pods available"},
		{"no nodes match", ds(1, 1, 0, 0, 0), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := daemonSetStatus(tt.ds); got != tt.want {
				t.Errorf("daemonSetStatus = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDeploymentStatus(t *testing.T) {
	t.Parallel()
	two := int32(2)
	dep := func(gen, observed int64, replicas, updated, available int32) appsv1.Deployment {
		return appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Generation: gen},
			Spec:       appsv1.DeploymentSpec{Replicas: &two},
			Status: appsv1.DeploymentStatus{ObservedGeneration: observed, Replicas: replicas,
				UpdatedReplicas: updated, AvailableReplicas: available},
		}
	}
	tests := []struct {
		name string
		d    appsv1.Deployment
		want string
	}{
		{"available", dep(1, 1, 2, 2, 2), ""},
		{"not observed", dep(2, 1, 2, 2, 2), "spec change not yet observed"},
		{"updating", dep(1, 1, 2, 1, 2), "1 of 2 replicas updated"},
		{"starting", dep(1, 1, 2, 2, 0), "0 of 2 replicas available"},
		{"old replica terminating", dep(1, 1, 3, 2, 2), "1 old replicas pending termination"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := deploymentStatus(tt.d); got != tt.want {
				t.Errorf("deploymentStatus = %q, want %q", got, tt.want)
			}
		})
	}
}
