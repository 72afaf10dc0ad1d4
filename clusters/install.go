package clusters

import (
	"context"
	"errors"
	"fmt"
	"time"
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
	for _, m := range c.Profile.PostManifests {
		if err := c.applyManifest(ctx, a, m); err != nil {
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
