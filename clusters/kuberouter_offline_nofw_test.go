package clusters

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWithFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"replaces a value", []string{"--run-router=true", "--run-firewall=true", "--kubeconfig=/k"},
			[]string{"--run-router=true", "--kubeconfig=/k", "--run-firewall=false"}},
		{"replaces a bare flag", []string{"--run-firewall"}, []string{"--run-firewall=false"}},
		{"adds a missing flag", []string{"--run-router=true"}, []string{"--run-router=true", "--run-firewall=false"}},
		{"keeps look-alikes", []string{"--run-firewall-x=1"}, []string{"--run-firewall-x=1", "--run-firewall=false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, withFlag(tt.in, kubeRouterFirewallArg, "false")); diff != "" {
				t.Errorf("withFlag (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNoFirewallProfile(t *testing.T) {
	t.Parallel()
	on, off := offlineKubeRouter(), offlineKubeRouterNoFirewall()
	if !on.Enforces || off.Enforces {
		t.Errorf("Enforces: kube-router-offline %v, -nofw %v; want true, false", on.Enforces, off.Enforces)
	}
	if on.PostInstall != nil || off.PostInstall == nil {
		t.Error("only the -nofw profile must patch the DaemonSet after install")
	}
}
