package netpol

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cnpc-dev/cnpc/reports"
)

func comparison(mismatches int) *Comparison {
	return &Comparison{Counts: map[reports.Class]int{reports.Match: 3, reports.Mismatch: mismatches}}
}

func TestConverge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                      string
		rounds                    []int // mismatches per round, the last repeating
		timeout                   time.Duration
		wantPolls                 int
		wantConverged, wantStable bool
	}{
		{"matches at once, then confirms", []int{0}, time.Second, 2, true, true},
		{"matches on the third round", []int{2, 1, 0}, 5 * time.Second, 4, true, true},
		{"matches, the confirmation differs, then two rounds match", []int{0, 1, 0, 0}, 5 * time.Second, 4, true, true},
		{"matches once, then never again", []int{0, 1}, 500 * time.Millisecond, 0, true, false},
		{"never matches before the deadline", []int{1}, 500 * time.Millisecond, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			i := 0
			round := func(context.Context) (*Comparison, error) {
				n := tt.rounds[min(i, len(tt.rounds)-1)]
				i++
				return comparison(n), nil
			}
			c, err := Converge(context.Background(), tt.timeout, round)
			if err != nil {
				t.Fatal(err)
			}
			if c.Converged != tt.wantConverged || c.Stable != tt.wantStable {
				t.Errorf("converged %v stable %v, want %v %v", c.Converged, c.Stable, tt.wantConverged, tt.wantStable)
			}
			if tt.wantPolls > 0 && c.Polls != tt.wantPolls {
				t.Errorf("polls %d, want %d", c.Polls, tt.wantPolls)
			}
			if !tt.wantConverged && (c.Time < tt.timeout || c.Polls < 2) {
				t.Errorf("gave up after %s and %d polls, want at least the %s timeout and more than one poll", c.Time, c.Polls, tt.timeout)
			}
			if c.Final != nil && c.Final.Converged() != (tt.wantConverged && tt.wantStable) {
				t.Errorf("final comparison converged %v, want the deciding round", c.Final.Converged())
			}
		})
	}
}

func TestConvergeStopsOnRoundError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	_, err := Converge(context.Background(), time.Second, func(context.Context) (*Comparison, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
}

func TestStepVerdict(t *testing.T) {
	t.Parallel()
	cells := func(n int) []Judged { return make([]Judged, n) }
	tests := []struct {
		name   string
		counts map[reports.Class]int
		cells  int
		want   reports.Verdict
	}{
		{"all match", map[reports.Class]int{reports.Match: 4}, 4, reports.Pass},
		{"match and unsupported", map[reports.Class]int{reports.Match: 2, reports.ClassUnsupported: 2}, 4, reports.Pass},
		{"all unsupported", map[reports.Class]int{reports.ClassUnsupported: 4}, 4, reports.Unsupported},
		{"mismatch wins over error", map[reports.Class]int{reports.Mismatch: 1, reports.ClassError: 1, reports.Match: 2}, 4, reports.Fail},
		{"error is not a pass", map[reports.Class]int{reports.ClassError: 1, reports.Match: 3}, 4, reports.Error},
		{"flaky is not a pass", map[reports.Class]int{reports.Flaky: 1, reports.Match: 3}, 4, reports.Error},
		{"implementation-defined", map[reports.Class]int{reports.ClassImplementationDefined: 1, reports.Match: 3}, 4, reports.ImplementationDefined},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := StepVerdict(Convergence{Final: &Comparison{Counts: tt.counts, Cells: cells(tt.cells)}})
			if got != tt.want {
				t.Errorf("StepVerdict = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCaseVerdict(t *testing.T) {
	t.Parallel()
	steps := func(vs ...reports.Verdict) []reports.Step {
		var out []reports.Step
		for _, v := range vs {
			out = append(out, reports.Step{Verdict: v})
		}
		return out
	}
	if got := CaseVerdict(steps(reports.Pass, reports.ImplementationDefined, reports.Pass)); got != reports.ImplementationDefined {
		t.Errorf("pass+implementation-defined = %s", got)
	}
	if got := CaseVerdict(steps(reports.Pass, reports.Fail, reports.Error)); got != reports.Fail {
		t.Errorf("pass+fail+error = %s", got)
	}
	if got := CaseVerdict(steps(reports.Pass, reports.Pass)); got != reports.Pass {
		t.Errorf("pass+pass = %s", got)
	}
}
