package engine

import (
	"errors"
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/cnpc-dev/cnpc/cases"
)

// ServicePrediction predicts the connections from every pod to every Service port of a topology's
// Services (cases.PodServices), each of which has one backend pod. Selection and ports are resolved
// on the backend (issue 16): a Service port reaches the backend's target its targetPort names,
// and the connection gets the verdict of the pod-to-backend connection on that target, because
// policies select pods and match the ports the pods serve, never Services.
//
// Its tables have the pods as rows and columns (the column is the Service's backend) and the
// Service ports as targets, so they sit beside the pod-IP tables cell for cell.
type ServicePrediction struct {
	p    *Prediction
	pods []cases.PeerKey
	// targets are the Service ports, in table order.
	targets []Target
	hops    map[hopKey]hop
}

// hopKey is one column and target of the Service tables: a backend and a Service port.
type hopKey struct {
	backend int
	target  Target
}

// hop is where a Service port leads: the Service, its ClusterIP, and the backend's target index.
type hop struct {
	service cases.PeerKey
	ip      netip.Addr
	ti      int
}

// ServiceIPInIPBlock is the Provenance of a connection to a Service whose verdict changes when an
// egress ipBlock of the source is matched against the Service's ClusterIP instead of the backend's
// IP. The API leaves it open: "it is not defined whether this happens before or after
// NetworkPolicy processing" (networking/v1 NetworkPolicyPeer.ipBlock, and the NetworkPolicy
// concepts page).
const ServiceIPInIPBlock Provenance = "ipblock-service-ip"

