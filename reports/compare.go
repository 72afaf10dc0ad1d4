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
}

// ComparedRun is what the comparison says of one run.
type ComparedRun struct {
	Label    string
	CNI      string
	Suite    time.Duration
	Lanes    int
	Verdicts map[Verdict]int
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
	out := ComparedRun{Label: label, CNI: strings.TrimSpace(r.CNI.Name + " " + r.CNI.Version), Suite: r.End.Sub(r.Start), Lanes: max(r.Options.Lanes, 1), Verdicts: map[Verdict]int{}}
	for _, c := range r.Cases {
		out.Verdicts[c.Verdict]++
	}
	return out
}

// Agree reports whether both runs have the same cases with the same verdicts.
func (c Comparison) Agree() bool {
	return len(c.Changed) == 0 && len(c.OnlyA) == 0 && len(c.OnlyB) == 0
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
	}
	if ratio := c.Ratio(); ratio > 0 {
		fmt.Fprintf(&b, "suite time %s / %s: %.2f\n", c.A.Label, c.B.Label, ratio)
	}
	fmt.Fprintf(&b, "%s with the same verdict, %d changed, %d only in %s, %d only in %s\n",
		plural(c.Same, "case"), len(c.Changed), len(c.OnlyA), c.A.Label, len(c.OnlyB), c.B.Label)
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
