package images

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// ManifestSource is a manifest file of a CNI's own source module, rendered for cnpc's cluster:
// every container image replaced by the local one (never pulled), then the recipe's own edits.
type ManifestSource struct {
	Source Module
	// Path is the file inside the module; or Chart, a Helm chart inside it.
	Path  string
	Chart *Chart
	// Images maps an upstream image repository (without tag or digest) to the local image.
	// Every container of the manifest must be mapped, so nothing is ever pulled.
	Images map[string]string
	// Edit changes the decoded objects after the images, e.g. to set the pod subnet.
	Edit func(objs []map[string]any, podSubnet string) error
}

// Chart is a Helm chart of a source module, rendered offline by `helm template` (Helm built
// from its own wrapper module) with cnpc's values.
type Chart struct {
	// Dir is the chart's directory inside the module.
	Dir                string
	Release, Namespace string
	// Values is a values file, in YAML.
	Values string
	// KubeVersion is the cluster's version: a chart's kubeVersion check and version-dependent
	// templates need it, and Helm's own default is older than any chart accepts.
	KubeVersion string
}

// renderChart runs helm template on the chart and returns the objects it makes.
func (b *Builder) renderChart(ctx context.Context, dir string, c Chart, pins map[Module]string) ([]byte, error) {
	bin, err := b.buildGo(ctx, helmBuild, pins)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "cnpc-chart-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	values := filepath.Join(tmp, "values.yaml")
	if err := os.WriteFile(values, []byte(c.Values), 0o644); err != nil {
		return nil, err
	}
	// Helm keeps its caches and configuration in tmp: nothing of the user's Helm is read.
	env := append(os.Environ(), "HELM_CACHE_HOME="+tmp, "HELM_CONFIG_HOME="+tmp, "HELM_DATA_HOME="+tmp)
	out, err := output(ctx, tmp, env, filepath.Join(bin, "helm"), "template", c.Release, filepath.Join(dir, c.Dir),
		"--namespace", c.Namespace, "--kube-version", c.KubeVersion, "--values", values)
	return []byte(out), err
}

// renderManifest writes the recipe's rendered manifest under the cache and returns its path.
func (b *Builder) renderManifest(ctx context.Context, r Recipe, pins map[Module]string, podSubnet string) (string, error) {
	m := r.Manifest
	dir, err := b.sourceDir(ctx, m.Source, pins, downloadEnv())
	if err != nil {
		return "", fmt.Errorf("manifest of %s: %w", r.Name, err)
	}
	var data []byte
	if m.Chart != nil {
		data, err = b.renderChart(ctx, dir, *m.Chart, pins)
	} else {
		data, err = os.ReadFile(filepath.Join(dir, m.Path))
	}
	if err != nil {
		return "", fmt.Errorf("manifest of %s: %w", r.Name, err)
	}
	out, err := Render(data, m, podSubnet)
	if err != nil {
		return "", fmt.Errorf("manifest %s of %s: %w", m.Path, m.Source, err)
	}
	path := b.dir("manifests", r.Name+".yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	from := m.Path
	if m.Chart != nil {
		from = "chart " + m.Chart.Dir
	}
	b.printf("manifest %s: rendered from %s (%s)", path, m.Source, from)
	return path, os.WriteFile(path, out, 0o644)
}

// Render decodes a multi-document manifest, points its images at the local ones, applies the
// edit and encodes it again.
func Render(data []byte, m ManifestSource, podSubnet string) ([]byte, error) {
	objs, err := decodeAll(data)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, o := range objs {
		errs = append(errs, localImages(o, m.Images, describe(o)))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if m.Edit != nil {
		if err := m.Edit(objs, podSubnet); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	for i, o := range objs {
		y, err := yaml.Marshal(o)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.Write(y)
	}
	return out.Bytes(), nil
}

func decodeAll(data []byte) ([]map[string]any, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var objs []map[string]any
	for {
		var o map[string]any
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", len(objs)+1, err)
		}
		if len(o) > 0 {
			objs = append(objs, o)
		}
	}
}

// describe names an object as "Kind namespace/name".
func describe(o map[string]any) string {
	meta, _ := o["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if ns, _ := meta["namespace"].(string); ns != "" {
		name = ns + "/" + name
	}
	kind, _ := o["kind"].(string)
	return kind + " " + name
}

// localImages replaces the image of every container and init container found anywhere in v.
func localImages(v any, images map[string]string, where string) error {
	var errs []error
	switch t := v.(type) {
	case map[string]any:
		for key, child := range t {
			if key != "containers" && key != "initContainers" {
				errs = append(errs, localImages(child, images, where))
				continue
			}
			list, _ := child.([]any)
			for _, c := range list {
				ctr, ok := c.(map[string]any)
				if !ok {
					continue
				}
				img, _ := ctr["image"].(string)
				local, ok := images[ImageRepository(img)]
				if !ok {
					errs = append(errs, fmt.Errorf("%s: container %v: image %q has no local build", where, ctr["name"], img))
					continue
				}
				ctr["image"] = local
				ctr["imagePullPolicy"] = "Never"
			}
		}
	case []any:
		for _, child := range t {
			errs = append(errs, localImages(child, images, where))
		}
	}
	return errors.Join(errs...)
}

// ImageRepository strips the tag and digest from an image reference.
func ImageRepository(image string) string {
	ref, _, _ := strings.Cut(image, "@")
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

// objectsOf returns the objects of kind with name (any namespace).
func objectsOf(objs []map[string]any, kind, name string) []map[string]any {
	var out []map[string]any
	for _, o := range objs {
		meta, _ := o["metadata"].(map[string]any)
		if o["kind"] == kind && meta["name"] == name {
			out = append(out, o)
		}
	}
	return out
}
