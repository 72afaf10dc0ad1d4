package clusters

// Calico, from its release manifest. calico-node's default IP pool is 192.168.0.0/16, so the
// cluster's pod subnet matches it.
// NOTE: unverified here (its images come from Docker Hub/quay.io). The manifest's sha256 is not
// recorded because this machine may not download it; until it is, pass the file with --manifest.
// TODO(cnpc): record the sha256 of calico.yaml v3.29.3 on a machine with network access.
func calico() Profile {
	return Profile{
		Name:              "calico",
		Version:           "v3.29.3",
		Description:       "Calico (iptables dataplane) from the release manifest",
		Enforces:          true,
		NeedsRegistry:     true,
		DisableDefaultCNI: true,
		PodSubnet:         "192.168.0.0/16",
		Manifests: []Manifest{{
			URL: "https://raw.githubusercontent.com/projectcalico/calico/v3.29.3/manifests/calico.yaml",
		}},
		VersionFrom: ContainerRef{Kind: "DaemonSet", Namespace: "kube-system", Name: "calico-node", Container: "calico-node"},
	}
}

func init() { register(calico()) }
