package clusters

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOptionsDefaulted(t *testing.T) {
	t.Parallel()
	p := kubeRouter()
	got := Options{Workers: DefaultWorkers, KubeconfigPath: "/tmp/kc"}.Defaulted(p)
	want := Options{Name: "cnpc-kube-router", ControlPlanes: 1, Workers: 2, IPFamily: IPv4, KubeconfigPath: "/tmp/kc"}
	got.Logger = nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Defaulted (-want +got):\n%s", diff)
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	valid := Options{Workers: 2, KubeconfigPath: "/tmp/kc"}
	tests := []struct {
		name    string
		profile Profile
		change  func(o *Options)
		want    string
	}{
		{"defaults are valid", kubeRouter(), func(o *Options) {}, ""},
		{"one node", kubeRouter(), func(o *Options) { o.Workers = 0 }, ""},
		{"bad name", kubeRouter(), func(o *Options) { o.Name = "Bad_Name" },
			`name "Bad_Name": expected a DNS label of at most 50 characters`},
		{"too many workers", kubeRouter(), func(o *Options) { o.Workers = 9 },
			"workers: found 9, expected 0 to 5"},
		{"negative workers", kubeRouter(), func(o *Options) { o.Workers = -1 },
			"workers: found -1, expected 0 to 5"},
		{"unknown family", kubeRouter(), func(o *Options) { o.IPFamily = "ipv5" },
			`unknown ip family "ipv5", expected one of [ipv4 ipv6 dual]`},
		{"family the cni lacks", kubeRouter(), func(o *Options) { o.IPFamily = IPv6 },
			"ip family ipv6: profile kube-router supports only [ipv4]"},
		{"family another cni has", kindnet(), func(o *Options) { o.IPFamily = IPv6 }, ""},
		{"release manifest without a digest", mustRelease(t, kubeRouter()), func(o *Options) {},
			"profile kube-router: manifest https://raw.githubusercontent.com/cloudnativelabs/kube-router/v2.5.0/daemonset/kubeadm-kuberouter.yaml has no pinned sha256, and cnpc applies no unverified download: give the file with --manifest FILE"},
		{"release manifest replaced by a local file", mustRelease(t, kubeRouter()), func(o *Options) { o.Manifests = []string{"kr.yaml"} }, ""},
		{"no kubeconfig", kubeRouter(), func(o *Options) { o.KubeconfigPath = "" },
			"kubeconfig path: empty, expected the file to write the cluster's kubeconfig to"},
		{"custom without manifest", custom(), func(o *Options) {},
			"profile custom: needs a local manifest (--manifest FILE)"},
		{"custom with manifest", custom(), func(o *Options) { o.Manifests = []string{"my.yaml"} }, ""},
		{"every problem at once", custom(), func(o *Options) { o.Workers = 7; o.KubeconfigPath = "" },
			"workers: found 7, expected 0 to 5\n" +
				"kubeconfig path: empty, expected the file to write the cluster's kubeconfig to\n" +
				"profile custom: needs a local manifest (--manifest FILE)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := valid
			tt.change(&o)
			err := o.Defaulted(tt.profile).Validate(tt.profile)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate error (-want +got):\n%s", diff)
			}
		})
	}
}

func mustRelease(t *testing.T, p Profile) Profile {
	t.Helper()
	r, err := p.WithRelease()
	if err != nil {
		t.Fatal(err)
	}
	return r
}
