package clusters

import "github.com/cnpc-dev/cnpc/images"

// kube-router v1.3.2, built from its Go module with its kubeadm DaemonSet manifest (see
// images.KubeRouter): bridge networking, routes between nodes, NetworkPolicy with iptables and
// ipset; kube-proxy stays. The manifest reaches the API server through the kubernetes Service.
//
// --from release installs v2.5.0's manifest instead, with its image from Docker Hub.
// NOTE: the release is unverified here (no registry, and the Go proxy serves no kube-router v2
// without reported security flaws). Its manifest names its image without a tag, so the reported
// version is what the running image says.
// TODO(cnpc): record the sha256 of kubeadm-kuberouter.yaml v2.5.0 on a machine with network access.
func kubeRouter() Profile {
	return fromSource(Profile{
		Name:        "kube-router",
		Description: "kube-router v1.3.2 built from source (iptables + ipset); enforces NetworkPolicy",
		Enforces:    true,
		// kube-router v1.3.2 is IPv4-only; dual-stack came with v2.
		IPFamilies:    []IPFamily{IPv4},
		PodSubnet:     "10.244.0.0/16",
		ServiceSubnet: "10.96.0.0/16",
		VersionFrom:   ContainerRef{Kind: "DaemonSet", Namespace: "kube-system", Name: "kube-router", Container: "kube-router"},
		Release: &Release{
			Version: "v2.5.0",
			Manifests: []Manifest{{
				URL: "https://raw.githubusercontent.com/cloudnativelabs/kube-router/v2.5.0/daemonset/kubeadm-kuberouter.yaml",
			}},
		},
	}, images.KubeRouter())
}

func init() { register(kubeRouter()) }
