package images

// Files that cnpc writes into its images. They are cnpc's own, not copied from any project.

// iptablesWrapper is installed as iptables, ip6tables and their -save/-restore in every image that
// manipulates the node's rules (kube-proxy and the CNIs). On its first call it picks the backend
// that already holds the node's rules, legacy or nft, points the names at it and runs the
// command again, so a pod never writes rules into the backend the node does not use.
const iptablesWrapper = `#!/bin/sh
set -eu
count() { { "$1-save" 2>/dev/null || true; "$2-save" 2>/dev/null || true; } | grep -c '^-' || true; }
legacy=$(count iptables-legacy ip6tables-legacy)
nft=$(count iptables-nft ip6tables-nft)
mode=nft
if [ "$legacy" -gt "$nft" ]; then mode=legacy; fi
for name in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -sf "xtables-$mode-multi" "/usr/sbin/$name"
done
exec "/usr/sbin/$(basename "$0")" "$@"
`

// installIptablesWrapper is a Dockerfile RUN line that puts the wrapper in place.
const installIptablesWrapper = `RUN for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do ln -sf /usr/local/sbin/iptables-wrapper /usr/sbin/$n; done`

// containerdConfig is the node's containerd configuration (version 2, as Debian bookworm's
// containerd 1.6 reads it). restrict_oom_score_adj: without CAP_SYS_RESOURCE (missing on some
// VMs) containerd cannot lower a sandbox's OOM score below its own, and every pod would fail.
// certs.d sends every registry to a closed loopback port, so a missing image fails at once
// instead of leaving the machine.
const containerdConfig = `version = 2

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:` + pauseVersion + `"
  tolerate_missing_hugepages_controller = true
  restrict_oom_score_adj = true

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"
  discard_unpacked_layers = true

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  base_runtime_spec = "/etc/containerd/cri-base.json"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"
`

// closedRegistries get a hosts.toml that points them at a closed loopback port.
var closedRegistries = []string{"docker.io", "registry-1.docker.io", "registry.k8s.io", "k8s.gcr.io", "gcr.io", "quay.io", "ghcr.io"}

const closedRegistryHosts = "server = \"http://127.0.0.1:1\"\n"

// importImagesScript runs inside the node image while it is assembled: it starts containerd,
// imports the image archives under /kind/images into the k8s.io namespace, gives each the name
// kubeadm expects, and stops containerd again. Arguments: pairs of local and expected names.
const importImagesScript = `#!/bin/bash
set -euo pipefail
containerd > /var/log/cnpc-image-import.log 2>&1 &
pid=$!
for i in $(seq 1 300); do ctr version > /dev/null 2>&1 && break; sleep 0.1; done
ctr version > /dev/null
for f in /kind/images/*.tar; do ctr -n k8s.io images import --no-unpack --all-platforms "$f"; done
while [ $# -ge 2 ]; do ctr -n k8s.io images tag --force "$1" "$2"; ctr -n k8s.io images rm "$1" > /dev/null; shift 2; done
ctr -n k8s.io images ls -q
kill "$pid"; wait "$pid" || true
rm -rf /kind/images /kind/import-images.sh
`
