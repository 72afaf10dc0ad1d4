#!/usr/bin/env bash
# Builds the probe image (make probe-image): a static cnpc-probe binary (CGO_ENABLED=0) in an image
# FROM scratch, built with no network. Tags it localhost/cnpc/probe:<version> and
# localhost/cnpc/probe:<content hash>, the first 16 hex digits of the binary's sha256, so a run can
# name exactly the binary it used. Progress goes to stderr; the tags and the size to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=localhost/cnpc/probe
if ! command -v go >/dev/null 2>&1; then
  echo "probe-image: go is not on PATH" >&2
  exit 3
fi
if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "probe-image: docker is not installed or its daemon is not reachable" >&2
  exit 3
fi
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=${COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
pkg=github.com/cnpc-dev/cnpc/internal/version
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT

echo "probe-image: building the static binary ($version)" >&2
CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X $pkg.Version=$version -X $pkg.Commit=$commit" \
  -o "$ctx/cnpc-probe" ./probes/cmd/cnpc-probe
cp probes/Dockerfile "$ctx/Dockerfile"
hash=$(sha256sum "$ctx/cnpc-probe" | cut -c1-16)

echo "probe-image: docker build --network none" >&2
docker build --quiet --network none --build-arg "VERSION=$version" \
  -t "$repo:$version" -t "$repo:$hash" "$ctx" >&2
size=$(docker image inspect --format '{{.Size}}' "$repo:$hash")
binsize=$(stat -c %s "$ctx/cnpc-probe")
echo "$repo:$version"
echo "$repo:$hash"
echo "size: $size bytes ($((size / 1024)) KiB); binary $binsize bytes"
