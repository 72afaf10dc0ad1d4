package cases

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// canonical is a case's content without its names and tags: two cases with the same canonical form
// test the same thing.
func canonical(t *testing.T, c *Case) string {
	t.Helper()
	type content struct {
		Topology *Topology
		Steps    []Step
	}
	steps := make([]Step, len(c.Steps))
	for i, s := range c.Steps {
		s.Name = ""
		steps[i] = s
	}
	b, err := json.Marshal(content{c.Topology, steps})
	if err != nil {
		t.Fatalf("canonical %s: %v", c.Name, err)
	}
	return string(b)
}

func TestGenerateCountAndNoDuplicates(t *testing.T) {
	t.Parallel()
	cs := Generated()
	if len(cs) < 250 {
		t.Fatalf("Generated() returned %d cases, want at least 250", len(cs))
	}
	names := map[string]bool{}
	forms := map[string]string{}
	for _, c := range cs {
		if names[c.Name] {
			t.Errorf("duplicate name %s", c.Name)
		}
		names[c.Name] = true
		f := canonical(t, c)
		if other, ok := forms[f]; ok {
			t.Errorf("case %s has the same content as %s", c.Name, other)
		}
		forms[f] = c.Name
	}
}

// The duplicate check must notice a renamed copy: otherwise the test above proves nothing.
func TestCanonicalIgnoresNamesOnly(t *testing.T) {
	t.Parallel()
	cs := Generated()
	cp := *cs[0]
	cp.Name, cp.Description, cp.Features = "renamed", "other words", nil
	if canonical(t, &cp) != canonical(t, cs[0]) {
		t.Errorf("a renamed copy of %s has a different canonical form", cs[0].Name)
	}
	if canonical(t, cs[0]) == canonical(t, cs[1]) {
		t.Errorf("%s and %s share a canonical form", cs[0].Name, cs[1].Name)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := Generated(), Generated()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two calls differ (-first +second):\n%s", diff)
	}
}

func TestGenerateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		limit int
		want  int
	}{
		{"zero means all", 0, len(Generated())},
		{"positive limit", 7, 7},
		{"limit above count", 100000, len(Generated())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(Generate(GenerateOptions{Limit: tt.limit})); got != tt.want {
				t.Errorf("Generate(Limit: %d) returned %d cases, want %d", tt.limit, got, tt.want)
			}
		})
	}
}

func TestGenerateCoversEveryDimension(t *testing.T) {
	t.Parallel()
	seen := map[Feature]int{}
	for _, c := range Generated() {
		for _, f := range c.Features {
			seen[f]++
		}
		if !strings.HasPrefix(c.Name, "gen-") {
			t.Errorf("case %s: generated names start with gen-", c.Name)
		}
	}
	// Everything the generator is meant to combine must show up in some case; ipv6 and external need
	// a topology other than the standard one and are left to the catalog.
	for _, f := range Features {
		switch f {
		case FeatureIPv6, FeatureExternal, FeatureUpstream:
			if seen[f] != 0 {
				t.Errorf("feature %s appears in %d generated cases, want 0", f, seen[f])
			}
		default:
			if seen[f] == 0 {
				t.Errorf("no generated case has feature %s", f)
			}
		}
	}
}

func TestDeriveFeatures(t *testing.T) {
	t.Parallel()
	peers, ports := genPeerChoices(), genPortChoices()
	target := *labelSel("pod", "a")
	tests := []struct {
		name string
		c    *Case
		want []Feature
	}{
		{
			name: "egress ipBlock except on a named UDP port",
			c:    genCase("n", "", applyStep("s", policy("p", target, dirEgress, genRule{peers[7], ports[3]}))),
			want: []Feature{FeatureEgress, FeatureIPBlock, FeatureIPBlockExcept, FeatureNamedPort, FeatureUDP, FeatureGenerated},
		},
		{
			name: "rule-less policy in both directions, then deleted",
			c: genCase("n", "", applyStep("s", policy("p", target, dirBoth)),
				Step{Name: "d", Delete: []PolicyRef{{Namespace: "x", Name: "p"}}}),
			want: []Feature{FeatureIngress, FeatureEgress, FeatureDenyAll, FeaturePolicyTypes, FeaturePolicyDelete, FeatureGenerated},
		},
		{
			name: "policy applied twice, then a pod relabelled",
			c: genCase("n", "", applyStep("s", policy("p", target, dirIngress, genRule{peers[3], ports[4]})),
				applyStep("s2", policy("p", target, dirIngress, genRule{peers[3], ports[4]})),
				Step{Name: "l", SetPodLabels: []PodLabels{{Pod: PodKey("x", "a"), Labels: map[string]string{}}}}),
			want: []Feature{FeatureIngress, FeaturePodAndNamespace, FeatureEndPort, FeatureTCP, FeatureLabelChange, FeaturePolicyUpdate, FeatureGenerated},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DeriveFeatures(tt.c)
			if diff := cmp.Diff(sortedFeatures(tt.want), got); diff != "" {
				t.Errorf("DeriveFeatures (-want +got):\n%s", diff)
			}
		})
	}
}

func sortedFeatures(fs []Feature) []Feature {
	s := featureSet{}
	for _, f := range fs {
		s[f] = true
	}
	return s.list()
}
