package clusters

import "github.com/cnpc-dev/cnpc/images"

// flannel v0.28.10 (VXLAN), built from source (see images.Flannel). It implements no
// NetworkPolicy: it is the negative control, and must fail every case that expects a denial.
//
// --from release installs the release manifest of the same version, with images from ghcr.io.
// NOTE: the release is unverified here (no registry). Its CNI config chains the "bridge" plugin,
// which kind's node images do not ship; bring a node image that has it.
// TODO(cnpc): record the sha256 of kube-flannel.yml v0.28.10 on a machine with network access.
func flannel() Profile {
	return fromSource(Profile{
		Name:        "flannel",
		Description: "flannel v0.28.10 built from source (VXLAN): no NetworkPolicy, the negative control",
		Enforces:    false,
		IPFamilies:  []IPFamily{IPv4},
		PodSubnet:   "10.244.0.0/16",
		// kind's default; set so the CoreDNS Service address (10.96.0.10) is in it.
		ServiceSubnet: "10.96.0.0/16",
		Namespaces:    []string{"kube-flannel"},
		Notes:         []string{"flanneld built without its tencentvpc backend (images/patches/flannel-v0.28.10-no-tencentvpc.patch: its SDK is not served by the Go module proxy); the CNI plugin is containernetworking/plugins v0.9.1's flannel, so the CNI config says cniVersion 0.4.0"},
		VersionFrom:   ContainerRef{Kind: "DaemonSet", Namespace: "kube-flannel", Name: "kube-flannel-ds", Container: "kube-flannel"},
		Release: &Release{
			Version: "v0.28.10",
			Manifests: []Manifest{{
				URL: "https://github.com/flannel-io/flannel/releases/download/v0.28.10/kube-flannel.yml",
			}},
		},
	}, images.Flannel())
}

func init() { register(flannel()) }
