package reports

import (
	"github.com/cnpc-dev/cnpc/cases"
)

// Counts holds how many cases had each verdict.
type Counts map[Verdict]int

// Total returns the number of cases counted.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Judged returns the number of cases whose verdict counts towards the pass rate.
func (c Counts) Judged() int {
	n := 0
	for v, k := range c {
		if v.Judged() {
			n += k
		}
	}
	return n
}

// PassRate returns passes over judged cases (pass, fail, error); ok is false when no case was
// judged. Unsupported, skipped and implementation-defined cases are never folded into the rate.
func (c Counts) PassRate() (rate float64, ok bool) {
	j := c.Judged()
	if j == 0 {
		return 0, false
	}
	return float64(c[Pass]) / float64(j), true
}

// FeatureSummary counts the verdicts of the cases tagged with one feature.
type FeatureSummary struct {
	Feature cases.Feature
	Counts  Counts
	// PartlyUnsupported is how many of the passes counted had unsupported cells.
	PartlyUnsupported int
}

// Summary counts a run's verdicts in total and per feature.
type Summary struct {
	Counts Counts
	// PartlyUnsupported is how many of the passes had unsupported cells (Case.PartlyUnsupported).
	PartlyUnsupported int
	// Features lists the features the run's cases carry, in the order of cases.Features.
	Features []FeatureSummary
}

// Summarize counts the run's verdicts. A case counts once in the total and once under each of its
// features, with its verdict for that feature (Case.FeatureVerdict).
func Summarize(r *Run) Summary {
	s := Summary{Counts: Counts{}}
	per := map[cases.Feature]*FeatureSummary{}
	for _, c := range r.Cases {
		s.Counts[c.Verdict]++
		if c.PartlyUnsupported() {
			s.PartlyUnsupported++
		}
		for _, f := range c.Features {
			if per[f] == nil {
				per[f] = &FeatureSummary{Feature: f, Counts: Counts{}}
			}
			per[f].add(c)
		}
	}
	for _, f := range cases.Features {
		if per[f] != nil {
			s.Features = append(s.Features, *per[f])
		}
	}
	return s
}

// add counts case c under the summary's feature.
func (fs *FeatureSummary) add(c Case) {
	v := c.FeatureVerdict(fs.Feature)
	fs.Counts[v]++
	if v == Pass && c.PartlyUnsupported() {
		fs.PartlyUnsupported++
	}
}

// Failing returns the cases whose verdict is fail or error, in run order.
func (r *Run) Failing() []Case {
	var out []Case
	for _, c := range r.Cases {
		if c.Verdict == Fail || c.Verdict == Error {
			out = append(out, c)
		}
	}
	return out
}
