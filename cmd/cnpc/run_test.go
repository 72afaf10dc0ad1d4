package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/clusters"
	"github.com/cnpc-dev/cnpc/reports"
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
		{"neither a file nor a case name", []string{"run", "--cni", "kube-router", "extra"}, exitBadInput, "extra: no such file, and no catalog or generated case has that name (cnpc cases list)"},
		{"unknown origin", []string{"run", "--cni", "kube-router", "--cases", "catalog,mine"}, exitBadInput, `--cases: found "mine", expected catalog, generated, own or all (comma-separated)`},
		{"own without files", []string{"run", "--cni", "kube-router", "--cases", "own"}, exitBadInput, "--cases own: own needs case files: CASE.yaml arguments or --case-dir DIR"},
		{"files left out", []string{"run", "--cni", "kube-router", "--cases", "catalog", "--case-dir", "."}, exitBadInput, "--cases catalog leaves out your case files ("},
		{"hairpin without Services", []string{"run", "--cni", "cilium", "--skip-hairpin"}, exitBadInput, "--skip-hairpin: found --via pod, expected --via both (only Services have hairpin probes)"},
		{"unknown flag", []string{"run", "--cnii", "x"}, exitBadInput, "run: unknown flag: --cnii (see cnpc run --help)"},
		{"single-dash long flag", []string{"run", "-cni", "kube-router"}, exitBadInput, "run: unknown shorthand flag: 'c' in -cni"},
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
	f, err := parseRunFlags([]string{"--cni", "kube-router", "--focus", "deny", "--labels", "egress && !sctp", "--converge-timeout", "45s", "--out-dir", "o", "--lanes", "2"}, streams{Err: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{f: f}
	r.c, err = r.cluster(mustProfile(t, "kube-router"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"-test.run=^TestNetpol$", "--kubeconfig=" + filepath.Join("o", "kubeconfig"), "--cni=kube-router", "--cni-version=v1.3.2",
		"--probe-image=localhost/cnpc/probe:dev", "--results=" + filepath.Join("o", "results.json"), "--converge-timeout=45s", "--stability-window=2s", "--longest-window=10s", "--grading=api", "--via=pod", "--lanes=2", "--ginkgo.timeout=12h0m0s", "--ginkgo.no-color",
		"--ginkgo.junit-report=" + filepath.Join("o", "ginkgo-junit.xml"), "--cases=catalog", "--focus=deny", "--ginkgo.label-filter=egress && !sctp",
	}
	if diff := cmp.Diff(want, r.suiteArgs("v1.3.2", filepath.Join("o", "results.json"))); diff != "" {
		t.Errorf("suiteArgs (-want +got):\n%s", diff)
	}
	r.f.via, r.f.skipHairpin = "both", true
	args := r.suiteArgs("v1.3.2", filepath.Join("o", "results.json"))
	if !slices.Contains(args, "--via=both") || !slices.Contains(args, "--skip-hairpin") {
		t.Errorf("suiteArgs with --via both --skip-hairpin: %q, want both flags passed on", args)
	}
}

// A profile's hairpin notes reach the reports of the runs that probe hairpin, and only those.
func TestHairpinNotes(t *testing.T) {
	t.Parallel()
	p := mustProfile(t, "cilium")
	if len(p.HairpinNotes) == 0 {
		t.Fatal("the cilium profile has no hairpin note")
	}
	hairpin := "--cni-note=" + p.HairpinNotes[0]
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"--via", "both"}, true},
		{[]string{"--via", "both", "--skip-hairpin"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		f, err := parseRunFlags(append([]string{"--cni", "cilium", "--out-dir", "o"}, tt.args...), streams{Err: &bytes.Buffer{}})
		if err != nil {
			t.Fatal(err)
		}
		r := &runner{f: f}
		if r.c, err = r.cluster(p); err != nil {
			t.Fatal(err)
		}
		args := r.suiteArgs("v1.20.2", filepath.Join("o", "results.json"))
		if got := slices.Contains(args, hairpin); got != tt.want {
			t.Errorf("%q: hairpin note passed %v, want %v", tt.args, got, tt.want)
		}
		if !slices.Contains(args, "--cni-note="+p.Notes[0]) {
			t.Errorf("%q: the profile's own note is missing", tt.args)
		}
	}
}

// TestCaseSelection checks how --cases, --case-dir and the positional arguments become the suite's
// selection flags.
func TestCaseSelection(t *testing.T) {
	t.Parallel()
	dir := writeCaseFiles(t, map[string]string{"a.yaml": validCase})
	file := filepath.Join(dir, "a.yaml")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"default: the catalog", nil, []string{"--cases=catalog"}},
		{"labels pass through alone", []string{"--labels", "egress"}, []string{"--cases=catalog", "--ginkgo.label-filter=egress"}},
		{"generated", []string{"--cases", "generated"}, []string{"--cases=generated"}},
		{"all, with no files of your own", []string{"--cases", "all", "--labels", "ingress"}, []string{"--cases=catalog,generated", "--ginkgo.label-filter=ingress"}},
		{"a file: only your cases", []string{file}, []string{"--cases=own", "--case-path=" + file}},
		{"a directory", []string{"--case-dir", dir}, []string{"--cases=own", "--case-path=" + dir}},
		{"your cases beside the catalog", []string{"--cases", "catalog,own", "--case-dir", dir, file}, []string{"--cases=catalog,own", "--case-path=" + dir, "--case-path=" + file}},
		{"all includes yours", []string{"--cases", "all", file}, []string{"--cases=catalog,generated,own", "--case-path=" + file}},
		{"catalog cases by name", []string{"three-tier", "gen-ingress-a-pod-named"}, []string{"--cases=none", "--case-name=three-tier", "--case-name=gen-ingress-a-pod-named"}},
		{"names besides your files", []string{"three-tier", file}, []string{"--cases=own", "--case-path=" + file, "--case-name=three-tier"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := parseRunFlags(append([]string{"--cni", "kube-router"}, tt.args...), streams{Err: &bytes.Buffer{}})
			if err != nil {
				t.Fatalf("%q: %v", tt.args, err)
			}
			if diff := cmp.Diff(tt.want, f.filterArgs()); diff != "" {
				t.Errorf("suite selection flags (-want +got):\n%s", diff)
			}
		})
	}
}

