package clusters

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// readyInterval is how often readiness is re-checked after the first, immediate check.
const readyInterval = time.Second

// WaitReady waits until every node is Ready (and, for a cluster cnpc created, all of them have
// registered), and every DaemonSet and Deployment in kube-system and the profile's namespaces is
// rolled out: CoreDNS, kube-proxy and the CNI's own agents. It checks at once, then every
// second, until timeout; on timeout the error lists what is still not ready.
func (c *Cluster) WaitReady(ctx context.Context, timeout time.Duration) error {
	cs, err := c.Clientset()
	if err != nil {
		return fmt.Errorf("wait ready: %w", err)
	}
	wantNodes := 1
	if c.provider != nil {
		wantNodes = c.opts.ControlPlanes + c.opts.Workers
	}
	namespaces := append([]string{metav1.NamespaceSystem}, c.Profile.Namespaces...)
	slices.Sort(namespaces)
	namespaces = slices.Compact(namespaces)
	err = poll(ctx, readyInterval, timeout, func(ctx context.Context) (bool, string, error) {
		var missing []string
		m, err := notReadyNodes(ctx, cs, wantNodes)
		if err != nil {
			return false, err.Error(), nil // the API server may still be settling
		}
		missing = append(missing, m...)
		for _, ns := range namespaces {
			m, err := notRolledOut(ctx, cs, ns)
			if err != nil {
				return false, err.Error(), nil
			}
			missing = append(missing, m...)
		}
		if len(missing) == 0 && c.Profile.AgentHealthy != nil && c.provider != nil {
			missing = append(missing, c.agentsUnhealthy(ctx)...)
		}
		return len(missing) == 0, strings.Join(missing, "; "), nil
	})
	if err != nil {
		return fmt.Errorf("wait ready: %w", err)
	}
	return nil
}

// agentsUnhealthy runs the profile's health command in its agent's container on every node
// (through the node's crictl, so it needs no exec API) and names those that fail.
func (c *Cluster) agentsUnhealthy(ctx context.Context) []string {
	h := c.Profile.AgentHealthy
	nodeList, err := c.provider.ListNodes(c.Name)
	if err != nil {
		return []string{err.Error()}
	}
	var bad []string
	for _, n := range nodeList {
		var id bytes.Buffer
		if err := n.CommandContext(ctx, "crictl", "ps", "-q", "--state", "running", "--name", "^"+h.Container+"$").SetStdout(&id).Run(); err != nil || strings.TrimSpace(id.String()) == "" {
			bad = append(bad, fmt.Sprintf("node %s: no running container %s", n.String(), h.Container))
			continue
		}
		ctr := strings.Fields(id.String())[0]
		var out bytes.Buffer
		args := append([]string{"exec", ctr}, h.Command...)
		if err := n.CommandContext(ctx, "crictl", args...).SetStdout(&out).SetStderr(&out).Run(); err != nil {
			bad = append(bad, fmt.Sprintf("node %s: %s: %s", n.String(), strings.Join(h.Command, " "), lastLine(out.String())))
		}
	}
	return bad
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func notReadyNodes(ctx context.Context, cs kubernetes.Interface, want int) ([]string, error) {
	list, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	var out []string
	if len(list.Items) < want {
		out = append(out, fmt.Sprintf("%d of %d nodes registered", len(list.Items), want))
	}
	for _, n := range list.Items {
		if !nodeReady(n) {
			out = append(out, "node "+n.Name+" not Ready")
		}
	}
	return out, nil
}

func nodeReady(n corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// notRolledOut lists the DaemonSets and Deployments of namespace ns that are not fully rolled out.
func notRolledOut(ctx context.Context, cs kubernetes.Interface, ns string) ([]string, error) {
	dss, err := cs.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list daemonsets in %s: %w", ns, err)
	}
	deps, err := cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list deployments in %s: %w", ns, err)
	}
	var out []string
	for _, ds := range dss.Items {
		if s := daemonSetStatus(ds); s != "" {
			out = append(out, fmt.Sprintf("daemonset %s/%s %s", ns, ds.Name, s))
		}
	}
	for _, d := range deps.Items {
		if s := deploymentStatus(d); s != "" {
			out = append(out, fmt.Sprintf("deployment %s/%s %s", ns, d.Name, s))
		}
	}
	sort.Strings(out)
	return out, nil
}

// daemonSetStatus returns "" when ds is rolled out (as `kubectl rollout status` judges it), else why not.
func daemonSetStatus(ds appsv1.DaemonSet) string {
	s := ds.Status
	switch {
	case s.ObservedGeneration < ds.Generation:
		return "spec change not yet observed"
	case s.UpdatedNumberScheduled < s.DesiredNumberScheduled:
		return fmt.Sprintf("%d of %d pods updated", s.UpdatedNumberScheduled, s.DesiredNumberScheduled)
	case s.NumberAvailable < s.DesiredNumberScheduled:
		return fmt.Sprintf("%d of %d pods available", s.NumberAvailable, s.DesiredNumberScheduled)
	}
	return ""
}

// deploymentStatus returns "" when d is rolled out, else why not.
func deploymentStatus(d appsv1.Deployment) string {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	s := d.Status
	switch {
	case s.ObservedGeneration < d.Generation:
		return "spec change not yet observed"
	case s.UpdatedReplicas < want:
		return fmt.Sprintf("%d of %d replicas updated", s.UpdatedReplicas, want)
	case s.AvailableReplicas < want:
		return fmt.Sprintf("%d of %d replicas available", s.AvailableReplicas, want)
	case s.Replicas > s.UpdatedReplicas:
		return fmt.Sprintf("%d old replicas pending termination", s.Replicas-s.UpdatedReplicas)
	}
	return ""
}
