package netpol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/e2e-framework/klient/k8s"

	"github.com/cnpc-dev/cnpc/cases"
)

// CheckOwnership refuses namespaces that exist without the ownership label: the suite must never
// touch what it did not create (issue 5, --existing). Missing namespaces are fine.
func (c *Cluster) CheckOwnership(ctx context.Context, names []string) error {
	for _, name := range names {
		var ns corev1.Namespace
		err := c.Client.Resources().Get(ctx, name, "", &ns)
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			return fmt.Errorf("check namespace %s: %w", name, err)
		case ns.Labels[OwnedLabel] != OwnedValue:
			return fmt.Errorf("namespace %s exists without the label %s=%s: it is not ours, refusing to touch it (delete it or use another cluster)", name, OwnedLabel, OwnedValue)
		}
	}
	return nil
}

// ensureNamespace makes namespace ns exist with exactly the topology's labels (plus ours). A
// namespace still terminating from an earlier run is waited for and created again.
func (c *Cluster) ensureNamespace(ctx context.Context, ns cases.Namespace, timeout time.Duration) error {
	var cur corev1.Namespace
	err := c.Client.Resources().Get(ctx, ns.Name, "", &cur)
	switch {
	case err == nil && cur.DeletionTimestamp != nil:
		if err := c.waitGone(ctx, "namespace "+ns.Name, &corev1.Namespace{}, ns.Name, "", timeout); err != nil {
			return err
		}
		return c.createNamespace(ctx, ns)
	case apierrors.IsNotFound(err):
		return c.createNamespace(ctx, ns)
	case err != nil:
		return fmt.Errorf("get namespace %s: %w", ns.Name, err)
	case cur.Labels[OwnedLabel] != OwnedValue:
		return fmt.Errorf("namespace %s exists without the label %s=%s: refusing to touch it", ns.Name, OwnedLabel, OwnedValue)
	}
	want := namespaceLabels(ns)
	want[cases.LabelMetadataName] = ns.Name
	if err := c.patchLabels(ctx, &cur, cur.Labels, want); err != nil {
		return fmt.Errorf("label namespace %s: %w", ns.Name, err)
	}
	if cur.Annotations[RunAnnotation] != c.RunID {
		if err := c.patch(ctx, &cur, map[string]any{"annotations": map[string]string{RunAnnotation: c.RunID}}); err != nil {
			return fmt.Errorf("annotate namespace %s: %w", ns.Name, err)
		}
	}
	return nil
}

func (c *Cluster) createNamespace(ctx context.Context, ns cases.Namespace) error {
	if err := c.Client.Resources().Create(ctx, namespaceObject(ns, c.RunID)); err != nil {
		return fmt.Errorf("create namespace %s: %w", ns.Name, err)
	}
	return nil
}

// patchLabels makes obj's labels equal want with one JSON merge patch (null removes a key); it
// does nothing when they already are.
func (c *Cluster) patchLabels(ctx context.Context, obj k8s.Object, have, want map[string]string) error {
	patch := labelPatch(have, want)
	if patch == nil {
		return nil
	}
	return c.patch(ctx, obj, map[string]any{"labels": patch})
}

// patch applies one JSON merge patch to obj's metadata.
func (c *Cluster) patch(ctx context.Context, obj k8s.Object, metadata map[string]any) error {
	data, err := json.Marshal(map[string]any{"metadata": metadata})
	if err != nil {
		return err
	}
	return c.Client.Resources().Patch(ctx, obj, k8s.Patch{PatchType: types.MergePatchType, Data: data})
}

// labelPatch returns the merge-patch labels that turn have into want, or nil when they are equal.
func labelPatch(have, want map[string]string) map[string]any {
	patch := map[string]any{}
	for k, v := range want {
		if hv, ok := have[k]; !ok || hv != v {
			patch[k] = v
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok {
			patch[k] = nil
		}
	}
	if len(patch) == 0 {
		return nil
	}
	return patch
}

// waitGone polls until the named object no longer exists.
func (c *Cluster) waitGone(ctx context.Context, what string, obj k8s.Object, name, namespace string, timeout time.Duration) error {
	return Poll(ctx, "wait for "+what+" to be deleted", 250*time.Millisecond, timeout, func(ctx context.Context) (bool, error) {
		err := c.Client.Resources().Get(ctx, name, namespace, obj)
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// DeleteNamespaces deletes the named namespaces, which must be ours, and does not wait: the next
// run waits for a terminating namespace before it creates it again.
func (c *Cluster) DeleteNamespaces(ctx context.Context, names []string) error {
	var errs []error
	for _, name := range names {
		var ns corev1.Namespace
		err := c.Client.Resources().Get(ctx, name, "", &ns)
		if apierrors.IsNotFound(err) || (err == nil && ns.Labels[OwnedLabel] != OwnedValue) {
			continue
		}
		if err == nil {
			err = c.Client.Resources().Delete(ctx, &ns)
		}
		if err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete namespace %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
