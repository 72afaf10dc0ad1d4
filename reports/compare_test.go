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
