package cases

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// featureCase is a case on the standard topology whose one policy isolates x/a for ingress and
// admits x/b on TCP/80; features is the file's features line (or "" for none).
func featureCase(features string) string {
	return "name: f\n" + features + `
steps:
  - name: s
    apply:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: x}
        spec:
          podSelector: {matchLabels: {pod: a}}
          ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}], ports: [{port: 80}]}]
`
}

// TestLoadFeatures: a user's case may omit features (they are derived), may carry free labels,
// and is warned, with the position, about a declared feature it does not exercise.
func TestLoadFeatures(t *testing.T) {
	t.Parallel()
	derived := []Feature{FeatureIngress, FeaturePodSelector, FeatureNumericPort, FeatureTCP}
	tests := []struct {
		name     string
		features string
		want     []Feature
		labels   []string
		warnings string
	}{
		{"no features line", "", derived, nil, ""},
		{"empty list", "features: []", derived, nil, ""},
		{"exact", "features: [ingress, pod-selector, numeric-port, tcp]", derived, nil, ""},
		{"a subset is completed", "features: [tcp]", derived, nil, ""},
		{"provenance is kept", "features: [upstream, ingress]", append(slices.Clone(derived), FeatureUpstream), nil, ""},
		{"free labels", "features: [ingress, team-a, v1.2]", derived, []string{"team-a", "v1.2"}, ""},
		{"not exercised: warned and dropped", "features: [ingress, sctp, ipv6]", derived, nil,
			"f.yaml:2:21: features[1]: found \"sctp\", but the case does not exercise it (derived: [ingress, pod-selector, numeric-port, tcp]); ignored\n" +
				"f.yaml:2:27: features[2]: found \"ipv6\", but the case does not exercise it (derived: [ingress, pod-selector, numeric-port, tcp]); ignored"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load("f.yaml", []byte(featureCase(tt.features)))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(tt.want, c.Features); diff != "" {
				t.Errorf("features (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.labels, c.Labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
			got := ""
			if len(c.Warnings) > 0 {
				got = c.Warnings.Error()
			}
			if got != tt.warnings {
				t.Errorf("warnings:\n%s\nwant:\n%s", got, tt.warnings)
			}
		})
	}
}

func TestLoadFeatureErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, features, want string
	}{
		{"twice", "features: [tcp, tcp]", `f.yaml:2:17: features[1]: found "tcp" twice, expected each feature once`},
		{"label with a filter operator", "features: [ingress, a&b]", `f.yaml:2:21: features[1]: found "a&b", expected a feature or a free label (letters, digits, '-', '.', '_'; at most 63)`},
		{"label too long", "features: [" + strings.Repeat("a", 64) + "]", `f.yaml:2:12: features[0]: found "` + strings.Repeat("a", 64) + `", expected a feature or a free label`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load("f.yaml", []byte(featureCase(tt.features)))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Load: %v, want an error starting %q", err, tt.want)
			}
		})
	}
}

// In the embedded catalog a declared feature the case does not exercise, and an unknown tag, are
// errors, not warnings.
func TestCatalogFeaturesStrict(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"catalog/a/extra.yaml":   {Data: []byte(strings.Replace(featureCase("features: [ingress, sctp]"), "name: f", "name: extra", 1))},
		"catalog/a/label.yaml":   {Data: []byte(strings.Replace(featureCase("features: [ingress, team-a]"), "name: f", "name: label", 1))},
		"catalog/a/derived.yaml": {Data: []byte(strings.Replace(featureCase(""), "name: f", "name: derived", 1))},
	}
	cs, err := loadCatalog(fsys)
	if len(cs) != 1 || cs[0].Name != "derived" {
		t.Errorf("loadCatalog loaded %d cases, want only derived", len(cs))
	}
	for _, want := range []string{
		`cases/catalog/a/extra.yaml:2:21: features[1]: found "sctp", but the case does not exercise it (derived: [ingress, pod-selector, numeric-port, tcp])`,
		`cases/catalog/a/label.yaml:2:21: features[1]: unknown feature "team-a", expected one of [`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("loadCatalog error lacks %q:\n%v", want, err)
		}
	}
}

var updateFeatures = flag.Bool("update-features", false, "rewrite the features line of every catalog file to its derived features")

// featuresLine is the features line of a catalog file.
var featuresLine = regexp.MustCompile(`(?m)^features: \[.*\]$`)

// TestCatalogDeclaresDerivedFeatures: every catalog file lists exactly the features derived from
// it (plus upstream where it says so), so the files document what the reports count. When the
// derivation changes, go test ./cases -run TestCatalogDeclaresDerivedFeatures -update-features
// rewrites the lines; read the diff, it is the list of changed tags. The catalog is embedded when
// the test is built, so that run still checks the old files: run the tests again.
func TestCatalogDeclaresDerivedFeatures(t *testing.T) {
	if *updateFeatures {
		rewriteCatalogFeatures(t)
	}
	cs, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		data, err := fs.ReadFile(catalogFS, strings.TrimPrefix(c.File, "cases/"))
		if err != nil {
			t.Fatal(err)
		}
		var raw struct {
			Features []Feature `yaml:"features"`
		}
		if err := yaml.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.Features, raw.Features); diff != "" {
			t.Errorf("%s: features line differs from the derived features (-derived +declared):\n%s", c.File, diff)
		}
	}
}

// TestDerivedFeaturesTopology: external and ipv6 come from the topology and the ipBlocks, and a case
// without any policy checks allow-all.
func TestDerivedFeaturesTopology(t *testing.T) {
	t.Parallel()
	const head = "name: t\ntopology:\n  base: standard\n  externals: [{name: ext, ip: %s, ports: [{port: 80}]}]\nsteps:\n  - name: s\n"
	tests := []struct {
		name, file string
		want       []Feature
	}{
		{"no policy, an external host", strings.Replace(head, "%s", "192.0.2.1", 1), []Feature{FeatureAllowAll, FeatureExternal}},
		{"an IPv6 external host", strings.Replace(head, "%s", "fd00::1", 1), []Feature{FeatureAllowAll, FeatureExternal, FeatureIPv6}},
		{"an IPv6 cidr", featureCase("") + "\n" + `  - name: v6
    apply:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: q, namespace: y}
        spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: "::/0"}}]}], policyTypes: [Egress]}
`, []Feature{FeatureIngress, FeatureEgress, FeaturePodSelector, FeatureMultiplePolicies, FeatureIPBlock, FeatureNumericPort, FeatureTCP, FeatureUDP, FeatureIPv6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load("t.yaml", []byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.DerivedFeatures()); diff != "" {
				t.Errorf("derived features (-want +got):\n%s", diff)
			}
		})
	}
}

// rewriteCatalogFeatures sets the features line of every catalog file to the features its case
// gets when loaded as a user's case is (the derived ones plus the declared provenance).
func rewriteCatalogFeatures(t *testing.T) {
	t.Helper()
	err := filepath.WalkDir("catalog", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".yaml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		c, err := Load(p, data)
		if err != nil {
			return err
		}
		if !featuresLine.Match(data) {
			t.Errorf("%s: no features line to rewrite", p)
			return nil
		}
		names := make([]string, len(c.Features))
		for i, f := range c.Features {
			names[i] = string(f)
		}
		out := featuresLine.ReplaceAllLiteral(data, []byte("features: ["+strings.Join(names, ", ")+"]"))
		return os.WriteFile(p, out, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
