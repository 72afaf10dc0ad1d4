package clusters

// flannel implements no NetworkPolicy: it is the negative control for clusters with registry
// access, and must fail every case that expects a denial.
// NOTE: unverified here (images from Docker Hub/ghcr.io). flannel's CNI config chains the
// "bridge" plugin, which kind's node images do not ship; bring a node image that has it. The
// manifest's sha256 is not recorded because this machine may not download it.
// TODO(cnpc): record the sha256 of kube-flannel.yml v0.26.7 on a machine with network access.
func flannel() Profile {
	return Profile{
		Name:              "flannel",
		Version:           "v0.26.7",
		Description:       "flannel (VXLAN): no NetworkPolicy, the negative control",
		Enforces:          false,
		NeedsRegistry:     true,
		DisableDefaultCNI: true,
		PodSubnet:         "10.244.0.0/16",
		Manifests: []Manifest{{
			URL: "https://github.com/flannel-io/flannel/releases/download/v0.26.7/kube-flannel.yml",
		}},
		Namespaces:  []string{"kube-flannel"},
		VersionFrom: ContainerRef{Kind: "DaemonSet", Namespace: "kube-flannel", Name: "kube-flannel-ds", Container: "kube-flannel"},
	}
}

func init() { register(flannel()) }
