package cases

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	networkingv1 "k8s.io/api/networking/v1"
)

func TestCatalogLoads(t *testing.T) {
	t.Parallel()
	cs, err := Catalog()
	if err != nil {
		t.Fatalf("Catalog(): %v", err)
	}
	upstream := 0
	for _, c := range cs {
		if c.Source == "" {
			t.Errorf("%s: case %s has no source", c.File, c.Name)
		}
		if !strings.HasPrefix(c.File, "cases/catalog/") || !strings.HasSuffix(c.File, "/"+c.Name+".yaml") {
			t.Errorf("case %s is in %s, want cases/catalog/<group>/%s.yaml", c.Name, c.File, c.Name)
		}
		if hasAll(c.Features, []Feature{FeatureUpstream}) {
			upstream++
			if !strings.HasPrefix(c.Name, "upstream-") || !strings.Contains(c.File, "/upstream/") {
				t.Errorf("%s: upstream case %s must be named upstream-* and live in catalog/upstream", c.File, c.Name)
			}
		}
	}
	// One case per test of test/e2e/network/netpol/network_policy.go (cases/README.md maps them).
	if upstream != 48 {
		t.Errorf("catalog has %d upstream cases, want 48", upstream)
	}
	if len(cs)-upstream < 36 {
		t.Errorf("catalog has %d documented scenarios, want at least 36", len(cs)-upstream)
	}
}

func TestCatalogAndGeneratedNamesDiffer(t *testing.T) {
	t.Parallel()
	cs, err := Catalog()
	if err != nil {
		t.Fatalf("Catalog(): %v", err)
	}
	names := map[string]bool{}
	for _, c := range cs {
		names[c.Name] = true
	}
	for _, c := range Generated() {
		if names[c.Name] {
			t.Errorf("generated case %s has the name of a catalog case", c.Name)
		}
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	cs := []*Case{
		{Name: "i", Features: []Feature{FeatureIngress}},
		{Name: "ie", Features: []Feature{FeatureIngress, FeatureEgress}},
		{Name: "e", Features: []Feature{FeatureEgress, FeatureIPBlock}},
	}
	tests := []struct {
		name     string
		features []Feature
		want     []string
	}{
		{"no features selects all", nil, []string{"i", "ie", "e"}},
		{"one feature", []Feature{FeatureEgress}, []string{"ie", "e"}},
		{"every feature must match", []Feature{FeatureIngress, FeatureEgress}, []string{"ie"}},
		{"nothing matches", []Feature{FeatureSCTP}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range Select(cs, tt.features) {
				got = append(got, c.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Select(%v) (-want +got):\n%s", tt.features, diff)
			}
		})
	}
}

func TestParseFeatures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []Feature
		wantErr string
	}{
		{"two features", "ingress, ip-block", []Feature{FeatureIngress, FeatureIPBlock}, ""},
		{"blanks ignored", ",egress,,", []Feature{FeatureEgress}, ""},
		{"empty", "", nil, ""},
		{"unknown named", "ingress,bogus", nil, `unknown feature "bogus"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFeatures(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseFeatures(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseFeatures(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseFeatures(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// Every catalog and generated case must survive the trip through the file format unchanged.
func TestCasesRoundTrip(t *testing.T) {
	t.Parallel()
	catalog, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(catalog, Generated()...) {
		data, err := MarshalCase(c)
		if err != nil {
			t.Fatalf("MarshalCase(%s): %v", c.Name, err)
		}
		got, err := Load(c.Name+".yaml", data)
		if err != nil {
			t.Fatalf("Load(MarshalCase(%s)):\n%v\n%s", c.Name, err, data)
		}
		if got.Name != c.Name || len(got.Steps) != len(c.Steps) || !cmp.Equal(got.Features, c.Features) {
			t.Errorf("%s: round trip changed name, features or step count: got %s, %v, %d steps", c.Name, got.Name, got.Features, len(got.Steps))
			continue
		}
		for i := range c.Steps {
			// The policies as written, placeholders included, and defaulted as the API server (and
			// the loader) does; the generator leaves defaulting to whoever applies them.
			want, have := defaulted(written(c.Steps[i])), defaulted(written(got.Steps[i]))
			if diff := cmp.Diff(want, have, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s step %d: policies changed (-generated +reloaded):\n%s", c.Name, i, diff)
			}
		}
	}
}

func written(st Step) []networkingv1.NetworkPolicy {
	if st.Templates != nil {
		return st.Templates
	}
	return st.Apply
}

func defaulted(ps []networkingv1.NetworkPolicy) []networkingv1.NetworkPolicy {
	out := make([]networkingv1.NetworkPolicy, len(ps))
	for i := range ps {
		out[i] = *ps[i].DeepCopy()
		DefaultPolicy(&out[i])
	}
	return out
}

// A broken catalog reports every bad file with its position, and still returns the good cases.
func TestLoadCatalogCollectsErrors(t *testing.T) {
	t.Parallel()
	good := "name: good\nfeatures: [allow-all]\nsteps:\n  - name: nothing\n"
	fsys := fstest.MapFS{
		"catalog/a/good.yaml":  {Data: []byte(good)},
		"catalog/a/bad.yaml":   {Data: []byte("name: bad\nfeatures: [nope]\nsteps:\n  - name: s\n")},
		"catalog/b/again.yaml": {Data: []byte(good)},
		"catalog/b/other.yaml": {Data: []byte("name: other\nfeatures: [egress]\nsteps: []\nextra: 1\n")},
		"catalog/README.md":    {Data: []byte("not a case")},
	}
	cs, err := loadCatalog(fsys)
	if err == nil {
		t.Fatal("loadCatalog: no error for a broken catalog")
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"good"}, names); diff != "" {
		t.Errorf("loaded cases (-want +got):\n%s", diff)
	}
	for _, want := range []string{
		"cases/catalog/a/bad.yaml:2:",
		"nope",
		`cases/catalog/b/again.yaml: case name "good" is already used by cases/catalog/a/good.yaml`,
		"cases/catalog/b/other.yaml:4:1: ",
		"extra",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("loadCatalog error lacks %q; error:\n%v", want, err)
		}
	}
}
