package clusters

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// Preflight checks, before anything is built or created, what creating a cluster with o for p
// needs of the input: the options (Validate, against the profile as it installs: after
// WithRelease, and before a build fills in its manifests) and that every local manifest is a
// readable file. It reports every problem at once. CheckDocker checks the machine.
func Preflight(o Options, p Profile) error {
	errs := []error{o.Defaulted(p).Validate(p)}
	for _, m := range o.Manifests {
		if err := readableFile(m); err != nil {
			errs = append(errs, fmt.Errorf("manifest %s: %w", m, err))
		}
	}
	return errors.Join(errs...)
}

func readableFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.IsDir() {
		return errors.New("is a directory, expected a YAML file")
	}
	return nil
}

// CheckDocker reports a docker CLI or daemon that does not answer (kind runs its nodes in docker),
// else every image of images (e.g. the probe image) that docker does not hold; the images a
// from-source build makes are not among them.
func CheckDocker(ctx context.Context, images []string) error {
	if _, err := exec.LookPath("docker"); err != nil {
		return errors.New("docker: not found on PATH, and kind runs its nodes in docker (apt-get install -y docker.io)")
	}
	if _, err := runDocker(ctx, "version", "--format", "{{.Server.Version}}"); err != nil {
		return fmt.Errorf("docker: the daemon does not answer (start it: systemctl start docker, or dockerd > /var/log/dockerd.log 2>&1 &): %w", err)
	}
	return CheckLocalImages(ctx, images)
}
