// Package clusters brings up and tears down the Kubernetes clusters cnpc runs against: kind
// clusters driven through the kind Go library (sigs.k8s.io/kind/pkg/cluster, never a kind binary),
// the CNI profiles that install a network plugin into them, readiness waits, image loading,
// capability detection (SCTP, IPv6) and the namespace-ownership check for clusters cnpc did not
// create (--existing).
//
// It imports none of cnpc's other packages: it knows nothing about cases, the engine or reports.
// It never prints; progress goes to the *slog.Logger in Options.
package clusters
