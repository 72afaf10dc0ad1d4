package netpol

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// Suite is everything a run shares between cases: options, the cluster, its nodes, and the
// external hosts' runner. Its methods return data and errors; the Ginkgo specs decide what fails.
type Suite struct {
	Opts      Options
	Cluster   *Cluster
	Nodes     []string
	Routes    []Route
	Externals *Externals
	// ExternalsOK says whether external hosts can run here; ExternalsWhy says why not.
	ExternalsOK  bool
	ExternalsWhy string
	// Unsupported lists the protocols this cluster cannot probe, with the reason (set from the
	// standard baseline).
	Unsupported map[corev1.Protocol]string
	// Enforce records the CNI's times to enforce and sizes the steps' stability windows.
	Enforce *Enforcement
	// ports moves the probes' UDP source ports on every round.
	ports SourcePorts
}

// NewSuite connects to the cluster and reads what the run needs from it.
func NewSuite(ctx context.Context, opts Options) (*Suite, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c, err := Connect(opts.Kubeconfig)
	if err != nil {
		return nil, err
	}
	c.RunID = opts.RunID
	if c.RunID == "" {
		c.RunID = newRunID()
	}
	nodes, err := c.Nodes(ctx)
	if err != nil {
		return nil, err
	}
	routes, err := c.PodRoutes(ctx)
	if err != nil {
		return nil, err
	}
	// Container names carry the API server's address, so runs against two clusters on one docker
	// host never touch each other's external hosts.
	sum := sha256.Sum256([]byte(c.rest.Host))
	prefix := fmt.Sprintf("cnpc-ext-%x-", sum[:4])
	ext := &Externals{Network: opts.DockerNetwork, Image: opts.ProbeImage, Binary: opts.ProbeBinary, Prefix: prefix}
	why := detectExternals(ctx, opts.DockerNetwork, opts.ProbeImage)
	return &Suite{Opts: opts, Cluster: c, Nodes: nodes, Routes: routes, Externals: ext, ExternalsOK: why == "", ExternalsWhy: why,
		Enforce: &Enforcement{Floor: opts.StabilityWindow, Longest: opts.LongestWindow, Cap: opts.ConvergeTimeout}}, nil
}

// newRunID is a run id unique enough for one cluster: the start time and 4 random bytes.
func newRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%x", time.Now().UTC().Format("20060102t150405"), b)
}

// run dispatches a source to its runner: pods through Kubernetes exec, externals through docker.
func (s *Suite) run(ctx context.Context, src cases.PeerKey, stdin []byte) (ExecResult, error) {
	if src.IsPod() {
		return s.Cluster.Runner(s.Opts.ProbeBinary)(ctx, src, stdin)
	}
	return s.Externals.Run(ctx, src, stdin)
}

// SetUp makes the cluster hold topo (namespaces, pods, external hosts) and returns it with the real
// IPs in place of the case's prediction IPs.
func (s *Suite) SetUp(ctx context.Context, topo cases.Topology) (cases.Topology, error) {
	extIPs, err := s.Externals.Start(ctx, topo.Externals, s.Routes)
	if err != nil {
		return cases.Topology{}, err
	}
	podIPs, err := s.Cluster.ReconcileTopology(ctx, topo, s.Opts.ProbeImage, s.Nodes, s.Opts.ReadyTimeout)
	if err != nil {
		return cases.Topology{}, err
	}
	if err := s.routePods(ctx, topo); err != nil {
		return cases.Topology{}, err
	}
	return withIPs(topo, podIPs, extIPs), nil
}

// routePods gives the topology's external hosts a route to each of its pods through the pod's
// node (see PodIPRoutes).
func (s *Suite) routePods(ctx context.Context, topo cases.Topology) error {
	if len(topo.Externals) == 0 {
		return nil
	}
	routes, err := s.Cluster.PodIPRoutes(ctx, topo)
	if err != nil {
		return err
	}
	return s.Externals.Route(ctx, topo.Externals, routes)
}

