package images

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The Kubernetes release of the node image, and the versions kubeadm v1.34 expects of the images
// it runs (cmd/kubeadm/app/constants in that release).
const (
	KubernetesVersion = "v1.34.4"
	etcdVersion       = "3.6.5-0"
	corednsVersion    = "v1.12.1"
	pauseVersion      = "3.10.1"
)

// NodeImage is the name of the node image cnpc builds.
const NodeImage = "localhost/cnpc/kind-node:" + KubernetesVersion

// Debian release of every image cnpc builds.
const debianSuite = "bookworm"

// nodeRootfs holds what kind's base image has: systemd, the container runtime and the tools
// kubelet and kubeadm call. containerd and runc are Debian's.
var nodeRootfs = Rootfs{Name: "node", Suite: debianSuite, Packages: []string{
	"systemd", "containerd", "runc", "conntrack", "iptables", "nftables", "iproute2", "ethtool",
	"util-linux", "mount", "kmod", "libseccomp2", "pigz", "e2fsprogs", "bash", "ca-certificates",
	"curl", "jq", "procps",
}}

// netRootfs is the base of the images that program the node's network: kube-proxy, the CNIs,
// and the control-plane images.
var netRootfs = Rootfs{Name: "net", Suite: debianSuite, Packages: []string{
	"iptables", "nftables", "ipset", "iproute2", "conntrack", "kmod", "ca-certificates", "procps",
}}

const k8sVersionPkg = "k8s.io/component-base/version"

var kubernetesBuild = GoBuild{
	Name:    "kubernetes " + KubernetesVersion,
	Wrapper: "kubernetes",
	Packages: []string{
		"k8s.io/kubernetes/cmd/kube-apiserver", "k8s.io/kubernetes/cmd/kube-controller-manager",
		"k8s.io/kubernetes/cmd/kube-scheduler", "k8s.io/kubernetes/cmd/kube-proxy",
		"k8s.io/kubernetes/cmd/kubeadm", "k8s.io/kubernetes/cmd/kubelet", "k8s.io/kubernetes/cmd/kubectl",
	},
	// What the release's hack/lib/version.sh sets, so that kubeadm and kubelet report the release.
	LDFlags: "-X " + k8sVersionPkg + ".gitVersion=" + KubernetesVersion + " -X " + k8sVersionPkg + ".gitMajor=1 -X " +
		k8sVersionPkg + ".gitMinor=34 -X " + k8sVersionPkg + ".gitTreeState=clean -X " + k8sVersionPkg + ".buildDate=1970-01-01T00:00:00Z",
}

var nodeToolBuilds = []GoBuild{
	{Name: "etcd " + etcdVersion, Wrapper: "etcd", Packages: []string{"go.etcd.io/etcd/server/v3"}, Rename: map[string]string{"server": "etcd"}},
	{Name: "coredns " + corednsVersion, Wrapper: "coredns", Packages: []string{"github.com/coredns/coredns"}},
	// The checksum database does not know cri-tools v1.34.0 (see noSumDB); the wrapper
	// module's go.sum verifies it.
	{Name: "crictl v1.34.0", Wrapper: "crictl", Packages: []string{"sigs.k8s.io/cri-tools/cmd/crictl"}},
	{Name: "cni-plugins v1.9.1", Wrapper: "cni-plugins", Packages: []string{
		"github.com/containernetworking/plugins/plugins/main/bridge", "github.com/containernetworking/plugins/plugins/main/loopback",
		"github.com/containernetworking/plugins/plugins/main/ptp", "github.com/containernetworking/plugins/plugins/ipam/host-local",
		"github.com/containernetworking/plugins/plugins/meta/portmap",
	}},
	{Name: "pause", Local: "images/cmd/pause", Packages: []string{"./images/cmd/pause"}},
}

// controlPlaneImage is one image kubeadm runs, as docker holds it and as kubeadm names it.
type controlPlaneImage struct {
	local, expected string
	ctx             Context
}

// buildNode builds the node image and everything it is made of, and returns its name.
func (b *Builder) buildNode(ctx context.Context, pins map[Module]string, net string) (string, error) {
	k8s, err := b.buildGo(ctx, kubernetesBuild, pins)
	if err != nil {
		return "", err
	}
	tools, err := b.buildAll(ctx, nodeToolBuilds, pins)
	if err != nil {
		return "", err
	}
	nodeFS, err := b.buildRootfs(ctx, nodeRootfs)
	if err != nil {
		return "", err
	}
	images := controlPlaneImages(net, k8s, tools)
	for _, img := range images {
		if err := b.buildImage(ctx, img.local, img.ctx, imageKey(ctx, net)); err != nil {
			return "", err
		}
	}
	base := "localhost/cnpc/kind-base:" + debianSuite
	baseCtx, err := b.baseContext(ctx, nodeFS, tools)
	if err != nil {
		return "", err
	}
	if err := b.buildImage(ctx, base, baseCtx, imageKey(ctx, nodeFS)); err != nil {
		return "", err
	}
	return NodeImage, b.assembleNode(ctx, base, k8s, images)
}

