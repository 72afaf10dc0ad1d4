package netpol

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/cnpc-dev/cnpc/cases"
)

// Why cases can run side by side: a NetworkPolicy selects pods of its own namespace only, and
// governs only the traffic of the pods it selects. So the connectivity between the pods of one
// set of namespaces depends only on the policies in those namespaces, whatever the other
// namespaces hold. Lane k runs a case in its own copy of the case's namespaces and external
// hosts (x -> x-lane2); probes never leave their lane, so a namespace selector of lane 2 that
// also matches lane 1's namespaces (labels such as ns: x are kept) cannot change a verdict.
// lanes_test.go checks this against the engine for every case of the catalog and the generator.

// laneSuffix starts the suffix lane k >= 1 adds to every namespace and external host name.
const laneSuffix = "-lane"

// LaneNames renames a case into lane k: namespaces and external hosts get the suffix -lane<k>;
// lane 0 keeps the case's own names, so one lane runs exactly what the suite ran before lanes.
// Pod names, labels and ports stay. The engine and the reports see the case's own names: only
// what the cluster is given is renamed, and what it answers is mapped back (Original).
type LaneNames int

func (l LaneNames) suffix() string { return laneSuffix + strconv.Itoa(int(l)) }

// Name renames a namespace or an external host.
func (l LaneNames) Name(name string) string {
	if l == 0 {
		return name
	}
	return name + l.suffix()
}

// Peer renames a peer key: a pod's namespace, or an external host's name.
func (l LaneNames) Peer(k cases.PeerKey) cases.PeerKey {
	ns, name := k.Split()
	if k.IsPod() {
		return cases.PodKey(l.Name(ns), name)
	}
	return cases.ExternalKey(l.Name(name))
}

// Original maps a renamed peer key back to the case's own; ok is false for a key that is not
// of this lane.
func (l LaneNames) Original(k cases.PeerKey) (cases.PeerKey, bool) {
	strip := func(s string) (string, bool) {
		if l == 0 {
			return s, true
		}
		return strings.CutSuffix(s, l.suffix())
	}
	ns, name := k.Split()
	if !k.IsPod() {
		n, ok := strip(name)
		return cases.ExternalKey(n), ok
	}
	n, ok := strip(ns)
	return cases.PodKey(n, name), ok
}

// Topology returns t with its namespaces, pods' namespaces and external hosts renamed.
func (l LaneNames) Topology(t cases.Topology) cases.Topology {
	out := t.Clone()
	if l == 0 {
		return out
	}
	for i := range out.Namespaces {
		out.Namespaces[i].Name = l.Name(out.Namespaces[i].Name)
		l.labelValues(out.Namespaces[i].Labels)
	}
	for i := range out.Pods {
		out.Pods[i].Namespace = l.Name(out.Pods[i].Namespace)
	}
	for i := range out.Externals {
		out.Externals[i].Name = l.Name(out.Externals[i].Name)
	}
	return out
}

// Policies returns copies of ps in the lane: every policy's namespace, and every namespace name
// a namespace selector compares kubernetes.io/metadata.name with (matchLabels, and the values of
// matchExpressions: In and NotIn alike). Those are all the places a v1 NetworkPolicy names a
// namespace; any other label, such as ns: x, is a label like any other and stays.
func (l LaneNames) Policies(ps []networkingv1.NetworkPolicy) []networkingv1.NetworkPolicy {
	out := make([]networkingv1.NetworkPolicy, len(ps))
	for i := range ps {
		p := ps[i].DeepCopy()
		p.ResourceVersion, p.UID = "", ""
		p.Namespace = l.Name(p.Namespace)
		for j := range p.Spec.Ingress {
			l.peers(p.Spec.Ingress[j].From)
		}
		for j := range p.Spec.Egress {
			l.peers(p.Spec.Egress[j].To)
		}
		out[i] = *p
	}
	return out
}

func (l LaneNames) peers(ps []networkingv1.NetworkPolicyPeer) {
	for i := range ps {
		if sel := ps[i].NamespaceSelector; sel != nil {
			l.selector(sel)
		}
	}
}

func (l LaneNames) selector(sel *metav1.LabelSelector) {
	l.labelValues(sel.MatchLabels)
	for i := range sel.MatchExpressions {
		e := &sel.MatchExpressions[i]
		if e.Key != cases.LabelMetadataName {
			continue
		}
		for j := range e.Values {
			e.Values[j] = l.Name(e.Values[j])
		}
	}
}

