package netpol

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/e2e-framework/klient/k8s/resources"

	"github.com/cnpc-dev/cnpc/cases"
)

// ReconcileTopology makes the cluster match a topology: its namespaces (labels) and probe pods
// (ports, labels). It is declarative, so the same call sets up a case, applies a step's label and
// pod changes, and restores the standard topology between cases. Pods of earlier cases that the
// topology does not have are deleted from its namespaces; other namespaces are left alone. It
// returns the pods' real IPs once every pod is Ready.
func (c *Cluster) ReconcileTopology(ctx context.Context, topo cases.Topology, image string, nodes []string, timeout time.Duration) (map[cases.PeerKey]string, error) {
	var errs []error
	for _, ns := range topo.Namespaces {
		if err := c.ensureNamespace(ctx, ns, timeout); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := c.ensurePods(ctx, topo, image, nodes, timeout); err != nil {
		return nil, err
	}
	return c.waitPodsReady(ctx, topo, timeout)
}

// EnsurePolicies makes the policies of the namespaces exactly want: it deletes every policy that is not wanted, updates those whose
// spec or labels differ, and creates the missing ones. Policies are applied with klient, never
// kubectl, so every error names the policy.
func (c *Cluster) EnsurePolicies(ctx context.Context, namespaces []cases.Namespace, want []networkingv1.NetworkPolicy) error {
	wanted := map[cases.PolicyRef]*networkingv1.NetworkPolicy{}
	for i := range want {
		wanted[cases.PolicyRef{Namespace: want[i].Namespace, Name: want[i].Name}] = &want[i]
	}
	have := map[cases.PolicyRef]*networkingv1.NetworkPolicy{}
	var errs []error
	for _, ns := range namespaces {
		var list networkingv1.NetworkPolicyList
		if err := c.Client.Resources(ns.Name).List(ctx, &list); err != nil {
			return fmt.Errorf("list policies in %s: %w", ns.Name, err)
		}
		for i := range list.Items {
			cur := &list.Items[i]
			ref := cases.PolicyRef{Namespace: cur.Namespace, Name: cur.Name}
			if _, ok := wanted[ref]; ok {
				have[ref] = cur
				continue
			}
			if err := c.Client.Resources().Delete(ctx, cur); err != nil && !apierrors.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("delete policy %s: %w", ref, err))
			}
		}
	}
	for ref, w := range wanted {
		if err := c.applyPolicy(ctx, ref, w, have[ref]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *Cluster) applyPolicy(ctx context.Context, ref cases.PolicyRef, want, cur *networkingv1.NetworkPolicy) error {
	if cur == nil {
		obj := want.DeepCopy()
		obj.ResourceVersion = ""
		if err := c.Client.Resources().Create(ctx, obj); err != nil {
			return fmt.Errorf("apply policy %s: %w", ref, err)
		}
		return nil
	}
	if apiequality.Semantic.DeepEqual(cur.Spec, want.Spec) && apiequality.Semantic.DeepEqual(cur.Labels, want.Labels) {
		return nil
	}
	obj := cur.DeepCopy()
	obj.Spec = *want.Spec.DeepCopy()
	obj.Labels = copyLabels(want.Labels)
	if err := c.Client.Resources().Update(ctx, obj); err != nil {
		return fmt.Errorf("update policy %s: %w", ref, err)
	}
	return nil
}

// DeleteAllPolicies deletes every NetworkPolicy in every namespace carrying our label: the reset
// between cases, whatever topology the last case had.
func (c *Cluster) DeleteAllPolicies(ctx context.Context) error {
	var list corev1.NamespaceList
	if err := c.Client.Resources().List(ctx, &list, resources.WithLabelSelector(OwnedLabel+"="+OwnedValue)); err != nil {
		return fmt.Errorf("list our namespaces: %w", err)
	}
	var namespaces []cases.Namespace
	for _, ns := range list.Items {
		namespaces = append(namespaces, cases.Namespace{Name: ns.Name})
	}
	return c.EnsurePolicies(ctx, namespaces, nil)
}

// RunNamespaces lists the namespaces carrying our label that this run set up last.
func (c *Cluster) RunNamespaces(ctx context.Context) ([]string, error) {
	return c.ownedNamespaces(ctx, func(ns corev1.Namespace) bool { return ns.Annotations[RunAnnotation] == c.RunID })
}

// OwnedNamespaces lists the namespaces carrying our label.
func (c *Cluster) OwnedNamespaces(ctx context.Context) ([]string, error) {
	return c.ownedNamespaces(ctx, func(corev1.Namespace) bool { return true })
}

func (c *Cluster) ownedNamespaces(ctx context.Context, keep func(corev1.Namespace) bool) ([]string, error) {
	var list corev1.NamespaceList
	if err := c.Client.Resources().List(ctx, &list, resources.WithLabelSelector(OwnedLabel+"="+OwnedValue)); err != nil {
		return nil, fmt.Errorf("list our namespaces: %w", err)
	}
	var names []string
	for _, ns := range list.Items {
		if keep(ns) {
			names = append(names, ns.Name)
		}
	}
	return names, nil
}
