package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const reportsTestdata = "../../reports/testdata/"

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(reportsTestdata + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReportFormats checks that each format on stdout is the reports package's golden file: the
// CLI adds nothing of its own.
func TestReportFormats(t *testing.T) {
	t.Parallel()
	run := reportsTestdata + "runs/flannel.json"
	tests := []struct {
		name   string
		args   []string
		golden string
	}{
		{"default is markdown", []string{run}, "golden/flannel.md"},
		{"json round trip", []string{run, "--output", "json"}, "runs/flannel.json"},
		{"junit", []string{"-o", "junit", run}, "golden/flannel.junit.xml"},
		{"html", []string{run, "--output=html"}, "golden/flannel.html"},
		{"html through the deprecated --format", []string{run, "--format=html"}, "golden/flannel.html"},
		{"matrix markdown", []string{"matrix", reportsTestdata + "runs/calico.json", run, reportsTestdata + "runs/kindnet.json"}, "golden/matrix.md"},
		{"matrix html", []string{"matrix", "-o", "html", reportsTestdata + "runs/calico.json", run, reportsTestdata + "runs/kindnet.json"}, "golden/matrix.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := runCLI(t, append([]string{"report"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if out != readTestdata(t, tt.golden) {
				t.Errorf("output differs from reports/testdata/%s", tt.golden)
			}
		})
	}
}

func TestReportOutFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, stderr, code := runCLI(t, "report", reportsTestdata+"runs/kindnet.json", "--out-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for name, golden := range map[string]string{"results.json": "runs/kindnet.json", "junit.xml": "golden/kindnet.junit.xml",
		"summary.md": "golden/kindnet.md", "report.html": "golden/kindnet.html"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != readTestdata(t, golden) {
			t.Errorf("%s differs from reports/testdata/%s", name, golden)
		}
		if !strings.Contains(stderr, "wrote "+filepath.Join(dir, name)) {
			t.Errorf("stderr does not name %s:\n%s", name, stderr)
		}
	}
	// --out-file, and the deprecated --out and --format, which say so on stderr and keep stdout empty.
	for _, args := range [][]string{{"-o", "junit", "--out-file"}, {"--format", "junit", "--out"}} {
		out := filepath.Join(dir, "one.xml")
		os.Remove(out)
		stdout, stderr, code := runCLI(t, append([]string{"report", reportsTestdata + "runs/kindnet.json"}, append(args, out)...)...)
		if code != 0 || stdout != "" {
			t.Fatalf("%v: exit %d, stdout %q, stderr: %s", args, code, stdout, stderr)
		}
		if got, _ := os.ReadFile(out); string(got) != readTestdata(t, "golden/kindnet.junit.xml") {
			t.Errorf("%v: the file differs from the golden JUnit file", args)
		}
		deprecated := strings.Contains(stderr, "cnpc: --format is deprecated and will go; use --output\n") &&
			strings.Contains(stderr, "cnpc: --out is deprecated and will go; use --out-file\n")
		if want := args[0] == "--format"; deprecated != want {
			t.Errorf("%v: stderr %q, want deprecation notes: %v", args, stderr, want)
		}
	}
}

func TestReportErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"schemaVersion\": \"cnpc.dev/results/v1\",\n  \"cni\": {\"name\": 7}\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte(`{"schemaVersion": "cnpc.dev/results/v0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	calico := reportsTestdata + "runs/calico.json"
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no file", nil, 2, "report: expected one results file, found 0 arguments"},
		{"unknown format", []string{calico, "-o", "pdf"}, 2, `report: --output: format "pdf", expected one of [json junit markdown html]`},
		{"unknown format, old flag name", []string{calico, "--format", "pdf"}, 2, `report: --output: format "pdf", expected one of [json junit markdown html]`},
		{"out-dir with format", []string{calico, "--out-dir", dir, "-o", "html"}, 2, "--out-dir writes every format"},
		{"out-dir with the old format flag", []string{calico, "--out-dir", dir, "--format", "html"}, 2, "--out-dir writes every format"},
		{"out-dir with out-file", []string{calico, "--out-dir", dir, "--out-file", "x"}, 2, "--out-dir writes every format"},
		{"wrong type, with position", []string{bad}, 2, bad + ":3:19: cni.name: found JSON number, expected string"},
		{"other schema", []string{old}, 2, old + `: schemaVersion: found "cnpc.dev/results/v0", expected "cnpc.dev/results/v1"`},
		{"missing file", []string{filepath.Join(dir, "none.json")}, 2, "none.json: no such file or directory"},
		{"matrix of one version twice", []string{"matrix", calico, calico}, 2, "runs 1 and 2 are both of calico@v3.30.2"},
		{"matrix reports every bad file", []string{"matrix", bad, old}, 2, "bad.json:3:19"},
		{"matrix format", []string{"matrix", calico, "-o", "junit"}, 2, `report matrix: --output: found "junit", expected markdown or html`},
		{"unwritable out", []string{calico, "--out-file", filepath.Join(dir, "no", "such", "dir.md")}, 3, "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := runCLI(t, append([]string{"report"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}
