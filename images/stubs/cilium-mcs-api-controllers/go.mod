// Stand-in for sigs.k8s.io/mcs-api/controllers v0.5.2, which the Go module proxy refuses.
// Cilium v1.20.2 uses one constant of it (the derived-Service annotation of a ServiceImport),
// in its multi-cluster services support, which cnpc's single cluster never runs.
module sigs.k8s.io/mcs-api/controllers

go 1.24
