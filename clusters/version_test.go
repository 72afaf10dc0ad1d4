package clusters

import "testing"

func TestImageTag(t *testing.T) {
	t.Parallel()
	tests := []struct{ image, want string }{
		{"localhost/offline/kube-router:v1.3.2", "v1.3.2"},
		{"docker.io/calico/node:v3.29.3@sha256:abc", "v3.29.3"},
		{"localhost:5000/cni/agent", "latest"},
		{"localhost:5000/cni/agent:dev", "dev"},
		{"quay.io/cilium/cilium@sha256:def", "sha256:def"},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			t.Parallel()
			if got := ImageTag(tt.image); got != tt.want {
				t.Errorf("ImageTag(%q) = %q, want %q", tt.image, got, tt.want)
			}
		})
	}
}
