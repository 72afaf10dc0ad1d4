package clusters

import "github.com/cnpc-dev/cnpc/images"

// Cilium v1.20.2 built from source (see images.Cilium): the eBPF datapath, compiled by the
// agent at start with Debian's clang-19, VXLAN tunnel, IPAM from each node's podCIDR, kube-proxy
// kept, no Envoy and no Hubble, from the chart in the module rendered by Helm. The chart's
// CAP_SYS_RESOURCE is dropped from the agent and clean-cilium-state (see images.ciliumValues).
//
// --from release is not offered: Cilium publishes its chart, not a plain manifest to pin; with a
// registry, render the chart yourself and pass it with --manifest.
func cilium() Profile {
	return fromSource(Profile{
		Name:          "cilium",
		Description:   "Cilium v1.20.2 built from source (eBPF, VXLAN); enforces NetworkPolicy",
		Enforces:      true,
		PodSubnet:     "10.244.0.0/16",
		ServiceSubnet: "10.96.0.0/16",
		// Cilium's SCTP support is off unless the chart sets sctp.enabled=true.
		Unsupported: map[string]string{"sctp": "Cilium disables SCTP by default (Helm value sctp.enabled)"},
		// The agent's own view of its health (datapath, BPF maps, controllers) on every node,
		// beyond what its readiness probe reports.
		AgentHealthy: &AgentCommand{Container: "cilium-agent", Command: []string{"cilium-dbg", "status", "--brief"}},
		Notes:        []string{"built without CAP_SYS_RESOURCE for cilium-agent and clean-cilium-state (this machine's containers cannot have it)"},
		// Measured here (reports/published/README.md, "Cilium: hairpin traffic"): hack/hairpin-repro.sh,
		// the 24 cases with and without hairpin probes, and the same cluster on a patched datapath.
		HairpinNotes: []string{"hairpin probes (each pod through its own ClusterIP Service) are on: with kube-proxy kept, Cilium v1.20.2 load-balances Services per packet, and a new connection to a pod right after that pod's hairpin traffic can skip the pod's ingress policy (on a conntrack miss, bpf_lxc.c tests the loopback flag left by the previous packet's lookup). Predicted-denied cells read as flaky (UDP answered once) or error (TCP handshake, then no answer) are that; --skip-hairpin leaves those probes out"},
		VersionFrom:  ContainerRef{Kind: "DaemonSet", Namespace: "kube-system", Name: "cilium", Container: "cilium-agent"},
	}, images.Cilium())
}

func init() { register(cilium()) }
