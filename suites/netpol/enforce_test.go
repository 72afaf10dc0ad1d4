package netpol

import (
	"testing"
	"time"
)

func TestEnforcementWindow(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	e := &Enforcement{Floor: 2 * time.Second, Longest: 10 * time.Second, Cap: 30 * time.Second}
	if got, want := e.Window(false), (Window{Length: 2 * time.Second}); got != want {
		t.Errorf("no data: %+v, want %+v", got, want)
	}
	for _, d := range []time.Duration{300 * ms, 500 * ms, 400 * ms} {
		e.Add(d)
	}
	if got, want := e.Window(false), (Window{Settle: 500 * ms, Length: 2 * time.Second}); got != want {
		t.Errorf("fast CNI, no-change step: %+v, want %+v (the floor, after the slowest)", got, want)
	}
	if got, want := e.Window(true), (Window{Length: 2 * time.Second}); got != want {
		t.Errorf("fast CNI, a step that changes the prediction: %+v, want %+v (from its first match)", got, want)
	}
	e.Add(1500 * ms)
	if got, want := e.Window(false), (Window{Settle: 1500 * ms, Length: 3 * time.Second}); got != want {
		t.Errorf("a slower enforcement: %+v, want %+v (twice the p95)", got, want)
	}
	e.Add(time.Minute)
	if got, want := e.Window(false), (Window{Settle: 30 * time.Second, Length: 10 * time.Second}); got != want {
		t.Errorf("capped: %+v, want %+v", got, want)
	}
}
