#!/usr/bin/env bash
# cilium-bpf-patch.sh: run a kept cnpc Cilium cluster on a patched BPF datapath, to test a
# hypothesis about Cilium's datapath against the same cluster, images and probes.
#
#   hack/experiments/cilium-bpf-patch.sh CLUSTER KUBECONFIG PATCH
#
# The agent compiles its BPF programs at start from the sources in its image
# (/var/lib/cilium/bpf), and a new agent process drops its compiled templates, so a patch to those
# sources takes effect on the next start. This script builds localhost/cnpc/cilium:<tag>-<patch
# name> from the profile's agent image with PATCH applied (paths relative to the bpf directory,
# as `git apply` reads them), loads it into every node of the kind cluster CLUSTER, points the
# cilium-agent container of the cilium DaemonSet at it and waits until every agent is ready again.
# It is an experiment, not a profile: reports of runs on it must say which patch they ran.
# Undo with: kubectl -n kube-system set image daemonset/cilium cilium-agent=<the BASE_IMAGE>.
set -euo pipefail
usage="usage: hack/experiments/cilium-bpf-patch.sh CLUSTER KUBECONFIG PATCH"
cluster=${1:?$usage} kubeconfig=${2:?$usage} patch=${3:?$usage}
base=${BASE_IMAGE:-localhost/cnpc/cilium:v1.20.2}
[ -r "$patch" ] || { echo "cilium-bpf-patch: $patch: not a readable file" >&2; exit 2; }
patch=$(readlink -f "$patch")
k() { kubectl --kubeconfig "$kubeconfig" "$@"; }
name=$(basename "$patch" .patch)
image="$base-${name#cilium-v*-}"

work=$(mktemp -d)
cid=""
cleanup() { [ -n "$cid" ] && docker rm -f "$cid" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
cid=$(docker create "$base")
docker cp "$cid:/var/lib/cilium/bpf" "$work/bpf"
(cd "$work/bpf" && git apply -p1 "$patch")
cat >"$work/Dockerfile" <<EOF
FROM $base
COPY bpf /var/lib/cilium/bpf
LABEL dev.cnpc.experiment="$name"
EOF
echo "cilium-bpf-patch: building $image" >&2
docker build --quiet --network none -t "$image" "$work" >/dev/null

for node in $(docker ps --filter "label=io.x-k8s.kind.cluster=$cluster" --format '{{.Names}}'); do
  echo "cilium-bpf-patch: loading $image into $node" >&2
  docker save "$image" | docker exec -i "$node" ctr --namespace=k8s.io images import --digests - >/dev/null
done
k -n kube-system set image daemonset/cilium "cilium-agent=$image" >/dev/null
echo "cilium-bpf-patch: rolling out (each agent recompiles its datapath)" >&2
k -n kube-system rollout status daemonset/cilium --timeout=15m
k -n kube-system get pods -l k8s-app=cilium -o 'custom-columns=POD:.metadata.name,NODE:.spec.nodeName,IMAGE:.spec.containers[0].image,READY:.status.containerStatuses[0].ready'
