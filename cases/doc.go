// Package cases defines what a conformance case is: the topology (namespaces, pods, external hosts),
// the steps that change it (apply and delete policies, relabel pods and namespaces), the loader that
// reads case files with line and column positions, API-server defaulting and validation of
// NetworkPolicies, the embedded catalog and the case generator.
//
// It is the root of the dependency graph: it imports none of cnpc's other packages, and it does no
// cluster I/O. The engine and the probes import only this package of ours.
package cases
