package clusters

import "github.com/cnpc-dev/cnpc/images"

// flannel v0.28.10 (VXLAN), built from source (see images.Flannel). It implements no
// NetworkPolicy: it is the negative control, and must fail every case that expects a denial.
//
// --from release installs the manifest of the same version, Documentation/kube-flannel.yml at
// the v0.28.10 tag, with images from ghcr.io; its sha256 is that of the file in the module at
// that version (TestReleaseDigests checks it).
// NOTE: the release is unverified here (no registry). Its CNI config chains the "bridge" plugin,
// which kind's node images do not ship; bring a node image that has it.
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
				URL:    "https://raw.githubusercontent.com/flannel-io/flannel/v0.28.10/Documentation/kube-flannel.yml",
				SHA256: "944a3c1f925f117727a1b7272a323c80965da642498397ec7e6ea9bef0f9e6c5",
			}},
		},
	}, images.Flannel())
}

func init() { register(flannel()) }
