package engine

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// selectors matches label selectors against the universe, each distinct selector once per pod and
// once per namespace: 1,000 policies usually repeat a handful of selectors, and a pair-by-pair
// matcher would re-evaluate them a million times.
type selectors struct {
	u    *universe
	pods map[string]bitset // canonical selector -> every pod whose labels match (any namespace)
	nss  map[string]bitset // canonical selector -> the pods of every namespace whose labels match
}

func newSelectors(u *universe) *selectors {
	return &selectors{u: u, pods: map[string]bitset{}, nss: map[string]bitset{}}
}

func parseSelector(s *metav1.LabelSelector) (labels.Selector, error) {
	if s == nil {
		// NOTE: LabelSelectorAsSelector turns nil into "matches nothing", whose String() is the
		// same as that of {} ("matches everything"); callers decide what an absent selector means.
		return nil, fmt.Errorf("internal error: absent label selector")
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		return nil, fmt.Errorf("invalid label selector: %w", err)
	}
	return sel, nil
}

// podsMatching returns the pods, in any namespace, whose labels match s. The result is shared:
// callers must not modify it.
func (c *selectors) podsMatching(s *metav1.LabelSelector) (bitset, error) {
	sel, err := parseSelector(s)
	if err != nil {
		return nil, err
	}
	key := sel.String()
	if b, ok := c.pods[key]; ok {
		return b, nil
	}
	b := newBitset(len(c.u.peers))
	for i, p := range c.u.topo.Pods {
		if sel.Matches(labels.Set(p.Labels)) {
			b.set(i)
		}
	}
	c.pods[key] = b
	return b, nil
}

// podsInNamespacesMatching returns every pod of every namespace whose effective labels (including
// kubernetes.io/metadata.name) match s. The result is shared: callers must not modify it.
func (c *selectors) podsInNamespacesMatching(s *metav1.LabelSelector) (bitset, error) {
	sel, err := parseSelector(s)
	if err != nil {
		return nil, err
	}
	key := sel.String()
	if b, ok := c.nss[key]; ok {
		return b, nil
	}
	b := newBitset(len(c.u.peers))
	for i, l := range c.u.nsLabels {
		if sel.Matches(labels.Set(l)) {
			b.or(c.u.nsPods[i])
		}
	}
	c.nss[key] = b
	return b, nil
}
