package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Comparison sets two runs side by side, case by case: which verdicts changed, which cases only
// one of them has, and how long each took. It answers "did this change, or this setting, change
// any verdict?" (two consecutive runs, one lane against several, a regrade).
type Comparison struct {
	A, B ComparedRun
	// Changed lists the cases both runs have whose verdicts differ, in A's order.
	Changed []VerdictChange
	// Same counts the cases both runs have with one verdict.
	Same int
	// OnlyA and OnlyB are the cases one run has and the other has not.
	OnlyA, OnlyB []string
	// NotRunA and NotRunB are the cases one run skipped (a run cut short records the cases it
	// never reached as skipped) and the other gave a verdict: not a changed verdict, and not an
	// agreement either.
	NotRunA, NotRunB []string
}

// ComparedRun is what the comparison says of one run.
type ComparedRun struct {
	Label    string
	CNI      string
	Suite    time.Duration
	Lanes    int
	Verdicts map[Verdict]int
	// Interrupted is the run's own note when it was cut short.
	Interrupted string
	// Time says where the cases' time went.
	Time TimeSplit
}

// TimeSplit divides the time of a run's cases, summed over the cases (with lanes the sum exceeds
// the suite's time): what a faster machine, or more lanes, could shorten and what the verdicts'
// own rules (the stability window) cost whatever the machine.
type TimeSplit struct {
	// Cases is the sum of the cases' durations.
	Cases time.Duration
	// Converging sums the steps' ConvergeTime: until the first matching round, or the converge
	// timeout for a step that never matched.
	Converging time.Duration
	// Windows sums the stability windows the steps held to their end (matched, not flaky).
	Windows time.Duration
}

// Rest is what the cases spent outside converging and windows: topologies, baselines, applying
// policies, settling and the rounds that straddle a window's end.
func (t TimeSplit) Rest() time.Duration { return max(t.Cases-t.Converging-t.Windows, 0) }

func timeSplit(r *Run) TimeSplit {
	var t TimeSplit
	for _, c := range r.Cases {
		t.Cases += time.Duration(c.Duration)
		for _, st := range c.Steps {
			t.Converging += time.Duration(st.ConvergeTime)
			if st.Matched && st.Verdict != Flaky && st.Verdict != Error {
				t.Windows += time.Duration(st.Window)
			}
		}
	}
	return t
}

// VerdictChange is one case whose verdict differs between the two runs.
type VerdictChange struct {
	Case   string
	A, B   Verdict
	Reason string // B's reason, or A's when B has none
}

// Compare compares run a (labelled la) with run b (lb).
func Compare(a, b *Run, la, lb string) Comparison {
	cmp := Comparison{A: compared(a, la), B: compared(b, lb)}
	inB := map[string]Case{}
	for _, c := range b.Cases {
		inB[c.Name] = c
	}
	inA := map[string]bool{}
	for _, ca := range a.Cases {
		inA[ca.Name] = true
		cb, ok := inB[ca.Name]
		switch {
		case !ok:
			cmp.OnlyA = append(cmp.OnlyA, ca.Name)
		case ca.Verdict == cb.Verdict:
			cmp.Same++
		case ca.Verdict == Skipped:
			cmp.NotRunA = append(cmp.NotRunA, ca.Name)
		case cb.Verdict == Skipped:
			cmp.NotRunB = append(cmp.NotRunB, ca.Name)
		default:
			reason := cb.Reason
			if reason == "" {
				reason = ca.Reason
			}
			cmp.Changed = append(cmp.Changed, VerdictChange{Case: ca.Name, A: ca.Verdict, B: cb.Verdict, Reason: reason})
		}
	}
	for _, c := range b.Cases {
		if !inA[c.Name] {
			cmp.OnlyB = append(cmp.OnlyB, c.Name)
		}
	}
	return cmp
}

func compared(r *Run, label string) ComparedRun {
	out := ComparedRun{Label: label, CNI: strings.TrimSpace(r.CNI.Name + " " + r.CNI.Version), Suite: r.End.Sub(r.Start), Lanes: max(r.Options.Lanes, 1), Verdicts: map[Verdict]int{}, Interrupted: r.Interrupted, Time: timeSplit(r)}
	for _, c := range r.Cases {
		out.Verdicts[c.Verdict]++
	}
	return out
}

// Agree reports whether both runs ran the same cases and gave them the same verdicts.
func (c Comparison) Agree() bool {
	return len(c.Changed) == 0 && len(c.OnlyA) == 0 && len(c.OnlyB) == 0 && len(c.NotRunA) == 0 && len(c.NotRunB) == 0
}

// Ratio is how many times longer A's suite took than B's (0 when B's took no time).
func (c Comparison) Ratio() float64 {
	if c.B.Suite <= 0 {
		return 0
	}
	return float64(c.A.Suite) / float64(c.B.Suite)
}

// Write writes the comparison as plain text.
func (c Comparison) Write(w io.Writer) error {
	var b strings.Builder
	for _, r := range []ComparedRun{c.A, c.B} {
		cni := r.CNI
		if cni == "" {
			cni = "unnamed CNI"
		}
		fmt.Fprintf(&b, "%s: %s, %s, suite %s, %s\n", r.Label, cni, plural(r.Lanes, "lane"), r.Suite.Round(time.Second), verdictCounts(r.Verdicts))
		if r.Interrupted != "" {
			fmt.Fprintf(&b, "%s was cut short: %s\n", r.Label, r.Interrupted)
		}
		if t := r.Time; t.Cases > 0 {
			fmt.Fprintf(&b, "%s: the cases took %s (summed over lanes): converging %s, stability windows %s, the rest %s (set-up, baselines, settling)\n",
				r.Label, t.Cases.Round(time.Second), t.Converging.Round(time.Second), t.Windows.Round(time.Second), t.Rest().Round(time.Second))
		}
	}
	if ratio := c.Ratio(); ratio > 0 {
		fmt.Fprintf(&b, "suite time %s / %s: %.2f\n", c.A.Label, c.B.Label, ratio)
	}
	fmt.Fprintf(&b, "%s with the same verdict, %d changed, %d only in %s, %d only in %s\n",
		plural(c.Same, "case"), len(c.Changed), len(c.OnlyA), c.A.Label, len(c.OnlyB), c.B.Label)
	for _, nr := range []struct {
		label string
		names []string
	}{{c.A.Label, c.NotRunA}, {c.B.Label, c.NotRunB}} {
		if len(nr.names) > 0 {
			fmt.Fprintf(&b, "%s not run in %s (skipped there, judged in the other): %s\n", plural(len(nr.names), "case"), nr.label, SomeNames(nr.names, 8))
		}
	}
	for _, ch := range c.Changed {
		fmt.Fprintf(&b, "  changed  %s: %s -> %s", ch.Case, ch.A, ch.B)
		if ch.Reason != "" {
			fmt.Fprintf(&b, " (%s)", oneLine(ch.Reason, 160))
		}
		b.WriteString("\n")
	}
	for _, n := range c.OnlyA {
		fmt.Fprintf(&b, "  only in %s: %s\n", c.A.Label, n)
	}
	for _, n := range c.OnlyB {
		fmt.Fprintf(&b, "  only in %s: %s\n", c.B.Label, n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// SomeNames lists at most n names, then how many more.
func SomeNames(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

func verdictCounts(m map[Verdict]int) string {
	var parts []string
	for _, v := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", v, m[v]))
	}
	return strings.Join(parts, ", ")
}

func oneLine(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > n {
		return string(r[:n]) + "..."
	}
	return string(r)
}