// The deprecated --out names the output directory, as --out-dir does.
func TestRunOldOutFlag(t *testing.T) {
	t.Parallel()
	f, err := parseRunFlags([]string{"--cni", "kube-router", "--out", "old", "--q", "--v", "2"}, streams{Err: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	if f.out != "old" || !f.quiet || f.verbosity != 2 {
		t.Errorf("--out old --q --v 2: out %q, quiet %v, verbosity %d", f.out, f.quiet, f.verbosity)
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

// TestRunPreflight: the input a run needs is checked before any build or cluster (these fail
// before docker is asked anything).
func TestRunPreflight(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"custom without a manifest", []string{"--cni", "custom"}, "profile custom: needs a local manifest (--manifest FILE)"},
		{"a manifest that is not there", []string{"--cni", "custom", "--manifest", "/nonexistent/cni.yaml"}, "manifest /nonexistent/cni.yaml: open /nonexistent/cni.yaml: no such file or directory"},
		{"a family the profile lacks", []string{"--cni", "kube-router", "--ip-family", "ipv6"}, "ip family ipv6: profile kube-router supports only [ipv4]"},
		{"a release without a pinned digest", []string{"--cni", "kube-router", "--from", "release"}, "has no pinned sha256, and cnpc applies no unverified download"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := parseRunFlags(tt.args, streams{Err: &bytes.Buffer{}})
			if err != nil {
				t.Fatal(err)
			}
			r := &runner{f: f, ph: &phases{w: &bytes.Buffer{}}}
			err = r.preflight(context.Background(), mustProfile(t, f.cni))
			if exitCode(err) != exitBadInput || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("preflight: %v (exit %d), want exit 2 and %q", err, exitCode(err), tt.want)
			}
		})
	}
}

