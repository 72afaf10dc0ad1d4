package netpol

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
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
	// Enforce records the CNI's times to enforce and sizes the steps' stability windows. Every
	// lane adds to it and reads it.
	Enforce *Enforcement
	// Sessions runs the pods' probers, one long-lived exec per pod (sessions.go).
	Sessions *Sessions
	// serviceSkip holds the protocols the Services leave out (ProbedServices): those this
	// machine's kernel cannot open a socket of, which kind's nodes share.
	serviceSkip map[corev1.Protocol]string
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
	skip := map[corev1.Protocol]string{}
	if err := probes.SCTPSupport(); err != nil {
		skip[corev1.ProtocolSCTP] = err.Error()
	}
	return &Suite{Opts: opts, Cluster: c, Nodes: nodes, Routes: routes, Externals: ext, ExternalsOK: why == "", ExternalsWhy: why,
		Enforce:     &Enforcement{Floor: opts.StabilityWindow, Longest: opts.LongestWindow, Cap: opts.ConvergeTimeout},
		Sessions:    &Sessions{Start: c.StreamRunner(opts.ProbeBinary)},
		serviceSkip: skip}, nil
}

// newRunID is a run id unique enough for one cluster: the start time and 4 random bytes.
func newRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%x", time.Now().UTC().Format("20060102t150405"), b)
}

// run dispatches a source to its runner: pods to their prober sessions (one Kubernetes exec
// each, kept open), externals through docker.
func (s *Suite) run(ctx context.Context, src cases.PeerKey, stdin []byte) (ExecResult, error) {
	if src.IsPod() {
		return s.Sessions.Run(ctx, src, stdin)
	}
	return s.Externals.Run(ctx, src, stdin)
}

// Lane is where one case runs at a time: a copy of the cases' namespaces and external hosts
// (LaneNames), probed with its own UDP source ports. Its methods take and return topologies,
// policies and peers under the case's own names; the cluster sees the lane's.
type Lane struct {
	LaneNames
	s *Suite
	// ports moves the probes' UDP source ports on every round. A 5-tuple holds the source IP, so
	// lanes never share one, and each counts on its own.
	ports SourcePorts

	mu sync.Mutex
	// used holds every namespace of the cluster this lane has set up, for its reset between cases.
	used map[string]bool
	// serviceIPs holds the ClusterIPs of the Services of the topology set up last, by the case's
	// Service keys (Options.Via both).
	serviceIPs map[cases.PeerKey]string
}

// NewLanes returns the suite's n lanes, lane 0 first.
func (s *Suite) NewLanes(n int) []*Lane {
	out := make([]*Lane, n)
	for k := range out {
		out[k] = &Lane{LaneNames: LaneNames(k), s: s, used: map[string]bool{}}
	}
	return out
}

// run is the suite's runner for the lane's copy of src.
func (l *Lane) run(ctx context.Context, src cases.PeerKey, stdin []byte) (ExecResult, error) {
	return l.s.run(ctx, l.Peer(src), stdin)
}

// reconcile is ReconcileTopology for lt, the lane's copy of a topology, followed by the external
// hosts' routes to its pods; it returns the pods' IPs by the case's own keys.
func (l *Lane) reconcile(ctx context.Context, lt cases.Topology) (map[cases.PeerKey]string, error) {
	l.mu.Lock()
	for _, ns := range lt.Namespaces {
		l.used[ns.Name] = true
	}
	l.mu.Unlock()
	s := l.s
	ips, err := s.Cluster.ReconcileTopology(ctx, lt, s.Opts.ProbeImage, s.Nodes, s.Opts.ReadyTimeout)
	if err != nil {
		return nil, err
	}
	s.Sessions.Sync(lt.Namespaces, ips)
	var svcs []cases.Service
	if s.Opts.Via == ViaBoth {
		svcs = ProbedServices(lt, s.serviceSkip)
	}
	cips, err := s.Cluster.EnsureServices(ctx, lt.Namespaces, svcs, ips, s.Opts.ReadyTimeout)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.serviceIPs = l.originals(cips)
	l.mu.Unlock()
	if err := s.routePods(ctx, lt); err != nil {
		return nil, err
	}
	return l.originals(ips), nil
}

