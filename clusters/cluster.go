package clusters

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/kind/pkg/cluster"
)

// Cluster is a cluster cnpc runs against: a kind cluster it creates (New) or one it was pointed
// at (Existing).
type Cluster struct {
	Name    string
	Profile Profile
	// Kubeconfig is the path of the cluster's kubeconfig.
	Kubeconfig string
	opts       Options
	// provider is nil for a cluster cnpc did not create.
	provider *cluster.Provider
	log      *slog.Logger
	http     *http.Client
}

// New validates the options for profile p and returns the kind cluster they describe. It does
// not touch docker; Create does.
func New(o Options, p Profile) (*Cluster, error) {
	o = o.Defaulted(p)
	if err := o.Validate(p); err != nil {
		return nil, err
	}
	return &Cluster{
		Name:       o.Name,
		Profile:    p,
		Kubeconfig: o.KubeconfigPath,
		opts:       o,
		provider:   cluster.NewProvider(cluster.ProviderWithDocker(), cluster.ProviderWithLogger(kindLogger{o.Logger})),
		log:        o.Logger,
		http:       &http.Client{Timeout: 2 * time.Minute},
	}, nil
}

// Existing returns the cluster of the kubeconfig's current context, which cnpc did not create:
// it is never created, deleted or loaded with images, and its CNI is not installed.
func Existing(kubeconfig string, p Profile, logger *slog.Logger) (*Cluster, error) {
	if kubeconfig == "" {
		return nil, errors.New("existing cluster: no kubeconfig given (--kubeconfig or KUBECONFIG)")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Cluster{Name: "existing", Profile: p, Kubeconfig: kubeconfig, log: logger}, nil
}

// Created reports whether cnpc manages this cluster's lifecycle (a kind cluster from New).
func (c *Cluster) Created() bool { return c.provider != nil }

// Exists reports whether a kind cluster of this name exists.
func (c *Cluster) Exists() (bool, error) {
	if c.provider == nil {
		return true, nil
	}
	names, err := c.provider.List()
	if err != nil {
		return false, fmt.Errorf("list kind clusters: %w", err)
	}
	return slices.Contains(names, c.Name), nil
}

// Create creates the kind cluster. An existing cluster of the same name (for example one left
// by an interrupted run) is deleted first, unless Options.Reuse, which keeps it and only writes
// its kubeconfig; reused reports that. kind's creation cannot be cancelled, so when ctx ends the
// nodes are deleted under it (unless Options.Retain) and Create returns ctx's error.
func (c *Cluster) Create(ctx context.Context) (reused bool, err error) {
	if c.provider == nil {
		return false, errors.New("create: cluster was not created by cnpc (--existing)")
	}
	exists, err := c.Exists()
	if err != nil {
		return false, err
	}
	if exists && c.opts.Reuse {
		c.log.Info("reusing existing kind cluster", "name", c.Name)
		if err := c.provider.ExportKubeConfig(c.Name, c.Kubeconfig, false); err != nil {
			return true, fmt.Errorf("export kubeconfig of %s: %w", c.Name, err)
		}
		return true, nil
	}
	if exists {
		c.log.Info("deleting stale kind cluster of the same name", "name", c.Name)
		if err := c.Delete(); err != nil {
			return false, err
		}
	}
	return false, c.create(ctx)
}

func (c *Cluster) create(ctx context.Context) error {
	cfg, err := KindConfig(c.opts, c.Profile)
	if err != nil {
		return err
	}
	opts := []cluster.CreateOption{
		cluster.CreateWithRawConfig(cfg),
		cluster.CreateWithRetain(c.opts.Retain),
		cluster.CreateWithKubeconfigPath(c.Kubeconfig),
		cluster.CreateWithDisplayUsage(false),
		cluster.CreateWithDisplaySalutation(false),
	}
	if img := nodeImage(c.opts, c.Profile); img != "" {
		opts = append(opts, cluster.CreateWithNodeImage(img))
	}
	done := make(chan error, 1)
	go func() { done <- c.provider.Create(c.Name, opts...) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("create kind cluster %s: %w", c.Name, err)
		}
		return nil
	case <-ctx.Done():
	}
	if !c.opts.Retain {
		if err := c.Delete(); err != nil {
			c.log.Error("delete interrupted cluster", "name", c.Name, "err", err)
		}
	}
	// Let kind's goroutine notice its nodes are gone, but never wait on it for long.
	select {
	case <-done:
	case <-time.After(30 * time.Second):
	}
	return fmt.Errorf("create kind cluster %s: %w", c.Name, ctx.Err())
}

// Delete deletes the kind cluster and its kubeconfig entry. Deleting a cluster that does not
// exist succeeds, as in kind.
func (c *Cluster) Delete() error {
	if c.provider == nil {
		return errors.New("delete: cluster was not created by cnpc (--existing); refusing")
	}
	if err := c.provider.Delete(c.Name, c.Kubeconfig); err != nil {
		return fmt.Errorf("delete kind cluster %s: %w", c.Name, err)
	}
	return nil
}

// RESTConfig returns the client configuration: the kind-<name> context for a cluster cnpc
// created, the current context for an existing one.
func (c *Cluster) RESTConfig() (*rest.Config, error) {
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: c.Kubeconfig}
	overrides := &clientcmd.ConfigOverrides{}
	if c.provider != nil {
		overrides.CurrentContext = "kind-" + c.Name
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", c.Kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	return cfg, nil
}

// Clientset returns a typed client for the cluster.
func (c *Cluster) Clientset() (kubernetes.Interface, error) {
	cfg, err := c.RESTConfig()
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(cfg)
}

func (c *Cluster) newApplier() (*applier, error) {
	cfg, err := c.RESTConfig()
	if err != nil {
		return nil, err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return newApplier(cs.Discovery(), dyn), nil
}