// labelValues renames the value of a kubernetes.io/metadata.name key in m, in place.
func (l LaneNames) labelValues(m map[string]string) {
	if v, ok := m[cases.LabelMetadataName]; ok {
		m[cases.LabelMetadataName] = l.Name(v)
	}
}

// originals maps the keys of a lane's answer (IPs by renamed peer) back to the case's keys.
func (l LaneNames) originals(in map[cases.PeerKey]string) map[cases.PeerKey]string {
	out := make(map[cases.PeerKey]string, len(in))
	for k, v := range in {
		if o, ok := l.Original(k); ok {
			out[o] = v
		}
	}
	return out
}

// CheckLaneNames checks that n lanes can hold the given namespace and external host names: every
// renamed namespace a valid name, and no name of one lane equal to a name of another (a case of
// your own whose namespace is called x-lane1 would otherwise share lane 1's copy of x).
func CheckLaneNames(lanes int, namespaces, externals []string) error {
	owner := map[string]string{}
	var errs []string
	for k := range lanes {
		l := LaneNames(k)
		for _, group := range []struct {
			kind  string
			names []string
		}{{"namespace", namespaces}, {"external host", externals}} {
			for _, n := range group.names {
				renamed := l.Name(n)
				if group.kind == "namespace" {
					if bad := validation.IsDNS1123Label(renamed); len(bad) > 0 {
						errs = append(errs, fmt.Sprintf("namespace %s in lane %d is %s: %s", n, k, renamed, strings.Join(bad, "; ")))
					}
				}
				key := group.kind + " " + renamed
				who := fmt.Sprintf("%s %s of lane %d", group.kind, n, k)
				if prev, ok := owner[key]; ok && prev != who {
					errs = append(errs, fmt.Sprintf("%s would be %s, which is also %s", who, renamed, prev))
				}
				owner[key] = who
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	sort.Strings(errs)
	return fmt.Errorf("--lanes %d: %s (rename them, or run with --lanes 1)", lanes, strings.Join(errs, "; "))
}

// scheduled returns the cases of registered that Ginkgo will run, in order, for the lanes to run
// ahead of their specs: those its label filter keeps. Ginkgo's own focus, skip and spec
// randomization would make specs wait for cases the lanes run late or never, so with more than
// one lane they are refused (the suite's --focus selects cases instead).
func scheduled(registered []*cases.Case, sc types.SuiteConfig, lanes int) ([]*cases.Case, error) {
	if lanes > 1 {
		switch {
		case len(sc.FocusStrings) > 0 || len(sc.SkipStrings) > 0 || len(sc.FocusFiles) > 0 || len(sc.SkipFiles) > 0:
			return nil, fmt.Errorf("--lanes %d: Ginkgo's --ginkgo.focus, --ginkgo.skip and their -file forms cannot be used with lanes; select cases with the suite's --focus (cnpc run --focus), or run with --lanes 1", lanes)
		case sc.RandomizeAllSpecs:
			return nil, fmt.Errorf("--lanes %d: --ginkgo.randomize-all cannot be used with lanes: the lanes run the cases in order", lanes)
		}
	}
	keep := func([]string) bool { return true }
	if sc.LabelFilter != "" {
		f, err := types.ParseLabelFilter(sc.LabelFilter)
		if err != nil {
			return nil, fmt.Errorf("--ginkgo.label-filter: %w", err)
		}
		keep = f
	}
	var out []*cases.Case
	for _, c := range registered {
		if keep(caseLabels(c)) {
			out = append(out, c)
		}
	}
	return out, nil
}

// laneNamespaceNames lists every namespace the lanes may create for cs, for the ownership check.
func laneNamespaceNames(lanes int, cs []*cases.Case) []string {
	var out []string
	names := namespaceNames(cs)
	for k := range lanes {
		for _, ns := range names {
			out = append(out, LaneNames(k).Name(ns))
		}
	}
	return out
}

// externalNames lists the external hosts of cs (and of the standard topology).
func externalNames(cs []*cases.Case) []string {
	seen := map[string]bool{}
	for _, e := range cases.Standard().Externals {
		seen[e.Name] = true
	}
	for _, c := range cs {
		for _, e := range baseTopology(c).Externals {
			seen[e.Name] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}
