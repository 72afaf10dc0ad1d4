package netpol

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/e2e-framework/klient"
	"sigs.k8s.io/e2e-framework/pkg/envconf"

	"github.com/cnpc-dev/cnpc/reports"
)

// Cluster is the cluster under test: e2e-framework's klient for objects and a client-go clientset
// for exec, both from one explicit kubeconfig.
type Cluster struct {
	Client klient.Client
	// RunID marks the namespaces this run creates or takes over (RunAnnotation), so that its
	// cleanup deletes only its own.
	RunID string
	exec  kubernetes.Interface
	rest  *rest.Config
}

// Connect builds the clients from kubeconfig. It uses envconf's NewClient, which returns an error,
// rather than NewFromFlags (which exits) or Client (which panics) (STYLE.md §6).
func Connect(kubeconfig string) (*Cluster, error) {
	client, err := envconf.NewWithKubeConfig(kubeconfig).NewClient()
	if err != nil {
		return nil, fmt.Errorf("connect with kubeconfig %s: %w", kubeconfig, err)
	}
	// Every round execs into every source pod at once; client-go's default client-side limit
	// (5 requests/s, bursts of 10) would serialise them, so the exec client gets its own budget.
	cfg := rest.CopyConfig(client.RESTConfig())
	cfg.QPS, cfg.Burst = 200, 400
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("connect with kubeconfig %s: exec client: %w", kubeconfig, err)
	}
	return &Cluster{Client: client, exec: cs, rest: cfg}, nil
}

// Info reads what the report says about the cluster: Kubernetes version, node count, IP family and
// the nodes' kernel.
func (c *Cluster) Info(ctx context.Context) (reports.Cluster, error) {
	v, err := c.exec.Discovery().ServerVersion()
	if err != nil {
		return reports.Cluster{}, fmt.Errorf("read the server version: %w", err)
	}
	var list corev1.NodeList
	if err := c.Client.Resources().List(ctx, &list); err != nil {
		return reports.Cluster{}, fmt.Errorf("list nodes: %w", err)
	}
	info := reports.Cluster{KubernetesVersion: v.GitVersion, Nodes: len(list.Items), IPFamily: "ipv4"}
	v4, v6 := false, false
	for _, n := range list.Items {
		info.Kernel = n.Status.NodeInfo.KernelVersion
		for _, cidr := range n.Spec.PodCIDRs {
			if strings.Contains(cidr, ":") {
				v6 = true
			} else {
				v4 = true
			}
		}
	}
	switch {
	case v4 && v6:
		info.IPFamily = "dual"
	case v6:
		info.IPFamily = "ipv6"
	}
	return info, nil
}
