package clusters

import (
	"runtime/debug"
	"testing"
)

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

func TestModuleVersion(t *testing.T) {
	info := &debug.BuildInfo{Deps: []*debug.Module{
		{Path: "k8s.io/api", Version: "v0.34.4"},
		{Path: kindModule, Version: "v0.33.0"},
		{Path: "example.com/forked", Version: "v1.0.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.0.1-fix"}},
	}}
	for path, want := range map[string]string{kindModule: "v0.33.0", "example.com/forked": "v1.0.1-fix", "example.com/absent": ""} {
		if got := moduleVersion(info, path); got != want {
			t.Errorf("moduleVersion(%s) = %q, want %q", path, got, want)
		}
	}
}