// services returns the Services of topo (under the case's names) with the ClusterIPs the lane's
// copies got, and their prediction; nil, nil when the run probes pod IPs only.
func (l *Lane) services(topo cases.Topology, pred *engine.Prediction) ([]cases.Service, *engine.ServicePrediction, error) {
	if l.s.Opts.Via != ViaBoth {
		return nil, nil, nil
	}
	svcs := ProbedServices(topo, l.s.serviceSkip)
	l.mu.Lock()
	ips := maps.Clone(l.serviceIPs)
	l.mu.Unlock()
	for i, svc := range svcs {
		if svcs[i].IP = ips[svc.Key()]; svcs[i].IP == "" {
			return nil, nil, fmt.Errorf("service %s has no ClusterIP: the topology was not set up before its check", svc.Key())
		}
	}
	sp, err := pred.Services(svcs)
	if err != nil {
		return nil, nil, fmt.Errorf("predict the Services: %w", err)
	}
	return svcs, sp, nil
}

// SetUp makes the cluster hold topo (namespaces, pods, external hosts) in the lane and returns it
// with the real IPs in place of the case's prediction IPs.
func (l *Lane) SetUp(ctx context.Context, topo cases.Topology) (cases.Topology, error) {
	lt := l.Topology(topo)
	extIPs, err := l.s.Externals.Start(ctx, lt.Externals, l.s.Routes)
	if err != nil {
		return cases.Topology{}, err
	}
	podIPs, err := l.reconcile(ctx, lt)
	if err != nil {
		return cases.Topology{}, err
	}
	return withIPs(topo, podIPs, l.originals(extIPs)), nil
}

// routePods gives the topology's external hosts a route to each of its pods through the pod's
// node (see PodIPRoutes); topo is under the cluster's names.
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

// EnsurePolicies makes the policies of the lane's copy of namespaces exactly want (under the
// case's names).
func (l *Lane) EnsurePolicies(ctx context.Context, namespaces []cases.Namespace, want []networkingv1.NetworkPolicy) error {
	lt := l.Topology(cases.Topology{Namespaces: namespaces})
	return l.s.Cluster.EnsurePolicies(ctx, lt.Namespaces, l.Policies(want))
}

// Reset deletes every policy in the namespaces the lane has set up and stops the external hosts
// of topo: the reset between two cases of one lane.
func (l *Lane) Reset(ctx context.Context, topo cases.Topology) error {
	stopErr := l.s.Externals.Stop(ctx, l.Topology(topo).Externals)
	l.mu.Lock()
	var namespaces []cases.Namespace
	for ns := range l.used {
		namespaces = append(namespaces, cases.Namespace{Name: ns})
	}
	l.mu.Unlock()
	sort.Slice(namespaces, func(i, j int) bool { return namespaces[i].Name < namespaces[j].Name })
	return errors.Join(stopErr, l.s.Cluster.EnsurePolicies(ctx, namespaces, nil))
}

// Snapshot is Cluster.Snapshot with the lane's copies of the probe pods.
func (l *Lane) Snapshot(ctx context.Context, probes []cases.PeerKey) (ClusterState, error) {
	renamed := make([]cases.PeerKey, len(probes))
	for i, k := range probes {
		renamed[i] = l.Peer(k)
	}
	return l.s.Cluster.Snapshot(ctx, renamed)
}

// Apply makes the cluster hold one state of a case: its topology (labels, pods) first, then
// exactly the policies policiesFor returns for the peers' real IPs, new pods included. ips holds
// the real IPs known so far and gains those of new pods. It returns the topology with real IPs
// and the policies applied (under the case's names, as the engine predicts them).
func (l *Lane) Apply(ctx context.Context, topo cases.Topology, ips map[cases.PeerKey]string, policiesFor func(map[cases.PeerKey]string) ([]networkingv1.NetworkPolicy, error)) (cases.Topology, []networkingv1.NetworkPolicy, error) {
	podIPs, err := l.reconcile(ctx, l.Topology(topo))
	if err != nil {
		return cases.Topology{}, nil, err
	}
	for k, ip := range podIPs {
		ips[k] = ip
	}
	policies, err := policiesFor(ips)
	if err != nil {
		return cases.Topology{}, nil, fmt.Errorf("bind the case to the real IPs: %w", err)
	}
	if err := l.EnsurePolicies(ctx, topo.Namespaces, policies); err != nil {
		return cases.Topology{}, nil, err
	}
	return withIPs(topo, ips, ips), policies, nil
}

