package clusters

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreflightInput: every input problem of a run is found before any cluster or build, at once.
func TestPreflightInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	manifest := filepath.Join(dir, "cni.yaml")
	if err := os.WriteFile(manifest, []byte("kind: List\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	valid := Options{Workers: 2, KubeconfigPath: "/tmp/kc"}
	tests := []struct {
		name    string
		profile Profile
		change  func(*Options)
		want    []string
	}{
		{"custom with a manifest", custom(), func(o *Options) { o.Manifests = []string{manifest} }, nil},
		{"custom without", custom(), func(*Options) {}, []string{"profile custom: needs a local manifest (--manifest FILE)"}},
		{"release without a digest", mustRelease(t, kubeRouter()), func(*Options) {}, []string{"has no pinned sha256"}},
		{"missing and directory manifests, bad family", custom(), func(o *Options) {
			o.Manifests = []string{filepath.Join(dir, "none.yaml"), dir}
			o.IPFamily = "ipv5"
		}, []string{
			`unknown ip family "ipv5"`,
			"manifest " + filepath.Join(dir, "none.yaml") + ": open " + filepath.Join(dir, "none.yaml") + ": no such file or directory",
			"manifest " + dir + ": is a directory, expected a YAML file",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := valid
			tt.change(&o)
			input := Preflight(o, tt.profile)
			if len(tt.want) == 0 && input != nil {
				t.Errorf("input error %v, want none", input)
			}
			for _, w := range tt.want {
				if input == nil || !strings.Contains(input.Error(), w) {
					t.Errorf("input error %v, want it to contain %q", input, w)
				}
			}
		})
	}
}

// TestPreflightDocker: without docker on PATH the environment error says so and how to install it.
func TestPreflightDocker(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	env := CheckDocker(context.Background(), []string{"localhost/cnpc/probe:dev"})
	if env == nil || env.Error() != "docker: not found on PATH, and kind runs its nodes in docker (apt-get install -y docker.io)" {
		t.Errorf("env error %v", env)
	}
}
