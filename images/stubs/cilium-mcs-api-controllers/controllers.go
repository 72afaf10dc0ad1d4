// Package controllers holds the one name of sigs.k8s.io/mcs-api/controllers that Cilium uses.
package controllers

// DerivedServiceAnnotation names, on a ServiceImport, the Service derived from it. The value is
// the one the Multi-Cluster Services API (KEP-1645) defines for it.
const DerivedServiceAnnotation = "multicluster.kubernetes.io/derived-service"
