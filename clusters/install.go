package clusters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"sigs.k8s.io/kind/pkg/cluster/nodeutils"
)

// crdWait bounds how long a custom resource waits for its CRD to be served.
const crdWait = 60 * time.Second

// InstallCNI installs the profile's CNI into a cluster cnpc created: it loads the profile's and
// the user's images into the nodes, applies the manifests (the user's local files if given,
// otherwise the profile's, each verified by sha256), then the node manifests, then runs the
// profile's PostInstall. Readiness is WaitReady's job.
func (c *Cluster) InstallCNI(ctx context.Context) error {
	if c.provider == nil {
		return errors.New("install cni: cluster was not created by cnpc (--existing); its CNI is what it is")
	}
	images := append(append([]string(nil), c.Profile.Images...), c.opts.Images...)
	if err := c.LoadImages(ctx, images); err != nil {
		return fmt.Errorf("install %s: %w", c.Profile.Name, err)
	}
	a, err := c.newApplier()
	if err != nil {
		return fmt.Errorf("install %s: %w", c.Profile.Name, err)
	}
	for _, m := range c.manifests() {
		if err := c.applyManifest(ctx, a, m); err != nil {
			return fmt.Errorf("install %s: %w", c.Profile.Name, err)
		}
	}
	for _, path := range c.Profile.NodeManifests {
		if err := c.applyNodeManifest(ctx, a, path); err != nil {
			return fmt.Errorf("install %s: %w", c.Profile.Name, err)
		}
	}
	if c.Profile.PostInstall != nil {
		if err := c.Profile.PostInstall(ctx, c); err != nil {
			return fmt.Errorf("install %s: %w", c.Profile.Name, err)
		}
	}
	return nil
}

// manifests returns the user's local manifests when given, otherwise the profile's.
func (c *Cluster) manifests() []Manifest {
	if len(c.opts.Manifests) == 0 {
		return c.Profile.Manifests
	}
	out := make([]Manifest, len(c.opts.Manifests))
	for i, p := range c.opts.Manifests {
		out[i] = Manifest{Path: p}
	}
	return out
}

func (c *Cluster) applyManifest(ctx context.Context, a *applier, m Manifest) error {
	data, err := m.Load(ctx, c.http)
	if err != nil {
		return err
	}
	objs, err := DecodeObjects(data)
	if err != nil {
		return fmt.Errorf("manifest %s: %w", m, err)
	}
	c.log.Info("applying manifest", "manifest", m.String(), "objects", len(objs))
	if err := a.apply(ctx, objs, crdWait); err != nil {
		return fmt.Errorf("manifest %s: %w", m, err)
	}
	return nil
}

// applyNodeManifest reads a file from the bootstrap control-plane node and applies it.
func (c *Cluster) applyNodeManifest(ctx context.Context, a *applier, path string) error {
	all, err := c.provider.ListInternalNodes(c.Name)
	if err != nil {
		return fmt.Errorf("node manifest %s: %w", path, err)
	}
	node, err := nodeutils.BootstrapControlPlaneNode(all)
	if err != nil {
		return fmt.Errorf("node manifest %s: %w", path, err)
	}
	var out bytes.Buffer
	if err := node.CommandContext(ctx, "cat", path).SetStdout(&out).Run(); err != nil {
		return fmt.Errorf("node manifest %s: read from node %s: %w", path, node.String(), err)
	}
	objs, err := DecodeObjects(out.Bytes())
	if err != nil {
		return fmt.Errorf("node manifest %s: %w", path, err)
	}
	c.log.Info("applying node manifest", "node", node.String(), "path", path, "objects", len(objs))
	if err := a.apply(ctx, objs, crdWait); err != nil {
		return fmt.Errorf("node manifest %s: %w", path, err)
	}
	return nil
}
