package images

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// keyLabel carries an image's build key, so a build can tell a current image from a stale one
// of the same name.
const keyLabel = "dev.cnpc.build-key"

// Context is a docker build context that cnpc writes itself: a Dockerfile and the files it copies.
type Context struct {
	Dockerfile string
	Files      []File
}

// File is one file of a build context: copied from Src on the host, or written from Data.
type File struct {
	Path string
	Src  string
	Data []byte
	Mode os.FileMode
}

// key digests the context's Dockerfile and the names and contents of its files.
func (c Context) key() (Key, error) {
	parts := []string{"docker", c.Dockerfile}
	for _, f := range c.Files {
		data := f.Data
		if f.Src != "" {
			var err error
			if data, err = os.ReadFile(f.Src); err != nil {
				return "", err
			}
		}
		parts = append(parts, f.Path, fmt.Sprint(f.mode()), string(data))
	}
	return keyOf(parts...), nil
}

func (f File) mode() os.FileMode {
	if f.Mode != 0 {
		return f.Mode
	}
	return 0o644
}

// write lays the context out in dir.
func (c Context) write(dir string) error {
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(c.Dockerfile), 0o644); err != nil {
		return err
	}
	for _, f := range c.Files {
		dst := filepath.Join(dir, f.Path)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		data := f.Data
		if f.Src != "" {
			var err error
			if data, err = os.ReadFile(f.Src); err != nil {
				return err
			}
		}
		if err := os.WriteFile(dst, data, f.mode()); err != nil {
			return err
		}
		if err := os.Chmod(dst, f.mode()); err != nil {
			return err
		}
	}
	return nil
}

// buildImage builds image from c unless an image of that name carries c's key (together with
// the extra key parts, e.g. the base image's key).
func (b *Builder) buildImage(ctx context.Context, image string, c Context, extra ...string) error {
	ck, err := c.key()
	if err != nil {
		return fmt.Errorf("image %s: %w", image, err)
	}
	k := keyOf(append([]string{string(ck)}, extra...)...)
	return b.step(ctx, "image "+image, func() bool { return imageKey(ctx, image) == string(k) }, func(ctx context.Context, log io.Writer) error {
		dir := b.dir("ctx", slug(image))
		if err := c.write(dir); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		env := append(os.Environ(), "DOCKER_BUILDKIT=0")
		return run(ctx, log, dir, env, "docker", "build", "--label", keyLabel+"="+string(k), "-t", image, ".")
	})
}

// imageKey returns the build key label of a local image, or "" when there is none.
func imageKey(ctx context.Context, image string) string {
	out, err := exec.CommandContext(ctx, "docker", "image", "inspect", "-f", `{{index .Config.Labels "`+keyLabel+`"}}`, image).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// imageExists reports whether docker has image.
func imageExists(ctx context.Context, image string) bool {
	return exec.CommandContext(ctx, "docker", "image", "inspect", "-f", "{{.Id}}", image).Run() == nil
}

// checkDocker returns a ToolError unless the docker CLI is installed and its daemon answers.
func checkDocker(ctx context.Context) error {
	if err := requireTool("docker", "build and run the images", "apt-get install -y docker.io"); err != nil {
		return err
	}
	if _, err := output(ctx, "", nil, "docker", "version", "--format", "{{.Server.Version}}"); err != nil {
		return &ToolError{Tool: "a running docker daemon", Why: "build and run the images",
			Install: "start it (systemctl start docker, or dockerd > /var/log/dockerd.log 2>&1 &): " + err.Error()}
	}
	return nil
}
