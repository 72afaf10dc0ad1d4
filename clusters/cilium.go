package clusters

// Cilium is installed with Helm upstream and publishes no plain manifest to pin, so the profile
// needs one rendered by the user, e.g.
//
//	helm template cilium cilium/cilium --version 1.17.4 --namespace kube-system > cilium.yaml
//	cnpc run --cni cilium --manifest cilium.yaml
//
// NOTE: unverified here (images from quay.io; this machine's Docker also lacks CAP_BPF for nodes).
func cilium() Profile {
	return Profile{
		Name:              "cilium",
		Version:           "1.17.4",
		Description:       "Cilium (eBPF) from a Helm-rendered manifest the user provides",
		Enforces:          true,
		NeedsRegistry:     true,
		RequiresManifest:  true,
		DisableDefaultCNI: true,
		// Cilium's SCTP support is off unless the chart sets sctp.enabled=true.
		Unsupported: map[string]string{"sctp": "Cilium disables SCTP by default (Helm value sctp.enabled)"},
		VersionFrom: ContainerRef{Kind: "DaemonSet", Namespace: "kube-system", Name: "cilium", Container: "cilium-agent"},
	}
}

func init() { register(cilium()) }
