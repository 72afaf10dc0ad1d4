package netpol

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cnpc-dev/cnpc/reports"
)

func comparison(mismatches int) *Comparison {
	return &Comparison{Counts: map[reports.Class]int{reports.Match: 3, reports.Mismatch: mismatches}, Cells: make([]Judged, 3+mismatches)}
}

// fakeClock is simulated time: a round takes roundTime, a pause advances it.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) Pause(_ context.Context, d time.Duration) error {
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

const roundTime = 500 * time.Millisecond

// scripted returns a round function over clk whose round starting at simulated time t (from
// the start) has mismatches(t) mismatching cells.
func scripted(clk *fakeClock, mismatches func(t time.Duration) int) func(context.Context) (*Comparison, error) {
	start := clk.now
	return func(context.Context) (*Comparison, error) {
		n := mismatches(clk.now.Sub(start))
		clk.now = clk.now.Add(roundTime)
		c := comparison(n)
		if n > 0 {
			c.Cells[0] = Judged{Key: CellKey{From: "x/a", To: "x/b"}, Class: reports.Mismatch}
		}
		return c, nil
	}
}

// from returns a script that mismatches before t0 and matches after.
func from(t0 time.Duration) func(time.Duration) int {
	return func(t time.Duration) int {
		if t < t0 {
			return 1
		}
		return 0
	}
}

func TestConverge(t *testing.T) {
	t.Parallel()
	s := time.Second
	tests := []struct {
		name    string
		script  func(time.Duration) int
		timeout time.Duration
		window  Window
		// want
		converged, stable, flipped bool
		polls                      int
		verdict                    reports.Verdict
	}{
		{"matches at once, then one confirming round (no window)", from(0), s, Window{}, true, true, false, 2, reports.Pass},
		{"matches on the third round", from(s), 5 * s, Window{}, true, true, false, 4, reports.Pass},
		// The window counts from the end of the first matching round (0.5 s): rounds start every
		// 0.5 s, and the first to start at or after 2.5 s closes it.
		{"matches at once and holds a 2 s window", from(0), 30 * s, Window{Length: 2 * s}, true, true, false, 6, reports.Pass},
		{"the window runs past the converge timeout", from(0), s, Window{Length: 3 * s}, true, true, false, 8, reports.Pass},
		{"a flip during the window", func(t time.Duration) int {
			if t >= 1500*time.Millisecond && t < 2*s {
				return 1
			}
			return 0
		}, 30 * s, Window{Length: 2 * s}, true, false, true, 4, reports.Flaky},
		{"a flip right after the first match, then matches again", func(t time.Duration) int {
			if t == roundTime {
				return 1
			}
			return 0
		}, 30 * s, Window{Length: 2 * s}, true, false, true, 2, reports.Flaky},
		{"late enforcement after a no-change step: caught by the settle time", func(t time.Duration) int {
			if t >= 3*s {
				return 1 // the CNI acts (wrongly) 3 s after the change
			}
			return 0
		}, 30 * s, Window{Settle: 4 * s, Length: 2 * s}, true, false, true, 7, reports.Flaky},
		{"late enforcement after a no-change step: missed without a window", func(t time.Duration) int {
			if t >= 3*s {
				return 1
			}
			return 0
		}, 30 * s, Window{}, true, true, false, 2, reports.Pass},
		{"never matches before the deadline", from(time.Hour), 2 * s, Window{Length: 2 * s}, false, false, false, 5, reports.Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := &fakeClock{now: time.Unix(0, 0)}
			c, err := converge(context.Background(), clk, tt.timeout, tt.window, scripted(clk, tt.script))
			if err != nil {
				t.Fatal(err)
			}
			if c.Converged != tt.converged || c.Stable != tt.stable || (len(c.Flipped) > 0) != tt.flipped {
				t.Errorf("converged %v stable %v flipped %v, want %v %v %v", c.Converged, c.Stable, len(c.Flipped) > 0, tt.converged, tt.stable, tt.flipped)
			}
			if c.Polls != tt.polls {
				t.Errorf("polls %d, want %d", c.Polls, tt.polls)
			}
			if got := StepVerdict(c); got != tt.verdict {
				t.Errorf("verdict %s, want %s", got, tt.verdict)
			}
			if tt.stable && clk.now.Sub(time.Unix(0, 0)) < tt.window.End(c.Time) {
				t.Errorf("stable after %s, before the window closed at %s", clk.now.Sub(time.Unix(0, 0)), tt.window.End(c.Time))
			}
			if !tt.converged && c.Time < tt.timeout {
				t.Errorf("gave up after %s, want at least the %s timeout", c.Time, tt.timeout)
			}
		})
	}
}

// TestConvergeErrorAfterMatch: a round of probe errors after a match is no flip: it restarts the
// window, and the step passes once a whole window of matching rounds follows it; errors that
// never stop make the step an error, with nothing flipped (an error says nothing about policy).
func TestConvergeErrorAfterMatch(t *testing.T) {
	t.Parallel()
	run := func(bad func(i int) bool) (Convergence, time.Duration) {
		clk := &fakeClock{now: time.Unix(0, 0)}
		i := 0
		c, err := converge(context.Background(), clk, 10*time.Second, Window{Length: 2 * time.Second}, func(context.Context) (*Comparison, error) {
			i++
			clk.now = clk.now.Add(roundTime)
			if bad(i) {
				return &Comparison{Counts: map[reports.Class]int{reports.Match: 2, reports.ClassError: 1}, Cells: make([]Judged, 3)}, nil
			}
			return comparison(0), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return c, clk.now.Sub(time.Unix(0, 0))
	}
	c, took := run(func(i int) bool { return i == 2 })
	if !c.Stable || len(c.Flipped) != 0 || c.ErrorRounds != 1 || StepVerdict(c) != reports.Pass {
		t.Errorf("one error round: stable %v flipped %d error rounds %d verdict %s, want true 0 1 pass", c.Stable, len(c.Flipped), c.ErrorRounds, StepVerdict(c))
	}
	if took < time.Second+2*time.Second {
		t.Errorf("passed after %s: the window must start again after the error round (1 s)", took)
	}
	c, _ = run(func(i int) bool { return i >= 2 })
	if c.Stable || len(c.Flipped) != 0 || StepVerdict(c) != reports.Error {
		t.Errorf("errors from then on: stable %v flipped %d verdict %s, want false 0 error", c.Stable, len(c.Flipped), StepVerdict(c))
	}
}

func TestConvergeStopsOnRoundError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	_, err := Converge(context.Background(), time.Second, Window{}, func(context.Context) (*Comparison, error) { return nil, boom })
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
		{"flaky is not a pass", map[reports.Class]int{reports.ClassFlaky: 1, reports.Match: 3}, 4, reports.Flaky},
		{"flaky is not an error either", map[reports.Class]int{reports.ClassFlaky: 1, reports.ClassError: 1, reports.Match: 2}, 4, reports.Flaky},
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
