// Package images builds, from pinned sources and with no container registry, every image a cnpc
// profile needs: the kind node image (Kubernetes, etcd, CoreDNS, pause, crictl and the CNI
// plugins from their Go modules, on a debootstrapped Debian rootfs) and the CNI images (each CNI
// from its own Go module at a pinned version, verified by go.sum, with any patch a small file
// under images/patches). A Recipe says what one profile needs; Builder.Ensure builds what is
// missing and reuses what a previous run built: every output carries a key derived from all of
// its inputs, so a second run builds nothing.
//
// It drives the go, docker and debootstrap commands and may import none of cnpc's packages but
// internal/version; clusters and cmd/cnpc use it.
package images
