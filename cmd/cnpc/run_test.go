package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/clusters"
)

func TestRunUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no cni", []string{"run"}, exitBadInput, "--cni: required, one of "},
		{"unknown cni", []string{"run", "--cni", "weave"}, exitBadInput, `--cni: unknown cni "weave", expected one of `},
		{"bad family", []string{"run", "--cni", "kube-router", "--ip-family", "ipv5"}, exitBadInput, `--ip-family: unknown ip family "ipv5"`},
		{"existing with reuse", []string{"run", "--cni", "custom", "--existing", "--reuse"}, exitBadInput, "--existing: cannot be combined with --reuse"},
		{"positional argument", []string{"run", "--cni", "kube-router", "extra"}, exitBadInput, `run takes no arguments, found ["extra"]`},
		{"unknown flag", []string{"run", "--cnii", "x"}, exitBadInput, "cnpc run: unknown flag: --cnii (see cnpc run --help)"},
		{"single-dash long flag", []string{"run", "-cni", "kube-router"}, exitBadInput, "cnpc run: unknown shorthand flag: 'c' in -cni"},
		{"bad focus", []string{"run", "--cni", "custom", "--focus", "("}, exitBadInput, "--focus: expected a regular expression: error parsing regexp: missing closing )"},
		{"bad labels", []string{"run", "--cni", "custom", "--labels", "egress &&"}, exitBadInput, "--labels: expected a Ginkgo label filter such as 'egress && !sctp': Syntax Error Parsing Label Filter: egress &&: Unexpected EOF."},
		{"missing suite binary", []string{"run", "--cni", "kube-router", "--suite", "/nonexistent/netpol.test"}, exitEnvironment,
			"suite binary: stat /nonexistent/netpol.test: no such file or directory (build it with: go test -c -o bin/netpol.test ./suites/netpol, or make conformance)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errw bytes.Buffer
			err := run(tt.args, streams{Out: &out, Err: &errw})
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code = %d, want %d (err %v)", got, tt.wantCode, err)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestRunFlagDefaults(t *testing.T) {
	t.Parallel()
	f, err := parseRunFlags([]string{"--cni", "kube-router", "--load-image", "a:1", "--load-image", "b:2", "-v", "1"}, streams{Err: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{f.out, f.kubeconfig, f.workers, f.ipFamily, f.suite, []string(f.loadImages), f.convergeTimeout.String(), f.verbosity}
	want := []any{filepath.Join("reports", "out", "kube-router"), filepath.Join("reports", "out", "kube-router", "kubeconfig"),
		2, "ipv4", "bin/netpol.test", []string{"a:1", "b:2"}, "30s", 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
}

func TestSuiteArgs(t *testing.T) {
	t.Parallel()
	f, err := parseRunFlags([]string{"--cni", "kube-router", "--focus", "deny", "--labels", "egress && !sctp", "--converge-timeout", "45s", "--out-dir", "o"}, streams{Err: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{f: f}
	r.c, err = r.cluster(mustProfile(t, "kube-router"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"--kubeconfig=" + filepath.Join("o", "kubeconfig"), "--cni=kube-router", "--cni-version=v1.3.2",
		"--probe-image=localhost/cnpc/probe:dev", "--results=" + filepath.Join("o", "results.json"), "--converge-timeout=45s", "--ginkgo.timeout=12h0m0s",
		"--ginkgo.junit-report=" + filepath.Join("o", "ginkgo-junit.xml"), "--focus=deny", "--ginkgo.label-filter=!generated && (egress && !sctp)",
	}
	if diff := cmp.Diff(want, r.suiteArgs("v1.3.2", filepath.Join("o", "results.json"))); diff != "" {
		t.Errorf("suiteArgs (-want +got):\n%s", diff)
	}
}

// TestLabelFilter checks how --cases and --labels combine into the suite's label filter.
func TestLabelFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{nil, "!generated"},
		{[]string{"--labels", "egress"}, "!generated && (egress)"},
		{[]string{"--cases", "generated"}, "generated"},
		{[]string{"--cases", "generated", "--labels", "sctp || udp"}, "generated && (sctp || udp)"},
		{[]string{"--cases", "all"}, ""},
		{[]string{"--cases", "all", "--labels", "ingress"}, "ingress"},
	}
	for _, tt := range tests {
		f, err := parseRunFlags(append([]string{"--cni", "kube-router"}, tt.args...), streams{Err: &bytes.Buffer{}})
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if got := f.labelFilter(); got != tt.want {
			t.Errorf("%q: label filter %q, want %q", tt.args, got, tt.want)
		}
	}
	_, err := parseRunFlags([]string{"--cni", "kube-router", "--cases", "some"}, streams{Err: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), `--cases: found "some", expected catalog, generated or all`) {
		t.Errorf("--cases some: error %v, want one naming the three choices", err)
	}
}

func mustProfile(t *testing.T, name string) clusters.Profile {
	t.Helper()
	p, err := clusters.LookupProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
