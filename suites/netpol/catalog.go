package netpol

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// builtinCases returns cnpc's own cases: the embedded catalog and the generated coverage cases.
func builtinCases() (catalog, generated []*cases.Case, err error) {
	cat, err := cases.Catalog()
	gen := cases.Generated()
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, c := range gen {
		if err := c.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return cat, gen, errors.Join(errs...)
}

// Selection is which cases the suite has specs for (its flags --cases, --case-name and
// --case-path): every case of the chosen origins, and the catalog or generated cases named.
type Selection struct {
	// Origins are the sets of cases to run whole.
	Origins []cases.Origin
	// Names are cases of the catalog or the generator to run besides.
	Names []string
	// Paths are a user's case files and directories of case files (the origin own).
	Paths []string
}

// Cases returns the selected cases in run order: catalog, generated, own. A user's cases are
// loaded as cnpc loads them (cases.LoadPaths), and none may take a name of catalog or generated.
func (s Selection) Cases(catalog, generated []*cases.Case) ([]*cases.Case, error) {
	builtin := append(slices.Clone(catalog), generated...)
	own, _, err := cases.LoadPaths(s.Paths, builtin)
	if err != nil {
		return nil, fmt.Errorf("--case-path: %w", err)
	}
	named := map[string]bool{}
	for _, n := range s.Names {
		named[n] = true
	}
	var out []*cases.Case
	for _, set := range []struct {
		origin cases.Origin
		cs     []*cases.Case
	}{{cases.OriginCatalog, catalog}, {cases.OriginGenerated, generated}, {cases.OriginOwn, own}} {
		whole := slices.Contains(s.Origins, set.origin)
		for _, c := range set.cs {
			if whole || named[c.Name] {
				out = append(out, c)
			}
			delete(named, c.Name)
		}
	}
	if len(named) > 0 {
		return nil, fmt.Errorf("--case-name: no catalog or generated case is named %s", strings.Join(slices.Sorted(maps.Keys(named)), ", "))
	}
	return out, nil
}

// baseTopology is the topology a case starts from: its own, or the standard one.
func baseTopology(c *cases.Case) cases.Topology { return c.BaseTopology() }

// boundPolicies returns the policies in force after step i once the case is bound to real IPs.
// Bind needs an IP for every peer the case ever has; peers that do not exist yet (pods a later
// step adds) keep the case's own IPs, which no policy of step i may refer to (cases checks that a
// placeholder names a peer existing at its step).
func boundPolicies(c *cases.Case, i int, real map[cases.PeerKey]string) ([]networkingv1.NetworkPolicy, error) {
	ips := map[cases.PeerKey]string{}
	base := c.BaseTopology()
	for _, p := range base.Pods {
		ips[p.Key()] = p.IP
	}
	for _, e := range base.Externals {
		ips[e.Key()] = e.IP
	}
	for _, s := range c.Steps {
		for _, p := range s.AddPods {
			ips[p.Key()] = p.IP
		}
	}
	for k, ip := range real {
		ips[k] = ip
	}
	bound, err := c.Bind(ips)
	if err != nil {
		return nil, err
	}
	states, err := bound.States()
	if err != nil {
		return nil, err
	}
	if i >= len(states) {
		return nil, fmt.Errorf("case %s has %d states, expected at least %d", c.Name, len(states), i+1)
	}
	return states[i].Policies, nil
}

// namespaceNames lists every namespace any case may create, for the ownership check before the
// run touches anything.
func namespaceNames(cs []*cases.Case) []string {
	seen := map[string]bool{}
	add := func(ns string) { seen[ns] = true }
	for _, ns := range cases.Standard().Namespaces {
		add(ns.Name)
	}
	for _, c := range cs {
		for _, ns := range baseTopology(c).Namespaces {
			add(ns.Name)
		}
		for _, s := range c.Steps {
			for _, ns := range s.AddNamespaces {
				add(ns.Name)
			}
		}
	}
	out := make([]string, 0, len(seen))
	for ns := range seen {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// caseLabels are the Ginkgo labels of a case: its features and a user's free labels.
func caseLabels(c *cases.Case) []string {
	labels := append([]string(nil), c.Labels...) // a user's free labels
	for _, f := range c.Features {
		labels = append(labels, string(f))
	}
	return labels
}
