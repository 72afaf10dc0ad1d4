package clusters

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CNIVersion reads the running CNI's version for the report: the tag of the image of the
// profile's VersionFrom container. It returns the profile's pinned version when the profile
// names no container.
func (c *Cluster) CNIVersion(ctx context.Context) (string, error) {
	ref := c.Profile.VersionFrom
	if ref.Name == "" {
		return c.Profile.Version, nil
	}
	cs, err := c.Clientset()
	if err != nil {
		return "", fmt.Errorf("cni version: %w", err)
	}
	var spec corev1.PodSpec
	switch ref.Kind {
	case "DaemonSet":
		ds, err := cs.AppsV1().DaemonSets(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			return "", fmt.Errorf("cni version from %s: %w", ref, err)
		}
		spec = ds.Spec.Template.Spec
	case "Deployment":
		d, err := cs.AppsV1().Deployments(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			return "", fmt.Errorf("cni version from %s: %w", ref, err)
		}
		spec = d.Spec.Template.Spec
	default:
		return "", fmt.Errorf("cni version from %s: kind %q, expected DaemonSet or Deployment", ref, ref.Kind)
	}
	for _, ctr := range spec.Containers {
		if ctr.Name != ref.Container {
			continue
		}
		// A running image that cnpc built from source is reported by the version it was built
		// from, which can say more than a tag (Calico's pseudo-version).
		if c.Profile.Build != nil && slices.Contains(c.Profile.Images, ctr.Image) {
			return c.Profile.Version, nil
		}
		return ImageTag(ctr.Image), nil
	}
	return "", fmt.Errorf("cni version from %s: no such container", ref)
}

// ImageTag returns the tag of an image reference ("repo/name:v1.2@sha256:..." -> "v1.2"), or the
// digest when there is no tag, or "latest" when there is neither.
func ImageTag(image string) string {
	ref, digest, _ := strings.Cut(image, "@")
	name := ref[strings.LastIndex(ref, "/")+1:]
	if _, tag, ok := strings.Cut(name, ":"); ok {
		return tag
	}
	if digest != "" {
		return digest
	}
	return "latest"
}

// kindModule is the module whose version KindVersion reports.
const kindModule = "sigs.k8s.io/kind"

// KindVersion returns the version of the kind library this binary creates clusters with, as the
// build recorded it ("v0.33.0"), or "" when the build carries no module information.
func KindVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return moduleVersion(info, kindModule)
}

// moduleVersion returns the version of module path among info's dependencies, following a replace.
func moduleVersion(info *debug.BuildInfo, path string) string {
	for _, m := range info.Deps {
		if m.Path != path {
			continue
		}
		if m.Replace != nil {
			return m.Replace.Version
		}
		return m.Version
	}
	return ""
}