// Apply makes the cluster hold one state of a case: its topology (labels, pods) first, then
// exactly the policies policiesFor returns for the peers' real IPs, new pods included. ips holds
// the real IPs known so far and gains those of new pods. It returns the topology with real IPs
// and the policies applied.
func (s *Suite) Apply(ctx context.Context, topo cases.Topology, ips map[cases.PeerKey]string, policiesFor func(map[cases.PeerKey]string) ([]networkingv1.NetworkPolicy, error)) (cases.Topology, []networkingv1.NetworkPolicy, error) {
	podIPs, err := s.Cluster.ReconcileTopology(ctx, topo, s.Opts.ProbeImage, s.Nodes, s.Opts.ReadyTimeout)
	if err != nil {
		return cases.Topology{}, nil, err
	}
	for k, ip := range podIPs {
		ips[k] = ip
	}
	if err := s.routePods(ctx, topo); err != nil {
		return cases.Topology{}, nil, err
	}
	policies, err := policiesFor(ips)
	if err != nil {
		return cases.Topology{}, nil, fmt.Errorf("bind the case to the real IPs: %w", err)
	}
	if err := s.Cluster.EnsurePolicies(ctx, topo.Namespaces, policies); err != nil {
		return cases.Topology{}, nil, err
	}
	return withIPs(topo, ips, ips), policies, nil
}

// Check predicts the state with the engine and polls probe rounds until the cluster matches or
// the convergence deadline passes, then holds it to the stability window w. topo must carry
// real IPs.
func (s *Suite) Check(ctx context.Context, topo cases.Topology, policies []networkingv1.NetworkPolicy, w Window) (*engine.Prediction, Convergence, error) {
	return s.CheckGraded(ctx, topo, policies, nil, w)
}

// CheckGraded is Check for a step that grades only the targets in graded (cases.Step.Graded; nil
// grades every target): the other cells are probed and kept as not-graded.
func (s *Suite) CheckGraded(ctx context.Context, topo cases.Topology, policies []networkingv1.NetworkPolicy, graded []cases.Target, w Window) (*engine.Prediction, Convergence, error) {
	pred, err := Predict(topo, policies)
	if err != nil {
		return nil, Convergence{}, err
	}
	conv, err := s.CheckPredicted(ctx, topo, pred, graded, w)
	return pred, conv, err
}

// Predict is the engine's prediction for a state of the cluster; topo carries real IPs.
func Predict(topo cases.Topology, policies []networkingv1.NetworkPolicy) (*engine.Prediction, error) {
	pred, err := engine.Predict(ModelTopology(topo), policies)
	if err != nil {
		return nil, fmt.Errorf("predict: %w", err)
	}
	return pred, nil
}

// CheckPredicted is CheckGraded for a prediction already made (Predict).
func (s *Suite) CheckPredicted(ctx context.Context, topo cases.Topology, pred *engine.Prediction, graded []cases.Target, w Window) (Convergence, error) {
	batches := Batches(topo, s.Opts.ProbeTimeout, s.Opts.Attempts)
	impl := ImplementationDefinedCells(pred, s.Opts.Grading)
	roundTimeout := time.Duration(s.Opts.Attempts)*s.Opts.ProbeTimeout + 20*time.Second
	conv, err := Converge(ctx, s.Opts.ConvergeTimeout, w, func(ctx context.Context) (*Comparison, error) {
		rctx, cancel := context.WithTimeout(ctx, roundTimeout)
		defer cancel()
		obs := Observe(rctx, s.run, s.ports.WithSourcePorts(batches), pred.Peers(), pred.Targets())
		cmp, err := Compare(pred, obs, impl)
		if err != nil {
			return nil, err
		}
		return cmp, cmp.markNotGraded(graded)
	})
	return conv, err
}

// ModelTopology is the topology as the engine must see it to agree with the cluster: namespaces
// carry the ownership label the suite puts on them.
func ModelTopology(topo cases.Topology) cases.Topology {
	out := topo.Clone()
	for i, ns := range out.Namespaces {
		out.Namespaces[i] = ModelNamespace(ns)
	}
	return out
}

// withIPs returns topo with the pods' and externals' IPs replaced by the real ones given.
func withIPs(topo cases.Topology, pods, externals map[cases.PeerKey]string) cases.Topology {
	out := topo.Clone()
	for i, p := range out.Pods {
		if ip, ok := pods[p.Key()]; ok {
			out.Pods[i].IP = ip
		}
	}
	for i, e := range out.Externals {
		if ip, ok := externals[e.Key()]; ok {
			out.Externals[i].IP = ip
		}
	}
	return out
}
