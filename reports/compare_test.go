package reports

import (
	"strings"
	"testing"
	"time"
)

func TestCompareListsEveryDifference(t *testing.T) {
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	a := &Run{Start: start, End: start.Add(10 * time.Minute), Cases: []Case{
		{Name: "same", Verdict: Pass}, {Name: "worse", Verdict: Pass}, {Name: "gone", Verdict: Fail},
	}}
	b := &Run{Start: start, End: start.Add(2 * time.Minute), Options: Options{Lanes: 4}, Cases: []Case{
		{Name: "worse", Verdict: Flaky, Reason: "step 1 matched, then disagreed"}, {Name: "same", Verdict: Pass}, {Name: "new", Verdict: Pass},
	}}
	cmp := Compare(a, b, "one lane", "four lanes")
	if cmp.Agree() || cmp.Same != 1 || len(cmp.Changed) != 1 || cmp.Changed[0].Case != "worse" || cmp.Changed[0].B != Flaky {
		t.Fatalf("comparison %+v", cmp)
	}
	if len(cmp.OnlyA) != 1 || cmp.OnlyA[0] != "gone" || len(cmp.OnlyB) != 1 || cmp.OnlyB[0] != "new" {
		t.Errorf("only in one: %v, %v", cmp.OnlyA, cmp.OnlyB)
	}
	if r := cmp.Ratio(); r != 5 {
		t.Errorf("ratio %v, expected 5", r)
	}
	var out strings.Builder
	if err := cmp.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"four lanes: unnamed CNI, 4 lanes, suite 2m0s", "suite time one lane / four lanes: 5.00", "changed  worse: pass -> flaky (step 1 matched", "only in one lane: gone", "only in four lanes: new"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !Compare(a, a, "a", "a").Agree() {
		t.Errorf("a run disagrees with itself")
	}
}

func TestCompareKeepsCasesARunNeverReachedApart(t *testing.T) {
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	full := &Run{Start: start, End: start.Add(time.Hour), Cases: []Case{
		{Name: "first", Verdict: Pass}, {Name: "second", Verdict: Fail}, {Name: "third", Verdict: Pass},
	}}
	cut := &Run{Start: start, End: start.Add(time.Minute), Interrupted: "interrupted (context canceled) after 1 of 3 cases", Cases: []Case{
		{Name: "first", Verdict: Pass},
		{Name: "second", Verdict: Skipped, Reason: "the run was interrupted"},
		{Name: "third", Verdict: Skipped, Reason: "the run was interrupted"},
	}}
	cmp := Compare(full, cut, "full", "cut")
	if len(cmp.Changed) != 0 || cmp.Same != 1 {
		t.Errorf("changed %v, same %d: a case never reached is no changed verdict", cmp.Changed, cmp.Same)
	}
	if len(cmp.NotRunB) != 2 || cmp.NotRunB[0] != "second" || len(cmp.NotRunA) != 0 {
		t.Errorf("not run: A %v, B %v", cmp.NotRunA, cmp.NotRunB)
	}
	if cmp.Agree() {
		t.Errorf("a run that never reached two cases agrees with one that judged them")
	}
	if back := Compare(cut, full, "cut", "full"); len(back.NotRunA) != 2 || len(back.NotRunB) != 0 || len(back.Changed) != 0 {
		t.Errorf("the other way round: %+v", back)
	}
	var out strings.Builder
	if err := cmp.Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cut was cut short: interrupted (context canceled) after 1 of 3 cases", "2 cases not run in cut (skipped there, judged in the other): second, third"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !Compare(cut, cut, "cut", "cut").Agree() {
		t.Errorf("a cut run disagrees with itself")
	}
}

func TestSomeNamesSaysHowManyItLeftOut(t *testing.T) {
	if got := SomeNames([]string{"a", "b", "c"}, 2); got != "a, b and 1 more" {
		t.Errorf("got %q", got)
	}
	if got := SomeNames([]string{"a", "b"}, 2); got != "a, b" {
		t.Errorf("got %q", got)
	}
}

func TestCompareSplitsTheCasesTime(t *testing.T) {
	sec := func(n int) Duration { return Duration(time.Duration(n) * time.Second) }
	r := &Run{Cases: []Case{
		{Name: "held", Verdict: Pass, Duration: sec(20), Steps: []Step{
			{ConvergeTime: sec(2), Matched: true, Window: sec(5), Verdict: Pass},
			{ConvergeTime: sec(1), Matched: true, Window: sec(5), Verdict: Pass},
		}},
		{Name: "flaky", Verdict: Flaky, Duration: sec(9), Steps: []Step{{ConvergeTime: sec(3), Matched: true, Window: sec(5), Verdict: Flaky}}},
		{Name: "never", Verdict: Fail, Duration: sec(32), Steps: []Step{{ConvergeTime: sec(30), Window: sec(5), Verdict: Fail}}},
	}}
	got := Compare(r, r, "A", "B").A.Time
	want := TimeSplit{Cases: 61 * time.Second, Converging: 36 * time.Second, Windows: 10 * time.Second}
	if got != want || got.Rest() != 15*time.Second {
		t.Errorf("time split %+v (rest %s), expected %+v (rest 15s): only windows held to their end count", got, got.Rest(), want)
	}
	var out strings.Builder
	if err := Compare(r, r, "A", "B").Write(&out); err != nil {
		t.Fatal(err)
	}
	if want := "A: the cases took 1m1s (summed over lanes): converging 36s, stability windows 10s, the rest 15s"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
}
