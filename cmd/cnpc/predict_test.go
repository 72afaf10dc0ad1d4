package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const goldenDir = "../../engine/testdata/golden/"

func TestPredictJSON(t *testing.T) {
	t.Parallel()
	out, stderr, code := runCLI(t, "predict", goldenDir+"named-port-egress-destination.yaml", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var got predictOutput
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	// x/a serves TCP/8080, x/b and ext TCP/80: every source to every destination on each port it
	// serves, self pairs included: 3 x 3 results per step, in source, destination order.
	want0 := []predictResult{
		{From: "x/a", To: "x/a", Port: 8080, Protocol: "TCP", Allowed: true, Ingress: true, Egress: true},
		{From: "x/a", To: "x/b", Port: 80, Protocol: "TCP", Allowed: true, Ingress: true, Egress: true},
		{From: "x/a", To: "ext", Port: 80, Protocol: "TCP", Allowed: false, Ingress: true, Egress: false},
		{From: "x/b", To: "x/a", Port: 8080, Protocol: "TCP", Allowed: true, Ingress: true, Egress: true},
		{From: "x/b", To: "x/b", Port: 80, Protocol: "TCP", Allowed: true, Ingress: true, Egress: true},
		{From: "x/b", To: "ext", Port: 80, Protocol: "TCP", Allowed: true, Ingress: true, Egress: true},
		{From: "ext", To: "x/a", Port: 8080, Protocol: "TCP", Allowed: true, Ingress: true, Egress: true},
		{From: "ext", To: "x/b", Port: 80, Protocol: "TCP", Allowed: true, Ingress: true, Egress: true},
		{From: "ext", To: "ext", Port: 80, Protocol: "TCP", Allowed: true, Ingress: true, Egress: true},
	}
	if got.Case != "named-port-egress-destination" || len(got.Steps) != 2 {
		t.Fatalf("case %q with %d steps, want named-port-egress-destination with 2", got.Case, len(got.Steps))
	}
	if got.Steps[0].Name != "x/a egress to named port web" {
		t.Errorf("step 0 name %q", got.Steps[0].Name)
	}
	if diff := cmp.Diff(want0, got.Steps[0].Results); diff != "" {
		t.Errorf("step 0 results (-want +got):\n%s", diff)
	}
	// Step 1 allows x/a -> ext on the numeric port: the only change.
	want1 := append([]predictResult(nil), want0...)
	want1[2].Allowed, want1[2].Egress = true, true
	if diff := cmp.Diff(want1, got.Steps[1].Results); diff != "" {
		t.Errorf("step 1 results (-want +got):\n%s", diff)
	}
}

func TestPredictText(t *testing.T) {
	t.Parallel()
	out, stderr, code := runCLI(t, "predict", goldenDir+"self-deny-all.yaml")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{
		"case self-deny-all: 2 step(s)\n",
		"=== step 0: deny all both ways in x\nTCP/80:\n",
		"x/a     .       X       X",
		"=== step 1: delete it\n",
		"legend: . allowed/connected/match\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// A case file without features predicts: its features are derived.
func TestPredictWithoutFeatures(t *testing.T) {
	t.Parallel()
	dir := writeCaseFiles(t, map[string]string{"nf.yaml": strings.Replace(validCase, "features: [ingress, deny-all]\n", "", 1)})
	out, stderr, code := runCLI(t, "predict", filepath.Join(dir, "nf.yaml"))
	if code != 0 || stderr != "" || !strings.HasPrefix(out, "case ok: 1 step(s)\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// cidr: 010.0.0.0/8 validates and predicts (leading zeros are decimal, as for the API server);
// a cidr that does not validate fails both validate and predict with file:line:col.
func TestPredictCIDRForms(t *testing.T) {
	t.Parallel()
	egress := strings.Replace(validCase, "spec: {podSelector: {}, policyTypes: [Ingress]}",
		"spec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: CIDR}}]}]}", 1)
	dir := writeCaseFiles(t, map[string]string{
		"zeros.yaml": strings.Replace(egress, "CIDR", "010.0.0.0/8", 1),
		"bad.yaml":   strings.Replace(egress, "CIDR", "10.0.0.0/33", 1),
	})
	out, stderr, code := runCLI(t, "predict", filepath.Join(dir, "zeros.yaml"), "-o", "json")
	// y/a (10.244.2.10) is inside 10.0.0.0/8: the egress of x/a admits it.
	if code != 0 || !strings.Contains(out, `"from": "x/a",
          "to": "y/a",
          "port": 80,
          "protocol": "TCP",
          "allowed": true`) {
		t.Errorf("predict zeros.yaml: exit %d, stderr %q, stdout:\n%s", code, stderr, out)
	}
	want := filepath.Join(dir, "bad.yaml") + `:11:88: steps[0].apply[0].spec.egress[0].to[0].ipBlock.cidr: found "10.0.0.0/33", expected a CIDR such as 10.0.0.0/24 or fd00::/64`
	for _, args := range [][]string{{"predict", filepath.Join(dir, "bad.yaml")}, {"cases", "validate", filepath.Join(dir, "bad.yaml")}} {
		_, stderr, code := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", args, code, stderr, want)
		}
	}
}

func TestPredictErrors(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte(badCase), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		stderr []string
	}{
		{"no file", []string{"predict"}, []string{"cnpc: predict: expected one case file, found 0 arguments"}},
		{"two files", []string{"predict", "a.yaml", "b.yaml"}, []string{"found 2 arguments"}},
		{"bad output", []string{"predict", bad, "--output", "xml"}, []string{`predict: --output: found "xml", expected text or json`}},
		{"missing file", []string{"predict", "/nonexistent/case.yaml"}, []string{"read case: open /nonexistent/case.yaml"}},
		{"invalid policy", []string{"predict", bad, "--output", "json"}, []string{
			bad + `:13:51: steps[0].apply[0].spec.ingress[0].ports[0].endPort: found endPort 90 with the named port "web"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := runCLI(t, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}

const badCase = `name: bad
features: [ingress]
topology:
  namespaces: [{name: x}]
  pods: [{namespace: x, name: a, labels: {pod: a}, ip: 10.0.0.1, ports: [{name: web, port: 80, protocol: TCP}]}]
steps:
  - name: s
    apply:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: x}
        spec:
          ingress: [{ports: [{port: web, endPort: 90}]}]
`
