package clusters

// kindnet is kind's own default CNI; kind's node images ship it and it enforces NetworkPolicy
// (through kube-network-policies) since kind v0.24. Nothing is applied: kind installs it.
// NOTE: unverified here. kind's default node image comes from Docker Hub and kindnetd cannot be
// built on this machine (its module is not served by the Go proxy here).
func kindnet() Profile {
	return Profile{
		Name:          "kindnet",
		Version:       "kind v0.33.0 default",
		Description:   "kind's default CNI (kindnetd + kube-network-policies)",
		Enforces:      true,
		NeedsRegistry: true,
		VersionFrom:   ContainerRef{Kind: "DaemonSet", Namespace: "kube-system", Name: "kindnet", Container: "kindnet-cni"},
	}
}

func init() { register(kindnet()) }
