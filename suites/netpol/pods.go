package netpol

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/cnpc-dev/cnpc/cases"
)

// Nodes returns the names of the Ready nodes, sorted. Probe pods are spread over them in topology
// order, so that the standard topology has pairs on one node and pairs across nodes.
func (c *Cluster) Nodes(ctx context.Context) ([]string, error) {
	var list corev1.NodeList
	if err := c.Client.Resources().List(ctx, &list); err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	var names []string
	for _, n := range list.Items {
		for _, cond := range n.Status.Conditions {
			if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
				names = append(names, n.Name)
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no Ready node among %d nodes", len(list.Items))
	}
	sort.Strings(names)
	return names, nil
}

// ensurePods makes the probe pods of every topology namespace match the topology: pods that are
// not in it are deleted, pods that serve other ports (or run another image) are replaced, labels
// are patched, and missing pods are created on node i mod len(nodes). Deletions are not waited
// for, except where a pod of the same name must be created again.
func (c *Cluster) ensurePods(ctx context.Context, topo cases.Topology, image string, nodes []string, timeout time.Duration) error {
	want := map[cases.PeerKey]int{}
	for i, p := range topo.Pods {
		want[p.Key()] = i
	}
	present := map[cases.PeerKey]bool{}
	var replaced []*corev1.Pod
	var errs []error
	for _, ns := range topo.Namespaces {
		var list corev1.PodList
		if err := c.Client.Resources(ns.Name).List(ctx, &list); err != nil {
			return fmt.Errorf("list pods in %s: %w", ns.Name, err)
		}
		for i := range list.Items {
			cur := &list.Items[i]
			key := cases.PodKey(cur.Namespace, cur.Name)
			idx, ok := want[key]
			if ok && fits(cur, podSpecKey(topo.Pods[idx], image)) {
				present[key] = true
				if err := c.patchLabels(ctx, cur, cur.Labels, podLabels(topo.Pods[idx])); err != nil {
					errs = append(errs, fmt.Errorf("label pod %s: %w", key, err))
				}
				continue
			}
			if err := c.Client.Resources().Delete(ctx, cur); err != nil && !apierrors.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("delete pod %s: %w", key, err))
			}
			if ok {
				replaced = append(replaced, cur)
			}
		}
	}
	for _, pod := range replaced {
		key := cases.PodKey(pod.Namespace, pod.Name)
		errs = append(errs, c.waitGone(ctx, "pod "+key.String(), &corev1.Pod{}, pod.Name, pod.Namespace, timeout))
	}
	for i, p := range topo.Pods {
		if present[p.Key()] {
			continue
		}
		if err := c.Client.Resources().Create(ctx, podObject(p, image, nodes[i%len(nodes)])); err != nil {
			errs = append(errs, fmt.Errorf("create pod %s: %w", p.Key(), err))
		}
	}
	return errors.Join(errs...)
}

// fits reports whether an existing pod can stay: not being deleted, not finished, and made from
// the same image and ports (its spec key).
func fits(pod *corev1.Pod, specKey string) bool {
	return pod.DeletionTimestamp == nil && pod.Annotations[specAnnotation] == specKey &&
		pod.Status.Phase != corev1.PodFailed && pod.Status.Phase != corev1.PodSucceeded
}

// waitPodsReady polls until every topology pod is Running, Ready and has an IP, and returns the
// IPs. A pod that cannot start (image missing on the node, crash loop) ends the wait at once.
func (c *Cluster) waitPodsReady(ctx context.Context, topo cases.Topology, timeout time.Duration) (map[cases.PeerKey]string, error) {
	ips := map[cases.PeerKey]string{}
	var fatal error
	err := Poll(ctx, "wait for probe pods", 250*time.Millisecond, timeout, func(ctx context.Context) (bool, error) {
		var pending []string
		for _, p := range topo.Pods {
			if _, ok := ips[p.Key()]; ok {
				continue
			}
			var pod corev1.Pod
			if err := c.Client.Resources().Get(ctx, p.Name, p.Namespace, &pod); err != nil {
				pending = append(pending, fmt.Sprintf("%s: %v", p.Key(), err))
				continue
			}
			ip, why, bad := podReady(&pod)
			if bad {
				fatal = fmt.Errorf("pod %s cannot start: %s", p.Key(), why)
				return true, nil
			}
			if ip == "" {
				pending = append(pending, fmt.Sprintf("%s: %s", p.Key(), why))
				continue
			}
			ips[p.Key()] = ip
		}
		if len(pending) > 0 {
			return false, errors.New("not ready: " + strings.Join(pending, "; "))
		}
		return true, nil
	})
	if fatal != nil {
		return nil, fatal
	}
	return maps.Clone(ips), err
}