// TestCNINameAndVersion: --cni-name and --cni-version name the CNI in the reports; custom alone is
// "custom", never "custom@custom".
func TestCNINameAndVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args       []string
		name, want string
	}{
		{[]string{"--cni", "custom", "--existing", "--kubeconfig", "kc"}, "custom", "custom"},
		{[]string{"--cni", "custom", "--existing", "--kubeconfig", "kc", "--cni-name", "my-cni", "--cni-version", "v0.3"}, "my-cni", "my-cni@v0.3"},
		{[]string{"--cni", "kube-router", "--existing", "--kubeconfig", "kc", "--cni-version", "v1.3.2-patched"}, "kube-router", "kube-router@v1.3.2-patched"},
	}
	for _, tt := range tests {
		f, err := parseRunFlags(tt.args, streams{Err: &bytes.Buffer{}})
		if err != nil {
			t.Fatal(err)
		}
		r := &runner{f: f, ph: &phases{w: &bytes.Buffer{}}}
		if r.c, err = r.cluster(mustProfile(t, f.cni)); err != nil {
			t.Fatal(err)
		}
		version := r.cniVersion(context.Background())
		if got := (reports.CNI{Name: f.reportedName(), Version: version}).String(); got != tt.want {
			t.Errorf("%v: the reports name %q, want %q", tt.args, got, tt.want)
		}
		args := r.suiteArgs(version, "results.json")
		if !slices.Contains(args, "--cni="+tt.name) || !slices.Contains(args, "--cni-version="+version) {
			t.Errorf("%v: suite args %v lack --cni=%s --cni-version=%s", tt.args, args, tt.name, version)
		}
	}
}

// TestRunSuiteOutput: the suite's progress lines (its stderr) reach cnpc's stderr; Ginkgo's own
// output (the suite's stdout) goes to ginkgo.log in the output directory, and its end is shown
// when the suite fails.
func TestRunSuiteOutput(t *testing.T) {
	t.Parallel()
	for _, fails := range []bool{false, true} {
		dir := t.TempDir()
		suite := filepath.Join(dir, "netpol.test")
		script := "#!/bin/sh\necho 'SSSSSS Ginkgo ran 1 of 85 specs'\necho 'case 1/1 three-tier: step 1/1, 100 probes' >&2\n"
		if fails {
			script += "echo 'FAIL! -- 0 Passed | 1 Failed'\nexit 1\n"
		}
		if err := os.WriteFile(suite, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := parseRunFlags([]string{"--cni", "kube-router", "--existing", "--kubeconfig", "kc", "--out-dir", dir}, streams{Err: &bytes.Buffer{}})
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		r := &runner{f: f, s: streams{Out: &bytes.Buffer{}, Err: &stderr}, suite: suite, ph: &phases{w: &stderr}}
		if r.c, err = r.cluster(mustProfile(t, "kube-router")); err != nil {
			t.Fatal(err)
		}
		err = r.runSuite(context.Background(), "v1.3.2", filepath.Join(dir, "results.json"))
		if (err != nil) != fails {
			t.Fatalf("fails %v: runSuite: %v", fails, err)
		}
		log, _ := os.ReadFile(filepath.Join(dir, "ginkgo.log"))
		if !strings.HasPrefix(string(log), "SSSSSS Ginkgo ran 1 of 85 specs\n") || strings.Contains(string(log), "case 1/1") {
			t.Errorf("ginkgo.log = %q, want Ginkgo's output only", log)
		}
		if !strings.Contains(stderr.String(), "case 1/1 three-tier: step 1/1, 100 probes\n") || strings.Contains(stderr.String(), "SSSSSS") {
			t.Errorf("stderr = %q, want the progress line and no Ginkgo output", stderr.String())
		}
		if fails && !strings.Contains(err.Error(), "the end of Ginkgo's output ("+filepath.Join(dir, "ginkgo.log")+"):\nSSSSSS Ginkgo ran 1 of 85 specs\nFAIL! -- 0 Passed | 1 Failed") {
			t.Errorf("error %q, want the end of the log", err)
		}
	}
}
