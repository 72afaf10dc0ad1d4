//go:build deps

// Package deps pins the modules the project's packages will import, so that go.mod and go.sum
// are complete before every package exists. It is never built (the deps tag is never set).
package deps

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/onsi/ginkgo/v2"
	_ "github.com/onsi/gomega"
	_ "gopkg.in/yaml.v3"
	_ "k8s.io/api/networking/v1"
	_ "k8s.io/client-go/kubernetes"
	_ "k8s.io/client-go/tools/remotecommand"
	_ "sigs.k8s.io/e2e-framework/klient"
	_ "sigs.k8s.io/e2e-framework/klient/wait"
	_ "sigs.k8s.io/kind/pkg/cluster"
)