// controlPlaneImages are the images of kubeadm's static pods, kube-proxy, CoreDNS and pause.
func controlPlaneImages(net, k8s string, tools map[string]string) []controlPlaneImage {
	var out []controlPlaneImage
	add := func(name, tag, src, entry string, wrap bool) {
		df := "FROM " + net + "\nCOPY " + name + " /usr/local/bin/" + name + "\n"
		files := []File{{Path: name, Src: src, Mode: 0o755}}
		if wrap {
			df += "COPY iptables-wrapper /usr/local/sbin/iptables-wrapper\n" + installIptablesWrapper + "\n"
			files = append(files, File{Path: "iptables-wrapper", Data: []byte(iptablesWrapper), Mode: 0o755})
		}
		if entry != "" {
			df += "ENTRYPOINT [\"/usr/local/bin/" + name + "\"]\n"
		}
		expected := "registry.k8s.io/" + name + ":" + tag
		if name == "coredns" {
			expected = "registry.k8s.io/coredns/coredns:" + tag
		}
		out = append(out, controlPlaneImage{local: "localhost/cnpc/" + name + ":" + tag, expected: expected, ctx: Context{Dockerfile: df, Files: files}})
	}
	for _, c := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler"} {
		add(c, KubernetesVersion, filepath.Join(k8s, c), "", false)
	}
	add("kube-proxy", KubernetesVersion, filepath.Join(k8s, "kube-proxy"), "", true)
	add("etcd", etcdVersion, tools["etcd"], "", false)
	// CoreDNS's image runs /coredns with the Deployment's args.
	add("coredns", corednsVersion, tools["coredns"], "entry", false)
	pause := controlPlaneImage{local: "localhost/cnpc/pause:" + pauseVersion, expected: "registry.k8s.io/pause:" + pauseVersion, ctx: Context{
		Dockerfile: "FROM scratch\nCOPY pause /pause\nENTRYPOINT [\"/pause\"]\n",
		Files:      []File{{Path: "pause", Src: tools["pause"], Mode: 0o755}},
	}}
	return append(out, pause)
}

// baseContext is the build context of the kind base image: kind's own base files (from the kind
// module cnpc is built with, so node and library agree) on cnpc's Debian rootfs, with crictl,
// the CNI plugins and cnpc's containerd configuration.
func (b *Builder) baseContext(ctx context.Context, rootfs string, tools map[string]string) (Context, error) {
	kindDir, err := b.kindModuleDir(ctx)
	if err != nil {
		return Context{}, err
	}
	files, err := kindBaseFiles(filepath.Join(kindDir, "images", "base", "files"))
	if err != nil {
		return Context{}, err
	}
	files = append(files,
		File{Path: "root/etc/containerd/config.toml", Data: []byte(containerdConfig)},
		File{Path: "root/usr/local/bin/crictl", Src: tools["crictl"], Mode: 0o755},
	)
	for _, r := range closedRegistries {
		files = append(files, File{Path: "root/etc/containerd/certs.d/" + r + "/hosts.toml", Data: []byte(closedRegistryHosts)})
	}
	for _, p := range []string{"bridge", "loopback", "ptp", "host-local", "portmap"} {
		files = append(files, File{Path: "root/opt/cni/bin/" + p, Src: tools[p], Mode: 0o755})
	}
	df := `FROM ` + rootfs + `
COPY root/ /
RUN set -e; ln -sf /usr/bin/containerd /usr/local/bin/containerd; \
    find /lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete; \
    rm -f /lib/systemd/system/multi-user.target.wants/* /etc/systemd/system/*.wants/* \
      /lib/systemd/system/local-fs.target.wants/* /lib/systemd/system/sockets.target.wants/*udev* \
      /lib/systemd/system/sockets.target.wants/*initctl* /lib/systemd/system/basic.target.wants/*; \
    echo ReadKMsg=no >> /etc/systemd/journald.conf; \
    ln -sf /usr/lib/systemd/systemd /sbin/init; \
    systemctl enable kubelet.service containerd.service undo-mount-hacks.service; \
    systemctl mask systemd-binfmt.service; \
    mkdir -p /etc/kubernetes/manifests; \
    ctr oci spec | jq '.hooks.createContainer += [{"path": "/kind/bin/mount-product-files.sh"}] | del(.process.rlimits)' \
      > /etc/containerd/cri-base.json; \
    containerd --version; runc --version; crictl --version
ENV container=docker
STOPSIGNAL SIGRTMIN+3
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
`
	return Context{Dockerfile: df, Files: files}, nil
}

