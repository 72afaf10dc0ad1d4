package netpol

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/e2e-framework/klient/k8s/resources"

	"github.com/cnpc-dev/cnpc/cases"
)

// Via says how probes reach the pods (issue 16).
type Via string

const (
	// ViaPod probes every pod at its own IP.
	ViaPod Via = "pod"
	// ViaBoth also probes every pod through a ClusterIP Service in front of it (cases.PodServices),
	// from every pod: external hosts have no route to ClusterIPs.
	ViaBoth Via = "both"
)

// ParseVia checks a --via value.
func ParseVia(s string) (Via, error) {
	switch Via(s) {
	case ViaPod, ViaBoth:
		return Via(s), nil
	}
	return "", fmt.Errorf("--via: found %q, expected pod or both", s)
}

// PodLabel is the label every probe pod carries with its own name, which its Service selects. The
// engine's model carries it too (ModelTopology), so no policy selector can tell the model from
// the cluster.
const PodLabel = "cnpc.dev/pod"

// podLabels returns the labels a probe pod carries in the cluster: the case's and PodLabel.
func podLabels(p cases.Pod) map[string]string {
	out := map[string]string{PodLabel: p.Name}
	for k, v := range p.Labels {
		out[k] = v
	}
	return out
}

// ProbedServices returns the Services a topology's pods get (cases.PodServices) without the ports
// of the protocols in skip, and without a Service left with no port. kube-proxy programs every
// port of a Service, and a rule for a protocol the kernel lacks (SCTP here) could fail a node's
// whole rule set; those cells could not be probed anyway, and the pod-IP tables show them as
// unsupported here. The engine predicts exactly these Services.
func ProbedServices(topo cases.Topology, skip map[corev1.Protocol]string) []cases.Service {
	var out []cases.Service
	for _, svc := range cases.PodServices(topo) {
		svc.Ports = slices.DeleteFunc(svc.Ports, func(p cases.ServicePort) bool {
			_, ok := skip[p.Target().Protocol]
			return ok
		})
		if len(svc.Ports) > 0 {
			out = append(out, svc)
		}
	}
	return out
}

// serviceObject returns the ClusterIP Service of svc, selecting its pod by PodLabel.
func serviceObject(svc cases.Service) *corev1.Service {
	var ports []corev1.ServicePort
	for _, p := range svc.Ports {
		ports = append(ports, corev1.ServicePort{Name: p.Name, Port: p.Port, Protocol: p.Target().Protocol, TargetPort: p.TargetPort})
	}
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: svc.Namespace, Name: svc.Name},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: map[string]string{PodLabel: svc.Pod},
			Ports:    ports,
		},
	}
}

// servicesFit reports whether an existing Service can stay as want: same selector and ports.
func servicesFit(cur, want *corev1.Service) bool {
	return cur.DeletionTimestamp == nil && apiequality.Semantic.DeepEqual(cur.Spec.Selector, want.Spec.Selector) &&
		apiequality.Semantic.DeepEqual(cur.Spec.Ports, want.Spec.Ports)
}

// EnsureServices makes the Services of the topology's namespaces exactly want (nil deletes them
// all), then waits until each one's EndpointSlices list its pod, at the IP in podIPs, ready on
// every port. It returns the ClusterIPs by Service key.
func (c *Cluster) EnsureServices(ctx context.Context, namespaces []cases.Namespace, want []cases.Service, podIPs map[cases.PeerKey]string, timeout time.Duration) (map[cases.PeerKey]string, error) {
	wanted := map[cases.PeerKey]*corev1.Service{}
	for _, svc := range want {
		wanted[svc.Key()] = serviceObject(svc)
	}
	ips := map[cases.PeerKey]string{}
	var errs []error
	for _, ns := range namespaces {
		var list corev1.ServiceList
		if err := c.Client.Resources(ns.Name).List(ctx, &list); err != nil {
			return nil, fmt.Errorf("list services in %s: %w", ns.Name, err)
		}
		for i := range list.Items {
			cur := &list.Items[i]
			key := cases.PodKey(cur.Namespace, cur.Name)
			if w, ok := wanted[key]; ok && servicesFit(cur, w) {
				ips[key] = cur.Spec.ClusterIP
				continue
			}
			if err := c.Client.Resources().Delete(ctx, cur); err != nil && !apierrors.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("delete service %s: %w", key, err))
				continue
			}
			if _, ok := wanted[key]; ok {
				errs = append(errs, c.waitGone(ctx, "service "+key.String(), &corev1.Service{}, cur.Name, cur.Namespace, timeout))
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(wanted)) {
		if _, ok := ips[key]; ok {
			continue
		}
		obj := wanted[key]
		if err := c.Client.Resources().Create(ctx, obj); err != nil {
			errs = append(errs, fmt.Errorf("create service %s: %w", key, err))
			continue
		}
		ips[key] = obj.Spec.ClusterIP
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ips, c.waitEndpoints(ctx, want, podIPs, timeout)
}

// waitEndpoints polls until every Service's EndpointSlices hold its pod's IP, ready, with every
// port of the Service object. What kube-proxy (or the CNI's own Service implementation) makes
// of them is for the probes to see.
func (c *Cluster) waitEndpoints(ctx context.Context, svcs []cases.Service, podIPs map[cases.PeerKey]string, timeout time.Duration) error {
	done := map[cases.PeerKey]bool{}
	return Poll(ctx, "wait for the Services' endpoints", 250*time.Millisecond, timeout, func(ctx context.Context) (bool, error) {
		var pending []string
		for _, svc := range svcs {
			if done[svc.Key()] {
				continue
			}
			var list discoveryv1.EndpointSliceList
			if err := c.Client.Resources(svc.Namespace).List(ctx, &list, resources.WithLabelSelector(discoveryv1.LabelServiceName+"="+svc.Name)); err != nil {
				pending = append(pending, fmt.Sprintf("%s: %v", svc.Key(), err))
				continue
			}
			if why := endpointsReady(list.Items, podIPs[svc.Backend()], len(svc.Ports)); why != "" {
				pending = append(pending, fmt.Sprintf("%s: %s", svc.Key(), why))
				continue
			}
			done[svc.Key()] = true
		}
		if len(pending) > 0 {
			return false, errors.New("not ready: " + strings.Join(pending, "; "))
		}
		return true, nil
	})
}

// endpointsReady says why slices do not yet route to ip on ports ports ("" once they do): the
// only endpoint must be ip, ready, and a slice must carry every port.
func endpointsReady(slices []discoveryv1.EndpointSlice, ip string, ports int) string {
	found := false
	for _, s := range slices {
		for _, ep := range s.Endpoints {
			for _, a := range ep.Addresses {
				if a != ip {
					return fmt.Sprintf("endpoint %s is not its pod's IP %s", a, ip)
				}
				if ep.Conditions.Ready == nil || !*ep.Conditions.Ready {
					return fmt.Sprintf("endpoint %s is not ready", a)
				}
				if len(s.Ports) != ports {
					return fmt.Sprintf("endpoint %s has %d ports, expected %d", a, len(s.Ports), ports)
				}
				found = true
			}
		}
	}
	if !found {
		return "no endpoint yet"
	}
	return ""
}