// podReady returns the pod's IP once it is Running and Ready; otherwise why not, and whether it
// will never get there without a change (bad is true).
func podReady(pod *corev1.Pod) (ip, why string, bad bool) {
	for _, cs := range pod.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil {
			switch w.Reason {
			case "ErrImageNeverPull", "InvalidImageName", "CrashLoopBackOff", "CreateContainerError", "RunContainerError":
				return "", w.Reason + ": " + w.Message, true
			}
			return "", "waiting: " + w.Reason, false
		}
	}
	if pod.Status.Phase != corev1.PodRunning {
		return "", "phase " + string(pod.Status.Phase), pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded
	}
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodReady && cond.Status != corev1.ConditionTrue {
			return "", "not Ready", false
		}
	}
	if pod.Status.PodIP == "" {
		return "", "no IP yet", false
	}
	return pod.Status.PodIP, "", false
}

// PodRoutes returns, for every node with a pod CIDR, that CIDR and the node's internal IP: the
// routes an external host needs to open connections to pods.
func (c *Cluster) PodRoutes(ctx context.Context) ([]Route, error) {
	var list corev1.NodeList
	if err := c.Client.Resources().List(ctx, &list); err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	var routes []Route
	for _, n := range list.Items {
		for _, a := range n.Status.Addresses {
			if a.Type != corev1.NodeInternalIP || strings.Contains(a.Address, ":") {
				continue
			}
			for _, cidr := range n.Spec.PodCIDRs {
				if !strings.Contains(cidr, ":") {
					routes = append(routes, Route{CIDR: cidr, Via: a.Address})
				}
			}
		}
	}
	return routes, nil
}

// PodIPRoutes returns a host route to every pod of the topology through the IP of the node it
// runs on. CNIs with their own IPAM (Calico's blocks) give pods addresses outside their node's
// pod CIDR, so PodRoutes alone would send an external host's connection to the wrong node, whose
// reply then returns by another path and is dropped as conntrack-invalid: the handshake
// completes, and no data ever arrives.
func (c *Cluster) PodIPRoutes(ctx context.Context, topo cases.Topology) ([]Route, error) {
	var routes []Route
	for _, ns := range topo.Namespaces {
		var list corev1.PodList
		if err := c.Client.Resources(ns.Name).List(ctx, &list); err != nil {
			return nil, fmt.Errorf("list pods of %s: %w", ns.Name, err)
		}
		for _, p := range list.Items {
			ip, host := p.Status.PodIP, p.Status.HostIP
			if ip == "" || host == "" || strings.Contains(ip, ":") || strings.Contains(host, ":") {
				continue
			}
			routes = append(routes, Route{CIDR: ip + "/32", Via: host})
		}
	}
	return routes, nil
}

// StreamRunner returns what starts the prober of a pod source for its session (Sessions.Start):
// cnpc-probe probe --stream through one Kubernetes exec, batches on stdin, a line each.
func (c *Cluster) StreamRunner(binary string) func(ctx context.Context, src cases.PeerKey, stdin io.Reader, stdout, stderr io.Writer) error {
	return func(ctx context.Context, src cases.PeerKey, stdin io.Reader, stdout, stderr io.Writer) error {
		ns, name := src.Split()
		return c.ExecStream(ctx, ns, name, probeContainer, []string{binary, "probe", "--stream"}, stdin, stdout, stderr)
	}
}
