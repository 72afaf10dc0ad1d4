// Package engine is cnpc's model of Kubernetes NetworkPolicy: from a topology and the policies in
// force it predicts, for every ordered pair of peers and every served port, whether the connection
// is allowed, and explains why. It is the referee of the whole suite.
//
// Predict compiles once and evaluates many times: every selector is matched once per pod and per
// namespace into bitsets of peers (selector.go, peer.go), every rule's ports into the set of
// destinations each target is admitted at (port.go), and evaluation only ORs and ANDs those sets
// (predict.go). Explain recomputes one connection from the same compiled rules and names the
// policies, rules, peers and ports involved (explain.go).
//
// Semantics, from the networking/v1 API reference and issue 2: isolation is per direction; a
// connection needs the source's egress and the destination's ingress; policies are a union;
// policyTypes default to Ingress, plus Egress when there are egress rules; absent or empty
// from/to match every peer, external hosts included; absent or empty ports match every port;
// named ports resolve on the destination pod with the rule's protocol, never on an external;
// ipBlock matches pod IPs too. By decision: a pod's traffic to itself is always allowed, external
// hosts are never isolated, and traffic between two externals is reported as allowed (it never
// enters the cluster). Connections through a Service (service.go) are the backend pod's: its
// targetPort resolves on the backend, and the verdict is the backend connection's; a verdict that
// an egress ipBlock would turn by seeing the ClusterIP, and hairpin traffic, are
// implementation-defined.
//
// It is pure: it imports only cnpc's cases package (and Kubernetes API types), does no I/O, reads
// no clock, logs nothing and starts no goroutines.
package engine
