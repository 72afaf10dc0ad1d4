package images

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Recipe is what one CNI profile builds on top of the node image: its commands, its images and
// the manifest that installs them. The profile in clusters/ names its recipe; this is the one
// place that knows the CNI's source module, version, images and manifest.
type Recipe struct {
	// Name is the CNI's name in image and file names.
	Name string
	// Version is the upstream version the recipe builds, with a "-patched" suffix when Builds
	// patch the source (reports show it).
	Version string
	// Builds are the CNI's commands.
	Builds []GoBuild
	// Images are built from the commands, each on a Debian root filesystem.
	Images []Image
	// Manifest is rendered from a file of the CNI's own source.
	Manifest ManifestSource
}

// Image is one CNI image: a root filesystem, binaries from the recipe's builds, and a few
// Dockerfile lines.
type Image struct {
	// Name is the local image name, "localhost/cnpc/<name>:<version>".
	Name string
	// Rootfs is the base; nil means the network tools rootfs every CNI image shares.
	Rootfs *Rootfs
	// Binaries maps a binary of the recipe's builds to its path in the image.
	Binaries map[string]string
	// SourceFiles are copied from the CNI's own source module (scripts, configuration).
	SourceFiles []SourceFile
	// IptablesWrapper installs cnpc's iptables backend selector (see files.go).
	IptablesWrapper bool
	// Dockerfile lines after the copies (RUN, ENV, ENTRYPOINT ...).
	Dockerfile []string
}

// SourceFile copies a file or directory of a source module into an image.
type SourceFile struct {
	Module Module
	// From is the path inside the module, To the path in the image.
	From, To string
	// Executable are filepath.Match patterns, relative to From, of the files that get mode 0755
	// (module zips keep no modes: everything unpacks read-only).
	Executable []string
}

// Built is what Ensure produced for a recipe.
type Built struct {
	NodeImage string
	// Images are the CNI's images, to load into every node.
	Images []string
	// Manifest is the rendered manifest file.
	Manifest string
	// Version is the recipe's version.
	Version string
}

// Ensure builds whatever the recipe needs that docker does not already hold (the node image
// included) and renders its manifest. Each step prints one line when it starts and one when it
// ends; a failed step names its log file.
func (b *Builder) Ensure(ctx context.Context, r Recipe, podSubnet string) (Built, error) {
	if err := checkDocker(ctx); err != nil {
		return Built{}, err
	}
	pins, err := readPins(b.Repo)
	if err != nil {
		return Built{}, fmt.Errorf("build %s: %w", r.Name, err)
	}
	net, err := b.buildRootfs(ctx, netRootfs)
	if err != nil {
		return Built{}, err
	}
	if err := b.ensurePrivileged(ctx, net, pins); err != nil {
		return Built{}, err
	}
	node, err := b.buildNode(ctx, pins, net)
	if err != nil {
		return Built{}, err
	}
	bins, err := b.buildAll(ctx, r.Builds, pins)
	if err != nil {
		return Built{}, err
	}
	out := Built{NodeImage: node, Version: r.Version}
	for _, img := range r.Images {
		base := net
		if img.Rootfs != nil {
			if base, err = b.buildRootfs(ctx, *img.Rootfs); err != nil {
				return Built{}, err
			}
		}
		c, err := img.context(base, bins)
		if err == nil {
			err = b.addSourceFiles(ctx, &c, img.SourceFiles, pins)
		}
		if err != nil {
			return Built{}, fmt.Errorf("image %s: %w", img.Name, err)
		}
		if err := b.buildImage(ctx, img.Name, c, imageKey(ctx, base)); err != nil {
			return Built{}, err
		}
		out.Images = append(out.Images, img.Name)
	}
	if out.Manifest, err = b.renderManifest(ctx, r, pins, podSubnet); err != nil {
		return Built{}, err
	}
	return out, nil
}

// context is the image's build context on base with the binaries it copies.
func (img Image) context(base string, bins map[string]string) (Context, error) {
	var df strings.Builder
	fmt.Fprintf(&df, "FROM %s\n", base)
	var files []File
	names := make([]string, 0, len(img.Binaries))
	for n := range img.Binaries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		src, ok := bins[n]
		if !ok {
			return Context{}, fmt.Errorf("no build makes binary %q", n)
		}
		files = append(files, File{Path: "bin/" + n, Src: src, Mode: 0o755})
		fmt.Fprintf(&df, "COPY bin/%s %s\n", n, img.Binaries[n])
	}
	if img.IptablesWrapper {
		files = append(files, File{Path: "iptables-wrapper", Data: []byte(iptablesWrapper), Mode: 0o755})
		fmt.Fprintf(&df, "COPY iptables-wrapper /usr/local/sbin/iptables-wrapper\n%s\n", installIptablesWrapper)
	}
	for _, l := range img.Dockerfile {
		fmt.Fprintln(&df, l)
	}
	return Context{Dockerfile: df.String(), Files: files}, nil
}

// addSourceFiles adds the files of a source module to a build context, before its last lines.
func (b *Builder) addSourceFiles(ctx context.Context, c *Context, files []SourceFile, pins map[Module]string) error {
	var copies strings.Builder
	for i, sf := range files {
		dir, err := b.sourceDir(ctx, sf.Module, pins, downloadEnv())
		if err != nil {
			return err
		}
		root := filepath.Join(dir, sf.From)
		prefix := fmt.Sprintf("src/%d", i)
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if rel == "." {
				rel = filepath.Base(path)
			}
			mode := os.FileMode(0o644)
			for _, pat := range sf.Executable {
				if ok, _ := filepath.Match(pat, rel); ok {
					mode = 0o755
				}
			}
			c.Files = append(c.Files, File{Path: prefix + "/" + rel, Src: path, Mode: mode})
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s of %s: %w", sf.From, sf.Module, err)
		}
		fmt.Fprintf(&copies, "COPY %s/ %s\n", prefix, sf.To)
	}
	// The copies go right after FROM and the binaries, before the image's own lines.
	first, rest, _ := strings.Cut(c.Dockerfile, "\n")
	c.Dockerfile = first + "\n" + copies.String() + rest
	return nil
}

// sourceDir downloads a pinned source module (or finds it in the module cache), checks its
// digest and returns its read-only module directory.
func (b *Builder) sourceDir(ctx context.Context, m Module, pins map[Module]string, env []string) (string, error) {
	pinned, ok := pins[m]
	if !ok {
		return "", fmt.Errorf("source %s: %w", m, errNotPinned)
	}
	tmp, err := os.MkdirTemp("", "cnpc-download-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	return downloadVerified(ctx, tmp, m, pinned, env)
}

// Recipes lists every recipe cnpc knows.
func Recipes() []Recipe {
	return []Recipe{KubeRouter(), Flannel(), Calico(false), Calico(true), Cilium()}
}
