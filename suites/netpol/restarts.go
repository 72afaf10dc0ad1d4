package netpol

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// PodState is what the suite watches of one pod: a pod re-created, restarted or given another
// IP during a case makes the case's observations suspect (the prediction was made for the IPs
// and the dataplane the case began with).
type PodState struct {
	UID      string
	IP       string
	Restarts int32
}

// ClusterState is a snapshot taken before and after a case: the case's probe pods that no step
// adds, deletes or changes, and every pod outside the suite's namespaces (the CNI's agents, kube-proxy,
// CoreDNS), by namespace/name.
type ClusterState struct {
	Probes map[cases.PeerKey]PodState
	System map[string]PodState
}

// Snapshot lists the pods and returns their states. probes are the probe pods to watch.
func (c *Cluster) Snapshot(ctx context.Context, probes []cases.PeerKey) (ClusterState, error) {
	owned, err := c.OwnedNamespaces(ctx)
	if err != nil {
		return ClusterState{}, err
	}
	var list corev1.PodList
	if err := c.Client.Resources().List(ctx, &list); err != nil {
		return ClusterState{}, fmt.Errorf("list pods: %w", err)
	}
	watch := map[cases.PeerKey]bool{}
	for _, k := range probes {
		watch[k] = true
	}
	st := ClusterState{Probes: map[cases.PeerKey]PodState{}, System: map[string]PodState{}}
	for i := range list.Items {
		p := &list.Items[i]
		ps := PodState{UID: string(p.UID), IP: p.Status.PodIP, Restarts: restarts(p)}
		switch {
		case slices.Contains(owned, p.Namespace):
			if k := cases.PodKey(p.Namespace, p.Name); watch[k] {
				st.Probes[k] = ps
			}
		case p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed:
			// A finished pod (a job's) neither restarts nor carries traffic.
		default:
			st.System[p.Namespace+"/"+p.Name] = ps
		}
	}
	return st, nil
}

func restarts(p *corev1.Pod) int32 {
	var n int32
	for _, s := range p.Status.InitContainerStatuses {
		n += s.RestartCount
	}
	for _, s := range p.Status.ContainerStatuses {
		n += s.RestartCount
	}
	return n
}

// Disruptions lists, sorted, what changed between two snapshots: a probe pod missing,
// re-created, moved to another IP or restarted; a system pod restarted, replaced or gone, or a
// new one. None means the case ran on the cluster it began with.
func Disruptions(before, after ClusterState) []string {
	var out []string
	for k, b := range before.Probes {
		a, ok := after.Probes[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("probe pod %s is gone", k))
		case a.UID != b.UID:
			out = append(out, fmt.Sprintf("probe pod %s was re-created (IP %s -> %s)", k, b.IP, a.IP))
		case a.IP != b.IP:
			out = append(out, fmt.Sprintf("probe pod %s changed IP %s -> %s", k, b.IP, a.IP))
		case a.Restarts != b.Restarts:
			out = append(out, fmt.Sprintf("probe pod %s restarted (%d -> %d restarts)", k, b.Restarts, a.Restarts))
		}
	}
	for name, b := range before.System {
		a, ok := after.System[name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("pod %s is gone", name))
		case a.UID != b.UID:
			out = append(out, fmt.Sprintf("pod %s was re-created", name))
		case a.Restarts != b.Restarts:
			out = append(out, fmt.Sprintf("pod %s restarted (%d -> %d restarts)", name, b.Restarts, a.Restarts))
		}
	}
	for name := range after.System {
		if _, ok := before.System[name]; !ok {
			out = append(out, fmt.Sprintf("pod %s appeared", name))
		}
	}
	sort.Strings(out)
	return out
}

// stablePods returns the pods of the case's base topology that every state keeps, with the
// same ports: the ones no step deletes, re-adds or re-creates, so any change to them is the
// cluster's doing.
func stablePods(base cases.Topology, states []cases.State) []cases.PeerKey {
	ports := map[cases.PeerKey][]cases.Port{}
	for _, p := range base.Pods {
		ports[p.Key()] = p.Ports
	}
	for _, st := range states {
		seen := map[cases.PeerKey]bool{}
		for _, p := range st.Topology.Pods {
			if want, ok := ports[p.Key()]; ok && reflect.DeepEqual(want, p.Ports) {
				seen[p.Key()] = true
			}
		}
		for k := range ports {
			if !seen[k] {
				delete(ports, k)
			}
		}
	}
	return slices.Sorted(maps.Keys(ports))
}
