package clusters

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"sigs.k8s.io/kind/pkg/cluster/nodes"
	"sigs.k8s.io/kind/pkg/cluster/nodeutils"
)

// LoadImages loads local docker images into every node of the kind cluster: the library way of
// `kind load docker-image`. Nodes that already hold an image with the same ID are skipped, so
// loading into a reused cluster is cheap.
func (c *Cluster) LoadImages(ctx context.Context, images []string) error {
	if len(images) == 0 {
		return nil
	}
	if c.provider == nil {
		return errors.New("load images: cluster was not created by cnpc (--existing); load them with your own tooling")
	}
	ids := make(map[string]string, len(images))
	for _, img := range images {
		id, err := localImageID(ctx, img)
		if err != nil {
			return err
		}
		ids[img] = id
	}
	nodeList, err := c.provider.ListInternalNodes(c.Name)
	if err != nil {
		return fmt.Errorf("list nodes of %s: %w", c.Name, err)
	}
	if len(nodeList) == 0 {
		return fmt.Errorf("load images: cluster %s has no nodes", c.Name)
	}
	need := map[string][]nodes.Node{}
	for _, n := range nodeList {
		for _, img := range images {
			if id, err := nodeutils.ImageID(n, img); err != nil || id != ids[img] {
				need[img] = append(need[img], n)
			}
		}
	}
	if len(need) == 0 {
		c.log.Info("images already on every node", "images", images)
		return nil
	}
	return c.loadMissing(ctx, need)
}

// loadMissing saves each missing image once and loads the archive into the nodes that lack it.
func (c *Cluster) loadMissing(ctx context.Context, need map[string][]nodes.Node) error {
	dir, err := os.MkdirTemp("", "cnpc-images-")
	if err != nil {
		return fmt.Errorf("load images: %w", err)
	}
	defer os.RemoveAll(dir)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	i := 0
	for img, targets := range need {
		i++
		archive := filepath.Join(dir, fmt.Sprintf("image-%d.tar", i))
		if err := dockerSave(ctx, img, archive); err != nil {
			return err
		}
		for _, n := range targets {
			c.log.Info("loading image", "image", img, "node", n.String())
			wg.Go(func() {
				if err := loadArchive(n, archive); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("load image %s into node %s: %w", img, n.String(), err))
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return errors.Join(errs...)
}

func loadArchive(n nodes.Node, archive string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	return nodeutils.LoadImageArchive(n, f)
}

// CheckLocalImages returns an error naming every image that is not in the local docker, so a run
// can stop before it creates a cluster it could not use.
func CheckLocalImages(ctx context.Context, images []string) error {
	var errs []error
	for _, img := range images {
		if _, err := localImageID(ctx, img); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func localImageID(ctx context.Context, image string) (string, error) {
	out, err := runDocker(ctx, "image", "inspect", "-f", "{{.Id}}", image)
	if err != nil {
		return "", fmt.Errorf("image %s is not present locally (build or pull it first): %w", image, err)
	}
	return strings.TrimSpace(out), nil
}

func dockerSave(ctx context.Context, image, archive string) error {
	if _, err := runDocker(ctx, "save", "-o", archive, image); err != nil {
		return fmt.Errorf("save image %s: %w", image, err)
	}
	return nil
}

// runDocker runs the docker CLI and returns its stdout; a failure carries the command's stderr.
func runDocker(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "docker", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