// Services returns the prediction for connections from pods to services. Every Service must have
// a backend pod in the topology, at most one Service per pod, and ports whose targetPort resolves
// on the backend: a port that reaches no target the backend serves would only test the endpoints
// controller, and is an error naming the Service and the port.
func (p *Prediction) Services(services []cases.Service) (*ServicePrediction, error) {
	sp := &ServicePrediction{p: p, hops: map[hopKey]hop{}}
	for i := 0; i < p.u.nPods; i++ {
		sp.pods = append(sp.pods, p.u.peers[i])
	}
	seenTarget := map[Target]bool{}
	byBackend := map[int]cases.PeerKey{}
	var errs []error
	for i, svc := range services {
		d, ok := p.u.index[svc.Backend()]
		if !ok || !p.u.isPod(d) {
			errs = append(errs, fmt.Errorf("services[%d] %s: backend pod %s is not in the topology", i, svc.Key(), svc.Backend()))
			continue
		}
		if other, dup := byBackend[d]; dup {
			errs = append(errs, fmt.Errorf("services[%d] %s: pod %s is already the backend of %s", i, svc.Key(), svc.Backend(), other))
			continue
		}
		byBackend[d] = svc.Key()
		ip, err := parseIP(svc.IP)
		if err != nil {
			errs = append(errs, fmt.Errorf("services[%d] %s: %w", i, svc.Key(), err))
		}
		for j, port := range svc.Ports {
			ti, err := p.u.resolveTargetPort(d, port)
			if err != nil {
				errs = append(errs, fmt.Errorf("services[%d] %s: ports[%d] (%s): %w", i, svc.Key(), j, port.Target(), err))
				continue
			}
			k := hopKey{backend: d, target: port.Target()}
			if _, dup := sp.hops[k]; dup {
				errs = append(errs, fmt.Errorf("services[%d] %s: ports[%d]: %s listed twice", i, svc.Key(), j, port.Target()))
				continue
			}
			sp.hops[k] = hop{service: svc.Key(), ip: ip, ti: ti}
			if !seenTarget[k.target] {
				seenTarget[k.target] = true
				sp.targets = append(sp.targets, k.target)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	SortTargets(sp.targets)
	return sp, nil
}

// resolveTargetPort returns the index of the target a Service port reaches on pod d: targetPort
// as a number (the port itself when unset), or the container port of d with that name and the
// port's protocol. d must serve it.
func (u *universe) resolveTargetPort(d int, port cases.ServicePort) (int, error) {
	proto := port.Target().Protocol
	number := port.Port
	switch {
	case port.TargetPort.Type == intstr.String && port.TargetPort.StrVal != "":
		found := false
		for _, cp := range u.ports[d] {
			if cp.Name == port.TargetPort.StrVal && portTarget(cp).Protocol == proto {
				number, found = cp.Port, true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("targetPort %q names no %s container port of %s", port.TargetPort.StrVal, proto, u.peers[d])
		}
	case port.TargetPort.Type == intstr.Int && port.TargetPort.IntVal != 0:
		number = port.TargetPort.IntVal
	}
	t := Target{Protocol: proto, Port: number}
	ti, ok := u.tindex[t]
	if !ok || !u.serves[ti].has(d) {
		return 0, fmt.Errorf("targetPort %s is not served by %s", t, u.peers[d])
	}
	return ti, nil
}

// Peers returns the tables' rows and columns: every pod, in topology order.
func (sp *ServicePrediction) Peers() []cases.PeerKey { return append([]cases.PeerKey(nil), sp.pods...) }

// Targets returns the Service ports, in table order.
func (sp *ServicePrediction) Targets() []Target { return append([]Target(nil), sp.targets...) }

// locate returns the source, the backend and its hop, or an error naming what is unknown.
func (sp *ServicePrediction) locate(from, to cases.PeerKey, t Target) (s, d int, h hop, err error) {
	s, ok := sp.p.u.index[from]
	if !ok || !sp.p.u.isPod(s) {
		return 0, 0, hop{}, fmt.Errorf("source %q is not a pod of the topology", from)
	}
	d, ok = sp.p.u.index[to]
	if !ok {
		return 0, 0, hop{}, fmt.Errorf("destination %q is not in the topology", to)
	}
	h, ok = sp.hops[hopKey{backend: d, target: t}]
	if !ok {
		return 0, 0, hop{}, fmt.Errorf("no Service of %s has port %s", to, t)
	}
	return s, d, h, nil
}

// Result returns the prediction for the connection from pod from to the Service port t of
// backend to. Its Target is the Service port.
func (sp *ServicePrediction) Result(from, to cases.PeerKey, t Target) (Result, error) {
	s, d, h, err := sp.locate(from, to, t)
	if err != nil {
		return Result{}, err
	}
	r := sp.p.result(s, d, h.ti)
	r.Target = t
	return r, nil
}

// Results returns every connection in report order: by source, then backend, then Service port.
func (sp *ServicePrediction) Results() []Result {
	var out []Result
	for s := range sp.pods {
		for d := range sp.pods {
			for _, t := range sp.targets {
				h, ok := sp.hops[hopKey{backend: d, target: t}]
				if !ok {
					continue
				}
				r := sp.p.result(s, d, h.ti)
				r.Target = t
				out = append(out, r)
			}
		}
	}
	return out
}

// Table returns the prediction as a truth table: CellNone where the backend's Service has no such
// port.
func (sp *ServicePrediction) Table() *Table {
	t := NewTable(sp.pods, sp.targets)
	for _, r := range sp.Results() {
		// Every key comes from the table's own axes.
		_ = t.Set(r.From, r.To, r.Target, r.Verdict.Cell())
	}
	return t
}

// Provenance says what the verdict of one connection to a Service rests on: SelfTraffic for a
// pod reaching itself through its own Service (hairpin traffic, which kube-proxy masquerades), the
// pod connection's own provenance (PodIPInIPBlock), or ServiceIPInIPBlock when the source's
// egress ipBlocks give the other verdict matched against the ClusterIP.
func (sp *ServicePrediction) Provenance(from, to cases.PeerKey, t Target) (Provenance, error) {
	s, d, h, err := sp.locate(from, to, t)
	if err != nil {
		return Definite, err
	}
	return sp.provenance(s, d, h), nil
}

func (sp *ServicePrediction) provenance(s, d int, h hop) Provenance {
	p := sp.p
	if v := p.provenance(s, d, h.ti); v != Definite {
		return v
	}
	r := p.result(s, d, h.ti)
	viaIP := r.Ingress.IsAllowed() && p.egressTo(s, d, h.ti, h.ip)
	if viaIP != r.Verdict.IsAllowed() {
		return ServiceIPInIPBlock
	}
	return Definite
}

// egressTo reports whether pod s's egress admits a connection to backend d on target ti when its
// ipBlock peers are matched against ip, the address s dialled, while selectors still select the
// backend.
func (p *Prediction) egressTo(s, d, ti int, ip netip.Addr) bool {
	if len(p.of[1][s]) == 0 {
		return true
	}
	for _, pi := range p.of[1][s] {
		for _, r := range p.policies[pi].rules[1] {
			if r.dest[ti] == nil || !r.dest[ti].has(d) {
				continue
			}
			if r.peerSets == nil {
				return true
			}
			for j, set := range r.peerSets {
				if r.ipBlock[j] && r.blocks[j].contains(ip) || !r.ipBlock[j] && set.has(d) {
					return true
				}
			}
		}
	}
	return false
}

// ServiceHop is how a connection reached its backend: the Service, its ClusterIP and port, and
// the backend's target the port resolved to.
type ServiceHop struct {
	Service cases.PeerKey
	IP      string
	Port    Target
	Backend Target
}

// Explain explains one connection to a Service: the backend connection's explanation, with the
// hop and the Service's own provenance.
func (sp *ServicePrediction) Explain(from, to cases.PeerKey, t Target) (Explanation, error) {
	s, d, h, err := sp.locate(from, to, t)
	if err != nil {
		return Explanation{}, err
	}
	e, err := sp.p.Explain(from, to, sp.p.u.targets[h.ti])
	if err != nil {
		return Explanation{}, err
	}
	ip := ""
	if h.ip.IsValid() {
		ip = h.ip.String()
	}
	e.Service = &ServiceHop{Service: h.service, IP: ip, Port: t, Backend: sp.p.u.targets[h.ti]}
	e.Provenance = sp.provenance(s, d, h)
	return e, nil
}

// describe renders the hop for an explanation's first lines.
func (h ServiceHop) describe() string {
	at := h.Service.String()
	if h.IP != "" {
		at = fmt.Sprintf("%s (%s)", h.Service, h.IP)
	}
	return fmt.Sprintf("  through Service %s port %s to its backend's %s: policies select the backend and match its port", at, h.Port, h.Backend)
}

// describeService says why a Service cell is implementation-defined; "" for the others.
func describeService(v Provenance, e Explanation) string {
	switch {
	case v == ServiceIPInIPBlock:
		return fmt.Sprintf("implementation-defined (%s): matched against the ClusterIP instead of %s's IP, %s's egress ipBlocks give the other verdict; "+
			"the API does not define whether a Service's address is rewritten before or after NetworkPolicy processing", v, e.To, e.From)
	case v == SelfTraffic && e.Service != nil:
		return fmt.Sprintf("implementation-defined (%s): a pod reaching itself through its Service is hairpin traffic, which the Service proxy may masquerade "+
			"to the node's address before policies see it", v)
	}
	return ""
}
