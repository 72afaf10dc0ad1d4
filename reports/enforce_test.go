package reports

import (
	"testing"
	"time"
)

func TestTimesToEnforce(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 20; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Second)
	}
	got := TimesToEnforce(ds)
	want := EnforceStats{N: 20, Median: Duration(10 * time.Second), P95: Duration(19 * time.Second), Max: Duration(20 * time.Second)}
	if got != want {
		t.Errorf("TimesToEnforce(1..20 s) = %+v, want %+v", got, want)
	}
	if got := TimesToEnforce(nil); got != (EnforceStats{}) {
		t.Errorf("no data: %+v", got)
	}
	r := &Run{Cases: []Case{{Steps: []Step{
		{Changed: true, Matched: true, Polls: 3, ConvergeTime: Duration(time.Second), Verdict: Pass},
		{Changed: false, Matched: true, Polls: 2, ConvergeTime: Duration(time.Millisecond), Verdict: Pass},
		{Changed: true, Matched: false, Polls: 9, ConvergeTime: Duration(30 * time.Second), Verdict: Fail},
	}}}}
	if got := r.Enforcement(); got.N != 1 || got.Max != Duration(time.Second) {
		t.Errorf("Run.Enforcement = %+v, want only the changed step that matched (1 s)", got)
	}
}
