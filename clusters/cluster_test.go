package clusters

import (
	"context"
	"testing"
)

// TestExistingIsNeverManaged checks that a cluster cnpc did not create is never created, deleted,
// loaded with images or given a CNI.
func TestExistingIsNeverManaged(t *testing.T) {
	t.Parallel()
	if _, err := Existing("", custom(), nil); err == nil || err.Error() != "existing cluster: no kubeconfig given (--kubeconfig or KUBECONFIG)" {
		t.Errorf("Existing without kubeconfig: error %v", err)
	}
	c, err := Existing("/nonexistent/kubeconfig", custom(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, createErr := c.Create(ctx)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"create", createErr, "create: cluster was not created by cnpc (--existing)"},
		{"delete", c.Delete(), "delete: cluster was not created by cnpc (--existing); refusing"},
		{"load images", c.LoadImages(ctx, []string{"x"}), "load images: cluster was not created by cnpc (--existing); load them with your own tooling"},
		{"install cni", c.InstallCNI(ctx), "install cni: cluster was not created by cnpc (--existing); its CNI is what it is"},
	}
	for _, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.name, tt.err, tt.want)
		}
	}
	if c.Created() {
		t.Error("Created() = true for an existing cluster")
	}
}
