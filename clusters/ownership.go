package clusters

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// OwnedLabel marks the namespaces cnpc created. On a cluster cnpc did not create (--existing) the
// suite touches only namespaces carrying OwnedLabel=OwnedValue.
const (
	OwnedLabel = "cnpc.dev/owned"
	OwnedValue = "true"
)

// OwnedLabels returns the labels to put on every namespace cnpc creates.
func OwnedLabels() map[string]string { return map[string]string{OwnedLabel: OwnedValue} }

// IsOwned reports whether a namespace's labels mark it as cnpc's.
func IsOwned(labels map[string]string) bool { return labels[OwnedLabel] == OwnedValue }

// ErrNotOwned is wrapped by CheckNamespacesFree for each namespace that exists without OwnedLabel.
var ErrNotOwned = errors.New("exists without label " + OwnedLabel + "=" + OwnedValue)

// CheckNamespacesFree returns an error when any of names exists without cnpc's label: such a
// namespace belongs to someone else and the run must not start. Namespaces that do not exist,
// or exist with the label (left by an earlier run), are fine. Every offending name is reported.
func CheckNamespacesFree(ctx context.Context, cs kubernetes.Interface, names []string) error {
	var errs []error
	for _, n := range names {
		ns, err := cs.CoreV1().Namespaces().Get(ctx, n, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("namespace %s: %w", n, err))
		case !IsOwned(ns.Labels):
			errs = append(errs, fmt.Errorf("namespace %s: %w; refusing to touch it (delete it or pick a cluster without it)", n, ErrNotOwned))
		}
	}
	return errors.Join(errs...)
}
