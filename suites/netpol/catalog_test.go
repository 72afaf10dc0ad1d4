package netpol

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/cases"
)

// ownCase is a user's case file without features.
const ownCase = `name: %s
steps:
  - name: deny ingress in x
    apply:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: x}
        spec: {podSelector: {}, policyTypes: [Ingress]}
`

func writeOwn(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n+".yaml"), []byte(strings.Replace(ownCase, "%s", n, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSelectionCases(t *testing.T) {
	t.Parallel()
	cat := []*cases.Case{{Name: "c1"}, {Name: "c2"}}
	gen := []*cases.Case{{Name: "g1"}}
	dir := t.TempDir()
	writeOwn(t, dir, "mine-1", "mine-2")
	file := filepath.Join(t.TempDir(), "single.yaml")
	if err := os.WriteFile(file, []byte(strings.Replace(ownCase, "%s", "single", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sel  Selection
		want []string
	}{
		{"catalog", Selection{Origins: []cases.Origin{cases.OriginCatalog}}, []string{"c1", "c2"}},
		{"own alone", Selection{Origins: []cases.Origin{cases.OriginOwn}, Paths: []string{dir, file}}, []string{"mine-1", "mine-2", "single"}},
		{"catalog beside own", Selection{Origins: []cases.Origin{cases.OriginCatalog, cases.OriginOwn}, Paths: []string{dir}}, []string{"c1", "c2", "mine-1", "mine-2"}},
		{"own files not chosen", Selection{Origins: []cases.Origin{cases.OriginGenerated}, Paths: []string{dir}}, []string{"g1"}},
		{"names besides origins", Selection{Origins: []cases.Origin{cases.OriginOwn}, Names: []string{"g1", "c2"}, Paths: []string{file}}, []string{"c2", "g1", "single"}},
		{"nothing", Selection{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.sel.Cases(cat, gen)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range got {
				names = append(names, c.Name)
			}
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Errorf("cases (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectionErrors(t *testing.T) {
	t.Parallel()
	cat := []*cases.Case{{Name: "c1"}}
	dir := t.TempDir()
	writeOwn(t, dir, "c1")
	tests := []struct {
		name string
		sel  Selection
		want string
	}{
		{"unknown name", Selection{Names: []string{"zz", "c1", "aa"}}, "--case-name: no catalog or generated case is named aa, zz"},
		{"own case with a catalog name", Selection{Origins: []cases.Origin{cases.OriginOwn}, Paths: []string{dir}}, `--case-path: ` + filepath.Join(dir, "c1.yaml") + `: case name "c1" is already used by a case of cnpc's own`},
		{"missing path", Selection{Paths: []string{filepath.Join(dir, "none")}}, "--case-path: stat " + filepath.Join(dir, "none") + ": no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.sel.Cases(cat, nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