// kindModuleDir returns the module directory of the kind version in cnpc's go.mod.
func (b *Builder) kindModuleDir(ctx context.Context) (string, error) {
	out, err := output(ctx, b.Repo, downloadEnv(), "go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kind")
	if err != nil {
		return "", fmt.Errorf("kind module: %w", err)
	}
	return strings.TrimSpace(out), nil
}

// entrypointLookup is the line of kind's entrypoint that asks DNS for host.docker.internal: on
// Docker 20.10 that query leaves the machine through the host's resolver. With "-s files" the
// name is looked up in /etc/hosts only, and kind falls back to the default gateway.
const entrypointLookup = "getent ahostsv4 'host.docker.internal'"

// kindBaseFiles returns kind's base image files under root/, with the entrypoint's lookup patched.
func kindBaseFiles(dir string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		mode := os.FileMode(0o644)
		if strings.HasPrefix(rel, "usr/local/bin/") || strings.HasPrefix(rel, "kind/bin/") {
			mode = 0o755
		}
		f := File{Path: "root/" + rel, Src: path, Mode: mode}
		if rel == "usr/local/bin/entrypoint" {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if !strings.Contains(string(data), entrypointLookup) {
				return fmt.Errorf("%s: no line %q to patch (kind changed its entrypoint)", path, entrypointLookup)
			}
			f.Src, f.Data = "", []byte(strings.Replace(string(data), entrypointLookup, "getent -s files ahostsv4 'host.docker.internal'", 1))
		}
		files = append(files, f)
		return nil
	})
	return files, err
}

// assembleNode makes the node image from the base: kubeadm, kubelet and kubectl, the
// control-plane images imported into the node's containerd, and /kind/version. It is what
// `kind build node-image` does, without pulling anything.
func (b *Builder) assembleNode(ctx context.Context, base, k8s string, images []controlPlaneImage) error {
	parts := []string{"node", imageKey(ctx, base), importImagesScript}
	for _, img := range images {
		parts = append(parts, img.local, img.expected, imageKey(ctx, img.local))
	}
	for _, bin := range []string{"kubeadm", "kubelet", "kubectl"} {
		parts = append(parts, fileDigest(filepath.Join(k8s, bin)))
	}
	k := keyOf(parts...)
	return b.step(ctx, "node image "+NodeImage, func() bool { return imageKey(ctx, NodeImage) == string(k) }, func(ctx context.Context, log io.Writer) error {
		work := b.dir("ctx", "node")
		os.RemoveAll(work)
		if err := os.MkdirAll(filepath.Join(work, "images"), 0o755); err != nil {
			return err
		}
		defer os.RemoveAll(work)
		args := []string{"/kind/import-images.sh"}
		for i, img := range images {
			if err := run(ctx, log, "", nil, "docker", "save", "-o", filepath.Join(work, "images", fmt.Sprintf("%02d.tar", i)), img.local); err != nil {
				return err
			}
			args = append(args, img.local, img.expected)
		}
		if err := os.WriteFile(filepath.Join(work, "import-images.sh"), []byte(importImagesScript), 0o755); err != nil {
			return err
		}
		name := "cnpc-node-build"
		_ = run(ctx, io.Discard, "", nil, "docker", "rm", "-f", name)
		if err := run(ctx, log, "", nil, "docker", "run", "-d", "--name", name, "--privileged", "--entrypoint", "sleep", base, "infinity"); err != nil {
			return err
		}
		defer run(context.WithoutCancel(ctx), io.Discard, "", nil, "docker", "rm", "-f", name)
		for _, bin := range []string{"kubeadm", "kubelet", "kubectl"} {
			if err := run(ctx, log, "", nil, "docker", "cp", filepath.Join(k8s, bin), name+":/usr/bin/"+bin); err != nil {
				return err
			}
		}
		for _, c := range [][2]string{{filepath.Join(work, "images"), "/kind/images"}, {filepath.Join(work, "import-images.sh"), "/kind/import-images.sh"}} {
			if err := run(ctx, log, "", nil, "docker", "cp", c[0], name+":"+c[1]); err != nil {
				return err
			}
		}
		if err := run(ctx, log, "", nil, "docker", append([]string{"exec", name, "/bin/bash"}, args...)...); err != nil {
			return err
		}
		if err := run(ctx, log, "", nil, "docker", "exec", name, "/bin/sh", "-c", "echo "+KubernetesVersion+" > /kind/version && kubeadm version -o short && kubelet --version"); err != nil {
			return err
		}
		return run(ctx, log, "", nil, "docker", "commit",
			"--change", `ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]`, "--change", `CMD []`,
			"--change", "LABEL "+keyLabel+"="+string(k), name, NodeImage)
	})
}

// fileDigest digests a file's contents, or returns "" when it cannot be read.
func fileDigest(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(keyOf(string(data)))
}
