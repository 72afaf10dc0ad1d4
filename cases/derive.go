package cases

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// This file settles a loaded case's features: the ones its content exercises are derived (the
// generator's DeriveFeatures reads policies and steps; the topology adds external and ipv6), and
// the ones written in the file are checked against them. Features say what a case covers, so a
// per-feature pass rate counts a case only for what it really does.

// provenance lists the features that say where a case comes from, not what it does: they cannot
// be derived and are taken as written.
var provenance = []Feature{FeatureUpstream, FeatureGenerated}

// DerivedFeatures returns the features c exercises, in vocabulary order, read from its content:
// its policies (as the API server defaults them) and steps, as the generator reads them, plus
// external (the topology has hosts outside the cluster), ipv6 (an IPv6 address or cidr) and
// allow-all for a case that applies no policy at all (cases/README.md, "Feature vocabulary").
// Provenance (upstream, generated) is never derived.
func (c *Case) DerivedFeatures() []Feature {
	s := featureSet{}
	for _, f := range DeriveFeatures(c) {
		s[f] = true
	}
	delete(s, FeatureGenerated)
	topo := c.BaseTopology()
	s[FeatureExternal] = len(topo.Externals) > 0
	s[FeatureIPv6] = c.usesIPv6(topo)
	// A case without any policy checks that everything is allowed.
	s[FeatureAllowAll] = s[FeatureAllowAll] || !c.appliesPolicies()
	// A protocol a step grades is exercised: its cells decide the step (the UDP-only and
	// SCTP-only upstream contexts grade nothing else).
	for _, st := range c.Steps {
		for _, g := range st.Graded {
			if f, ok := ProtocolFeature(g.Protocol); ok {
				s[f] = true
			}
		}
	}
	return s.list()
}

func (c *Case) appliesPolicies() bool {
	return slices.ContainsFunc(c.Steps, func(s Step) bool { return len(s.Apply) > 0 })
}

// usesIPv6 reports whether an address of the topology (or of a pod a step adds) or an ipBlock of a
// policy is IPv6.
func (c *Case) usesIPv6(topo Topology) bool {
	var addrs []string
	for _, p := range topo.Pods {
		addrs = append(addrs, p.IP)
	}
	for _, e := range topo.Externals {
		addrs = append(addrs, e.IP)
	}
	for _, st := range c.Steps {
		for _, p := range st.AddPods {
			addrs = append(addrs, p.IP)
		}
		for _, pol := range st.Apply {
			for _, r := range pol.Spec.Ingress {
				for _, peer := range r.From {
					if peer.IPBlock != nil {
						addrs = append(append(addrs, peer.IPBlock.CIDR), peer.IPBlock.Except...)
					}
				}
			}
			for _, r := range pol.Spec.Egress {
				for _, peer := range r.To {
					if peer.IPBlock != nil {
						addrs = append(append(addrs, peer.IPBlock.CIDR), peer.IPBlock.Except...)
					}
				}
			}
		}
	}
	return slices.ContainsFunc(addrs, func(a string) bool {
		addr, err := netip.ParseAddr(strings.SplitN(a, "/", 2)[0])
		return err == nil && addr.Is6() && !addr.Is4In6()
	})
}

// freeLabel is what a free label of a user's case may look like: it becomes a Ginkgo label, which
// must not hold the operators of a label filter.
var freeLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$`)

// declaredFeature is one entry of a file's features list, with its field path.
type declaredFeature struct {
	name, path string
}

// settleFeatures checks the features the file declares against the derived ones and sets
// c.Features to the derived ones plus the declared provenance. For the embedded catalog (strict)
// an unknown tag or a declared feature the case does not exercise is an error. For a user's case
// an unknown tag is a free label (c.Labels, a Ginkgo label, in no feature count) and a declared
// feature the case does not exercise is a warning; it is dropped, so no pass rate counts it.
// When the case is not valid (valid false) only the tags themselves are checked: features are
// derived from valid, defaulted policies only.
func (r *reporter) settleFeatures(c *Case, declared []declaredFeature, strict, valid bool) {
	derived := featureSet{}
	if valid {
		for _, f := range c.DerivedFeatures() {
			derived[f] = true
		}
	}
	have := featureSet{}
	for f := range derived {
		have[f] = true
	}
	seen := map[string]bool{}
	for _, d := range declared {
		if seen[d.name] {
			r.addf(d.path, "found %q twice, expected each feature once", d.name)
			continue
		}
		seen[d.name] = true
		f, err := ParseFeature(d.name)
		switch {
		case err != nil && strict:
			r.addf(d.path, "%v", err)
		case err != nil && !freeLabel.MatchString(d.name):
			r.addf(d.path, "found %q, expected a feature or a free label (letters, digits, '-', '.', '_'; at most 63)", d.name)
		case err != nil:
			c.Labels = append(c.Labels, d.name)
		case slices.Contains(provenance, f):
			have[f] = true
		case !valid:
		case !derived[f] && strict:
			r.addf(d.path, "found %q, but the case does not exercise it (derived: %s)", f, featureNames(derived.list()))
		case !derived[f]:
			r.warnf(d.path, "found %q, but the case does not exercise it (derived: %s); ignored", f, featureNames(derived.list()))
		}
	}
	c.Features = have.list()
}

func featureNames(fs []Feature) string {
	if len(fs) == 0 {
		return "none"
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return fmt.Sprintf("[%s]", strings.Join(names, ", "))
}
