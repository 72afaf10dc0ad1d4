package clusters

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/images"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestKindConfig(t *testing.T) {
	tests := []struct {
		name    string
		profile Profile
		opts    Options
	}{
		{"kube-router-1cp-2w", kubeRouter(), Options{Workers: 2}},
		{"kube-router-1node", kubeRouter(), Options{}},
		{"calico-ipv4", calico(), Options{Workers: 2}},
		{"calico-dual", calico(), Options{Workers: 1, IPFamily: Dual}},
		{"kindnet-ipv6", kindnet(), Options{ControlPlanes: 1, Workers: 1, IPFamily: IPv6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.KubeconfigPath = "/tmp/kc"
			got, err := KindConfig(o.Defaulted(tt.profile), tt.profile)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "kind-config-"+tt.name+".yaml")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestKindConfigChanges pairs the golden test with inputs that must change the rendered config.
func TestKindConfigChanges(t *testing.T) {
	t.Parallel()
	render := func(p Profile, o Options) string {
		o.KubeconfigPath = "/tmp/kc"
		b, err := KindConfig(o.Defaulted(p), p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	base := render(kubeRouter(), Options{Workers: 2})
	if render(kubeRouter(), Options{Workers: 1}) == base {
		t.Error("one worker fewer rendered the same config")
	}
	if render(kindnet(), Options{Workers: 2}) == base {
		t.Error("a profile without the CoreDNS patch and subnets rendered the same config")
	}
}

func TestNodeImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    Options
		p    Profile
		want string
	}{
		{"profile image", Options{}, kubeRouter(), images.NodeImage},
		{"override wins", Options{NodeImage: "localhost/my/node:dev"}, kubeRouter(), "localhost/my/node:dev"},
		{"kind's default", Options{}, kindnet(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := nodeImage(tt.o, tt.p); got != tt.want {
				t.Errorf("nodeImage = %q, want %q", got, tt.want)
			}
		})
	}
}
