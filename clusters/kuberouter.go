package clusters

// kube-router upstream, from the kubeadm DaemonSet manifest of a release tag. That manifest
// reaches the API server through kube-proxy's kubeconfig, as kind's kubeadm sets it up.
// NOTE: unverified here (image from Docker Hub; the Go proxy here serves no kube-router v2). The
// upstream manifest names its image without a tag, so the reported version is what the running
// image says; pin it by passing your own --manifest. The sha256 is not recorded because this
// machine may not download it.
// TODO(cnpc): record the sha256 of kubeadm-kuberouter.yaml v2.5.0 on a machine with network access.
func kubeRouter() Profile {
	return Profile{
		Name:              "kube-router",
		Version:           "v2.5.0",
		Description:       "kube-router (iptables/ipset) from the kubeadm DaemonSet manifest",
		Enforces:          true,
		NeedsRegistry:     true,
		DisableDefaultCNI: true,
		PodSubnet:         "10.244.0.0/16",
		Manifests: []Manifest{{
			URL: "https://raw.githubusercontent.com/cloudnativelabs/kube-router/v2.5.0/daemonset/kubeadm-kuberouter.yaml",
		}},
		VersionFrom: ContainerRef{Kind: "DaemonSet", Namespace: "kube-system", Name: "kube-router", Container: "kube-router"},
	}
}

func init() { register(kubeRouter()) }
