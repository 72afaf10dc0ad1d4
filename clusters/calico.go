package clusters

import "github.com/cnpc-dev/cnpc/images"

// Calico v3.31.0 built from source (see images.Calico): Kubernetes datastore, VXLAN without
// BIRD, felix's iptables dataplane, from the tree's own manifests/calico-vxlan.yaml, which also
// installs the AdminNetworkPolicy and BaselineAdminNetworkPolicy CRDs (v1alpha1).
//
// --from release installs the v3.31.0 release manifest with images from quay.io. Its sha256 is
// that of manifests/calico.yaml in the module at the pseudo-version of v3.31.0's commit (the
// file the URL serves at that tag); TestReleaseDigests checks it against the module.
// NOTE: the release itself is unverified here (no registry for its images).
func calico() Profile {
	return fromSource(Profile{
		Name:          "calico",
		Description:   "Calico v3.31.0 built from source (VXLAN, iptables dataplane); enforces NetworkPolicy",
		Enforces:      true,
		PodSubnet:     "10.244.0.0/16",
		ServiceSubnet: "10.96.0.0/16",
		Notes:         []string{calicoNote},
		VersionFrom:   ContainerRef{Kind: "DaemonSet", Namespace: "kube-system", Name: "calico-node", Container: "calico-node"},
		Release: &Release{
			Version: "v3.31.0",
			Manifests: []Manifest{{
				URL:    "https://raw.githubusercontent.com/projectcalico/calico/v3.31.0/manifests/calico.yaml",
				SHA256: "1990b1cec14002790718bb960b1b8445eb7b896cd16c32e952309f35a9026981",
			}},
		},
	}, images.Calico(false))
}

// calicoNft is the same Calico with felix's nftables dataplane (FELIX_NFTABLESMODE=Enabled) and
// kube-proxy in nftables mode beside it, as Calico's nftables mode expects: two dataplanes of
// one CNI for the support matrix to compare.
func calicoNft() Profile {
	return fromSource(Profile{
		Name:          "calico-nft",
		Description:   "Calico v3.31.0 built from source with felix's nftables dataplane (and kube-proxy in nftables mode)",
		Enforces:      true,
		PodSubnet:     "10.244.0.0/16",
		ServiceSubnet: "10.96.0.0/16",
		KubeProxyMode: "nftables",
		Notes:         []string{calicoNote},
		VersionFrom:   ContainerRef{Kind: "DaemonSet", Namespace: "kube-system", Name: "calico-node", Container: "calico-node"},
	}, images.Calico(true))
}

// calicoNote says how the build departs from Calico's own images.
const calicoNote = "calico-node built without cgo (no libbpf, so no BPF dataplane); felix's clean-up of a leftover BPF connect-time load balancer is skipped (FELIX_DebugSkipCTLBCleanup=true), as there is none on a new cluster"

func init() {
	register(calico())
	register(calicoNft())
}
