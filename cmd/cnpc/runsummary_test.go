package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/reports"
)

func summaryRun(verdicts ...reports.Verdict) *reports.Run {
	run := &reports.Run{CNI: reports.CNI{Name: "kube-router", Version: "v1.3.2"}, Unsupported: []string{"sctp: kernel has no SCTP"}}
	for i, v := range verdicts {
		c := reports.Case{Name: "case-" + string(rune('a'+i)), Verdict: v, Features: []cases.Feature{cases.FeatureIngress}}
		if i%2 == 0 {
			c.Features = append(c.Features, cases.FeatureEgress)
		}
		for j := 0; j <= i; j++ {
			c.Steps = append(c.Steps, reports.Step{Verdict: v, ConvergeTime: reports.Duration(time.Duration(100*(i+j+1)) * time.Millisecond)})
		}
		run.Cases = append(run.Cases, c)
	}
	return run
}

func TestWriteSummary(t *testing.T) {
	t.Parallel()
	run := summaryRun(reports.Pass, reports.Fail, reports.Pass, reports.Unsupported)
	run.End = run.Start.Add(70 * time.Second)
	run.Options.Lanes = 4
	var b bytes.Buffer
	if err := writeSummary(&b, run, reports.Summarize(run), 83*time.Second); err != nil {
		t.Fatal(err)
	}
	// Steps converge in 100ms; 200,300ms; 300,400,500ms; 400..700ms: ten values, median 400ms.
	want := `cnpc run: kube-router@v1.3.2, 4 cases in 1m23s (4 lanes); the suite 1m10s
  pass 2  fail 1  unsupported 1  
  pass rate 66.7% of 3 judged cases
  10 steps, median time to converge 400ms
  ingress                     pass 2  fail 1  unsupported 1  
  egress                      pass 2  
  fail  case-b
  unsupported here: sctp: kernel has no SCTP
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestSummaryExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		verdicts []reports.Verdict
		notRun   []string // selected cases with no result
		want     int
	}{
		{"all pass", []reports.Verdict{reports.Pass, reports.Unsupported}, nil, exitOK},
		{"a mismatch", []reports.Verdict{reports.Pass, reports.Fail, reports.Error}, nil, exitMismatch},
		{"could not check", []reports.Verdict{reports.Pass, reports.Error}, nil, exitEnvironment},
		{"stopped early", []reports.Verdict{reports.Pass, reports.Pass}, []string{"case-z"}, exitEnvironment},
		{"stopped early after a mismatch", []reports.Verdict{reports.Fail}, []string{"case-y", "case-z"}, exitMismatch},
		{"a flaky case is no pass", []reports.Verdict{reports.Pass, reports.Flaky}, nil, exitMismatch},
		{"interrupted", []reports.Verdict{reports.Pass, reports.Fail}, []string{"case-z"}, exitEnvironment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := dir + "/results.json"
			run := summaryRun(tt.verdicts...)
			if err := reports.Write(path, run); err != nil {
				t.Fatalf("fixture: %v", err)
			}
			var sel selection
			for _, c := range run.Cases {
				sel.names = append(sel.names, c.Name)
			}
			sel.names = append(sel.names, tt.notRun...)
			r := &runner{f: &runFlags{out: dir}, s: streams{Out: &bytes.Buffer{}}, ph: &phases{w: &bytes.Buffer{}, now: time.Now}}
			ctx, cancel := context.WithCancelCause(context.Background())
			interrupted := tt.name == "interrupted"
			if interrupted {
				cancel(errors.New("interrupt"))
			}
			defer cancel(nil)
			if got := exitCode(r.summarise(ctx, path, sel, nil, time.Second)); got != tt.want {
				t.Errorf("exit code = %d, want %d", got, tt.want)
			}
			// The reports list every selected case, those that never ran as errors.
			written, err := reports.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(written.Cases); got != len(sel.names) {
				t.Errorf("results.json has %d cases, want the %d selected", got, len(sel.names))
			}
			// An interrupted run says so, and the cases it never reached are skipped, not errors.
			if (written.Interrupted != "") != interrupted {
				t.Errorf("results.json interrupted %q, want it set: %v", written.Interrupted, interrupted)
			}
			for _, c := range written.Cases[len(run.Cases):] {
				if want := map[bool]reports.Verdict{true: reports.Skipped, false: reports.Error}[interrupted]; c.Verdict != want {
					t.Errorf("never-run case %s: %s, want %s", c.Name, c.Verdict, want)
				}
			}
			// Every run leaves every report, whatever its verdict.
			for _, f := range reports.Formats {
				if st, err := os.Stat(filepath.Join(dir, f.FileName())); err != nil || st.Size() == 0 {
					t.Errorf("%s after summarise: %v (want a non-empty file)", f.FileName(), err)
				}
			}
		})
	}
}
