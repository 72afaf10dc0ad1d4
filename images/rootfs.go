package images

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Rootfs is a Debian root filesystem made with debootstrap and imported into docker as an image,
// the base of the node image and of the CNI images (no image can be pulled).
type Rootfs struct {
	Name string
	// Suite is the Debian release, e.g. bookworm.
	Suite string
	// Packages are installed on top of debootstrap's minbase variant.
	Packages []string
}

// image is the docker image the root filesystem is imported as.
func (r Rootfs) image(k Key) string { return "localhost/cnpc/rootfs-" + r.Name + ":" + k.Short() }

func (r Rootfs) key() Key {
	pkgs := slices.Clone(r.Packages)
	slices.Sort(pkgs)
	return keyOf("rootfs", r.Name, r.Suite, "minbase", strings.Join(pkgs, ","))
}

// buildRootfs makes the image unless it exists, and returns its name.
func (b *Builder) buildRootfs(ctx context.Context, r Rootfs) (string, error) {
	k := r.key()
	img := r.image(k)
	label := fmt.Sprintf("rootfs %s (Debian %s minbase + %d packages)", r.Name, r.Suite, len(r.Packages))
	err := b.step(ctx, label, func() bool { return imageExists(ctx, img) }, func(ctx context.Context, log io.Writer) error {
		if err := requireTool("debootstrap", "make the Debian root filesystems of the images", "apt-get install -y debootstrap"); err != nil {
			return err
		}
		if os.Geteuid() != 0 {
			return errors.New("debootstrap needs root: run the build as root")
		}
		mirror, err := aptMirror(r.Suite)
		if err != nil {
			return err
		}
		dir := b.dir("rootfs", r.Name+"-"+k.Short())
		os.RemoveAll(dir)
		defer os.RemoveAll(dir)
		if err := run(ctx, log, "", nil, "debootstrap", "--variant=minbase", "--include="+strings.Join(r.Packages, ","),
			r.Suite, dir, mirror); err != nil {
			return err
		}
		// The image must never reach a package mirror at run time.
		for _, p := range []string{"var/cache/apt/archives", "var/lib/apt/lists", "var/log"} {
			clearDir(filepath.Join(dir, p))
		}
		if err := os.WriteFile(filepath.Join(dir, "etc/apt/sources.list"), nil, 0o644); err != nil {
			return err
		}
		tar := dir + ".tar"
		defer os.Remove(tar)
		if err := run(ctx, log, "", nil, "tar", "--numeric-owner", "-C", dir, "-cf", tar, "."); err != nil {
			return err
		}
		return run(ctx, log, "", nil, "docker", "import", "-c", "LABEL "+keyLabel+"="+string(k), tar, img)
	})
	return img, err
}

// clearDir removes what a directory holds and keeps the directory.
func clearDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// aptMirror returns the Debian mirror the host's apt uses for suite.
func aptMirror(suite string) (string, error) {
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*")
	files = append([]string{"/etc/apt/sources.list"}, files...)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if m := mirrorIn(string(data), suite); m != "" {
			return m, nil
		}
	}
	return "", fmt.Errorf("no Debian mirror for %s in /etc/apt/sources.list*: debootstrap needs one", suite)
}

// mirrorIn finds the URI serving suite in a sources.list or deb822 .sources text.
func mirrorIn(text, suite string) string {
	var uris []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 3 && fields[0] == "deb":
			// deb [options] URI suite components...
			i := 1
			if strings.HasPrefix(fields[i], "[") {
				for i < len(fields) && !strings.HasSuffix(fields[i], "]") {
					i++
				}
				i++
			}
			if i+1 < len(fields) && fields[i+1] == suite {
				return fields[i]
			}
		case strings.HasPrefix(line, "URIs:"):
			uris = fields[1:]
		case strings.HasPrefix(line, "Suites:") && slices.Contains(fields[1:], suite) && len(uris) > 0:
			return uris[0]
		case line == "":
			uris = nil
		}
	}
	return ""
}
