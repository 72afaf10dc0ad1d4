// Package netpol is cnpc's NetworkPolicy conformance suite. Its non-test files hold the machinery
// that brings the cluster, the probes, the engine and the reports together: reconciling the
// cluster to a topology and a set of policies, probing every source with one exec per round,
// comparing what was observed with what the engine predicts, and waiting for the two to converge.
// The Ginkgo specs, one per catalog case, live in the _test.go files and run from a compiled test
// binary (go test -c) that `cnpc run` execs with --kubeconfig and friends.
//
// suites/ is the top of the package map: it may import every cnpc package, and nothing may import
// it (STYLE.md §1).
package netpol