// Check predicts the state with the engine and polls probe rounds until the cluster matches or
// the convergence deadline passes, then holds it to the stability window w. topo must carry
// real IPs.
func (l *Lane) Check(ctx context.Context, topo cases.Topology, policies []networkingv1.NetworkPolicy, w Window) (*engine.Prediction, Convergence, error) {
	return l.CheckGraded(ctx, topo, policies, nil, w)
}

// CheckGraded is Check for a step that grades only the targets in graded (cases.Step.Graded; nil
// grades every target): the other cells are probed and kept as not-graded.
func (l *Lane) CheckGraded(ctx context.Context, topo cases.Topology, policies []networkingv1.NetworkPolicy, graded []cases.Target, w Window) (*engine.Prediction, Convergence, error) {
	pred, err := Predict(topo, policies)
	if err != nil {
		return nil, Convergence{}, err
	}
	conv, err := l.CheckPredicted(ctx, topo, pred, graded, w)
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
func (l *Lane) CheckPredicted(ctx context.Context, topo cases.Topology, pred *engine.Prediction, graded []cases.Target, w Window) (Convergence, error) {
	s := l.s
	svcs, sp, err := l.services(topo, pred)
	if err != nil {
		return Convergence{}, err
	}
	batches := l.expect(WithServices(Batches(topo, s.Opts.ProbeTimeout, s.Opts.Attempts), svcs, s.Opts.SkipHairpin))
	impl := ImplementationDefinedServiceCells(pred, sp, s.Opts.Grading)
	ips := map[cases.PeerKey]string{}
	for _, svc := range svcs {
		ips[svc.Backend()] = svc.IP
	}
	roundTimeout := time.Duration(s.Opts.Attempts)*s.Opts.ProbeTimeout + 20*time.Second
	conv, err := Converge(ctx, s.Opts.ConvergeTimeout, w, func(ctx context.Context) (*Comparison, error) {
		rctx, cancel := context.WithTimeout(ctx, roundTimeout)
		defer cancel()
		obs := ObserveServices(rctx, l.run, l.ports.WithSourcePorts(batches), pred.Peers(), pred.Targets(), sp)
		cmp, err := CompareServices(pred, sp, ips, obs, impl, s.Opts.SkipHairpin)
		if err != nil {
			return nil, err
		}
		return cmp, cmp.markNotGraded(graded)
	})
	return conv, err
}

// expect makes every target of batches expect the identity of the lane's copy of its peer. The
// targets keep the case's names, which the prober echoes back and the tables are keyed by.
func (l *Lane) expect(batches map[cases.PeerKey]probes.Batch) map[cases.PeerKey]probes.Batch {
	if l.LaneNames == 0 {
		return batches
	}
	out := make(map[cases.PeerKey]probes.Batch, len(batches))
	for k, b := range batches {
		b.Targets = slices.Clone(b.Targets)
		for i := range b.Targets {
			b.Targets[i].Expect = l.Peer(cases.PeerKey(b.Targets[i].Expect)).String()
		}
		out[k] = b
	}
	return out
}

// ModelTopology is the topology as the engine must see it to agree with the cluster: namespaces
// carry the ownership label the suite puts on them, pods the label their Services select.
func ModelTopology(topo cases.Topology) cases.Topology {
	out := topo.Clone()
	for i, ns := range out.Namespaces {
		out.Namespaces[i] = ModelNamespace(ns)
	}
	for i, p := range out.Pods {
		out.Pods[i].Labels = podLabels(p)
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
