package clusters

// The kube-router-offline profile runs without any registry or internet access, on the node image
// that ../shared/offline-kind builds (`./run-all.sh` there): Kubernetes v1.34.4 whose default CNI
// (/kind/manifests/default-cni.yaml) is kube-router v1.3.2, built from its Go module, enforcing
// NetworkPolicy with iptables and ipset. kind installs that CNI itself; this profile only skips
// kubeadm's CoreDNS addon, whose Corefile would forward to the host's resolver, and applies the
// node's coredns-offline.yaml (no forward plugin) in its place.

// OfflineNodeImage is the node image ../shared/offline-kind builds.
const OfflineNodeImage = "localhost/offline/kind-node:v1.34.4"

// skipCoreDNSAddon removes kubeadm's addon/coredns phase. kind v0.33 renders kubeadm's v1beta3
// config for Kubernetes before 1.36 and always sets skipPhases: [preflight], so "add" to the end
// of the existing list is valid (as in ../shared/offline-kind/cluster-2node.yaml).
var skipCoreDNSAddon = KubeadmPatch{
	Group:   "kubeadm.k8s.io",
	Version: "v1beta3",
	Kind:    "InitConfiguration",
	Patch:   "- op: add\n  path: /skipPhases/-\n  value: addon/coredns\n",
}

func offlineKubeRouter() Profile {
	return Profile{
		Name:        "kube-router-offline",
		Version:     "v1.3.2",
		Description: "kube-router v1.3.2 from the offline node image (no registry needed); enforces NetworkPolicy",
		Enforces:    true,
		NodeImage:   OfflineNodeImage,
		// kube-router v1.3.2 is IPv4-only; dual-stack came with v2.
		IPFamilies:             []IPFamily{IPv4},
		PodSubnet:              "10.244.0.0/16",
		ServiceSubnet:          "10.96.0.0/16",
		KubeadmPatchesJSON6902: []KubeadmPatch{skipCoreDNSAddon},
		NodeManifests:          []string{"/kind/manifests/coredns-offline.yaml"},
		VersionFrom:            ContainerRef{Kind: "DaemonSet", Namespace: "kube-system", Name: "kube-router", Container: "kube-router"},
	}
}

func init() { register(offlineKubeRouter()) }
