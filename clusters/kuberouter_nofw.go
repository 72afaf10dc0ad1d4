package clusters

import (
	"context"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The kube-router-nofw profile is kube-router with its firewall (its NetworkPolicy controller)
// turned off: routing still works but no policy is enforced. It is a second negative control,
// beside flannel: one that differs from an enforcing profile in nothing but enforcement.

// kubeRouterFirewallArg is the flag of kube-router that runs its NetworkPolicy controller.
const kubeRouterFirewallArg = "--run-firewall"

func kubeRouterNoFirewall() Profile {
	p := kubeRouter()
	p.Name = "kube-router-nofw"
	p.Description = "kube-router v1.3.2 built from source with --run-firewall=false: negative control, enforces nothing"
	p.Enforces = false
	p.PostInstall = disableKubeRouterFirewall
	p.Release = nil
	return p
}

func init() { register(kubeRouterNoFirewall()) }

// disableKubeRouterFirewall sets --run-firewall=false on the kube-router DaemonSet. WaitReady then
// waits for the rollout (it compares the DaemonSet's generation with the observed one).
func disableKubeRouterFirewall(ctx context.Context, c *Cluster) error {
	cs, err := c.Clientset()
	if err != nil {
		return err
	}
	dsc := cs.AppsV1().DaemonSets("kube-system")
	ds, err := dsc.Get(ctx, "kube-router", metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("disable kube-router firewall: %w", err)
	}
	found := false
	for i := range ds.Spec.Template.Spec.Containers {
		ctr := &ds.Spec.Template.Spec.Containers[i]
		if ctr.Name != "kube-router" {
			continue
		}
		found = true
		ctr.Args = withFlag(ctr.Args, kubeRouterFirewallArg, "false")
	}
	if !found {
		return fmt.Errorf("disable kube-router firewall: daemonset kube-system/kube-router has no container kube-router")
	}
	if _, err := dsc.Update(ctx, ds, metav1.UpdateOptions{FieldManager: fieldManager}); err != nil {
		return fmt.Errorf("disable kube-router firewall: %w", err)
	}
	c.log.Info("kube-router firewall disabled; waiting for the rollout is WaitReady's job")
	return nil
}

// withFlag returns args with every --name or --name=value replaced by one --name=value.
func withFlag(args []string, name, value string) []string {
	out := make([]string, 0, len(args)+1)
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			continue
		}
		out = append(out, a)
	}
	return append(out, name+"="+value)
}
