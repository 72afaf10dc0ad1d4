package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

func TestCasesList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		code      int
		contains  []string
		excludes  []string
		stderr    string
		minLines  int
		exactRows int
	}{
		{
			name:     "whole catalog",
			args:     []string{"cases", "list"},
			contains: []string{"NAME", "STEPS", "FEATURES", "three-tier ", "upstream-default-deny-ingress "},
			minLines: 85,
		},
		{
			name:     "every listed feature must match",
			args:     []string{"cases", "list", "--features", "ip-block-except,egress"},
			contains: []string{"cidr-except ", "upstream-egress-cidr-except "},
			excludes: []string{"three-tier ", "backup-server-ingress "},
		},
		{
			name:      "generated cases",
			args:      []string{"cases", "list", "--generated"},
			contains:  []string{"gen-ingress-all-any-any-port ", "generated"},
			excludes:  []string{"three-tier "},
			exactRows: 366,
		},
		{
			name:   "unknown feature is a usage error",
			args:   []string{"cases", "list", "--features", "ingress,bogus"},
			code:   2,
			stderr: `cnpc: cases list: --features: unknown feature "bogus", expected one of [`,
		},
		{
			name:   "stray argument",
			args:   []string{"cases", "list", "extra"},
			code:   2,
			stderr: `cnpc: cases list: unexpected argument "extra"`,
		},
		{
			name:   "no subcommand",
			args:   []string{"cases"},
			code:   2,
			stderr: "cnpc: cases: expected a subcommand (list, show, validate or generate)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("cnpc %v exited %d, want %d; stderr:\n%s", tt.args, code, tt.code, errOut)
			}
			for _, s := range tt.contains {
				if !strings.Contains(out, s) {
					t.Errorf("cnpc %v: stdout lacks %q", tt.args, s)
				}
			}
			for _, s := range tt.excludes {
				if strings.Contains(out, s) {
					t.Errorf("cnpc %v: stdout has %q", tt.args, s)
				}
			}
			if tt.stderr != "" && !strings.Contains(errOut, tt.stderr) {
				t.Errorf("cnpc %v: stderr = %q, want it to contain %q", tt.args, errOut, tt.stderr)
			}
			lines := strings.Count(out, "\n")
			if lines < tt.minLines {
				t.Errorf("cnpc %v printed %d lines, want at least %d", tt.args, lines, tt.minLines)
			}
			if tt.exactRows > 0 && lines != tt.exactRows+1 {
				t.Errorf("cnpc %v printed %d lines, want a header and %d rows", tt.args, lines, tt.exactRows)
			}
		})
	}
}

const validCase = `name: ok
description: a valid case
source: test
features: [ingress, deny-all]
steps:
  - name: deny ingress in x
    apply:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: x}
        spec: {podSelector: {}, policyTypes: [Ingress]}
`

// Line 3 has an unknown field; line 12 uses endPort with a named port (the API server rejects it).
const invalidCase = `name: bad
features: [ingress]
bogus: 1
steps:
  - name: s
    apply:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: x}
        spec:
          podSelector: {}
          ingress: [{ports: [{port: serve-80-tcp, endPort: 90}]}]
`

func writeCaseFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCasesValidate(t *testing.T) {
	t.Parallel()
	good := writeCaseFiles(t, map[string]string{"a/ok.yaml": validCase, "notes.txt": "not a case"})
	bad := writeCaseFiles(t, map[string]string{"ok.yaml": validCase, "sub/bad.yaml": invalidCase})
	empty := t.TempDir()
	twice := writeCaseFiles(t, map[string]string{"a.yaml": validCase, "b.yaml": validCase})
	extra := writeCaseFiles(t, map[string]string{"x.yaml": strings.Replace(validCase, "[ingress, deny-all]", "[ingress, deny-all, sctp]", 1)})
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr []string
	}{
		{"valid directory", []string{"cases", "validate", good}, 0, "1 case files valid", nil},
		{"single valid file", []string{"cases", "validate", filepath.Join(good, "a/ok.yaml")}, 0, "1 case files valid", nil},
		{"embedded catalog sources", []string{"cases", "validate", "../../cases/catalog"}, 0, "85 case files valid", nil},
		{"invalid file named with line and column", []string{"cases", "validate", bad}, 2, "", []string{
			"cnpc: 1 of 2 case files are invalid:",
			filepath.Join(bad, "sub/bad.yaml") + ":3:1: ",
			"bogus",
			filepath.Join(bad, "sub/bad.yaml") + ":12:",
			"endPort",
		}},
		{"same name twice", []string{"cases", "validate", twice}, 2, "", []string{
			"cnpc: 1 of 2 case files are invalid:",
			filepath.Join(twice, "b.yaml") + `: case name "ok" is already used by ` + filepath.Join(twice, "a.yaml"),
		}},
		{"a feature the case does not exercise is a warning", []string{"cases", "validate", extra}, 0, "1 case files valid", []string{
			"cnpc: warning: " + filepath.Join(extra, "x.yaml") + `:4:31: features[2]: found "sctp", but the case does not exercise it (derived: [ingress, deny-all]); ignored`,
		}},
		{"no path", []string{"cases", "validate"}, 2, "", []string{"cnpc: cases validate: expected a case file or a directory of case files"}},
		{"directory without cases", []string{"cases", "validate", empty}, 2, "", []string{"no case files (*.yaml, *.yml) found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("cnpc %v exited %d, want %d; stdout:\n%s\nstderr:\n%s", tt.args, code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.stdout) {
				t.Errorf("cnpc %v: stdout = %q, want it to contain %q", tt.args, out, tt.stdout)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("cnpc %v: stderr lacks %q; stderr:\n%s", tt.args, s, errOut)
				}
			}
		})
	}
}

// The generated files must be valid case files: generate, then validate what was written.
func TestCasesGenerateWritesValidFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "gen")
	_, errOut, code := runCLI(t, "cases", "generate", "--out-dir", dir)
	if code != 0 {
		t.Fatalf("cnpc cases generate exited %d; stderr:\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "wrote 366 generated cases to "+dir) {
		t.Errorf("stderr = %q, want the count and directory", errOut)
	}
	out, errOut, code := runCLI(t, "cases", "validate", dir)
	if code != 0 || !strings.Contains(out, "366 case files valid") {
		t.Fatalf("validate generated cases: exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
	_, errOut, code = runCLI(t, "cases", "generate")
	if code != 2 || !strings.Contains(errOut, "cases generate: --out-dir DIR is required") {
		t.Errorf("generate without --out-dir: exit %d, stderr %q", code, errOut)
	}
	// The old name still works, and says it is deprecated.
	old := filepath.Join(t.TempDir(), "old")
	_, errOut, code = runCLI(t, "cases", "generate", "--out", old)
	if code != 0 || !strings.Contains(errOut, "--out is deprecated and will go; use --out-dir") {
		t.Errorf("generate --out: exit %d, stderr %q", code, errOut)
	}
	if files, _ := filepath.Glob(filepath.Join(old, "*.yaml")); len(files) != 366 {
		t.Errorf("generate --out wrote %d files, want 366", len(files))
	}
}

// Every case of the catalog and of the generator must validate and predict: the engine gives a
// table for every state, over every peer of that state.
func TestEveryCasePredicts(t *testing.T) {
	t.Parallel()
	catalog, err := cases.Catalog()
	if err != nil {
		t.Fatalf("Catalog(): %v", err)
	}
	all := append(catalog, cases.Generated()...)
	states := 0
	for _, c := range all {
		sts, err := c.States()
		if err != nil {
			t.Errorf("case %s: %v", c.Name, err)
			continue
		}
		if len(sts) != len(c.Steps) {
			t.Errorf("case %s: %d states for %d steps", c.Name, len(sts), len(c.Steps))
		}
		for _, st := range sts {
			p, err := engine.Predict(st.Topology, st.Policies)
			if err != nil {
				t.Errorf("case %s step %d: predict: %v", c.Name, st.Step, err)
				continue
			}
			if got, want := len(p.Table().Peers), len(st.Topology.Peers()); got != want {
				t.Errorf("case %s step %d: table has %d peers, topology %d", c.Name, st.Step, got, want)
			}
			states++
		}
	}
	t.Logf("%d cases, %d states predicted", len(all), states)
}
