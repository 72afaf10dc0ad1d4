package images

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// runcShimPath is where the shim goes: ahead of Debian's /usr/sbin/runc in dockerd's PATH.
const runcShimPath = "/usr/local/sbin/runc"

var runcShimBuild = GoBuild{Name: "runc-shim", Local: "images/cmd/runc-shim", Packages: []string{"./images/cmd/runc-shim"}}

// ensurePrivileged checks that docker can start a privileged container (every kind node is
// one). On a VM whose bounding set lacks a capability Docker grants, runc fails with "unable to
// apply caps"; then the runc shim (images/cmd/runc-shim) is installed and the check repeated.
func (b *Builder) ensurePrivileged(ctx context.Context, image string, pins map[Module]string) error {
	msg, err := privilegedRun(ctx, image)
	if err == nil {
		return nil
	}
	if !strings.Contains(msg, "apply caps") {
		return fmt.Errorf("docker cannot run a privileged container (kind's nodes are privileged): %s", msg)
	}
	dir, err := b.buildGo(ctx, runcShimBuild, pins)
	if err != nil {
		return err
	}
	err = b.step(ctx, "install the runc shim at "+runcShimPath+" (this VM lacks a capability Docker gives privileged containers)", func() bool { return false },
		func(ctx context.Context, log io.Writer) error {
			if old, err := os.ReadFile(runcShimPath); err == nil && !bytes.Contains(old, []byte("runc-shim")) {
				return fmt.Errorf("%s exists and is not cnpc's runc shim; refusing to replace it", runcShimPath)
			}
			data, err := os.ReadFile(filepath.Join(dir, "runc-shim"))
			if err != nil {
				return err
			}
			if err := os.WriteFile(runcShimPath+".new", data, 0o755); err != nil {
				return fmt.Errorf("install %s (needs root): %w", runcShimPath, err)
			}
			return os.Rename(runcShimPath+".new", runcShimPath)
		})
	if err != nil {
		return err
	}
	if msg, err := privilegedRun(ctx, image); err != nil {
		return fmt.Errorf("docker still cannot run a privileged container with the runc shim in place (is /usr/local/sbin ahead of /usr/sbin in dockerd's PATH?): %s", msg)
	}
	return nil
}

func privilegedRun(ctx context.Context, image string) (string, error) {
	out, err := exec.CommandContext(ctx, "docker", "run", "--rm", "--privileged", "--network", "none", "--entrypoint", "/bin/true", image).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}
