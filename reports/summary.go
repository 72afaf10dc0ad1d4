package reports

import (
	"slices"

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

// FeatureSummary counts the verdicts of the cases under one row: the cases tagged with a feature,
// or, for FeatureService, the cases probed through Services, each with its verdict on those
// connections alone.
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
	// Features lists the features the run's cases carry, in the order of cases.Features, then
	// FeatureService when some case was probed through Services: the rows of the support matrix.
	Features []FeatureSummary
}

// Summarize counts the run's verdicts. A case counts once in the total and once under each row it
// counts in, with its verdict there (Case.rowVerdicts, from which the matrix counts too).
func Summarize(r *Run) Summary {
	s := Summary{Counts: Counts{}}
	per := map[cases.Feature]*FeatureSummary{}
	for _, c := range r.Cases {
		s.Counts[c.Verdict]++
		if c.PartlyUnsupported() {
			s.PartlyUnsupported++
		}
		for _, rv := range c.rowVerdicts() {
			if per[rv.row] == nil {
				per[rv.row] = &FeatureSummary{Feature: rv.row, Counts: Counts{}}
			}
			per[rv.row].add(rv)
		}
	}
	for _, f := range rowOrder {
		if per[f] != nil {
			s.Features = append(s.Features, *per[f])
		}
	}
	return s
}

// RowLegends explain the summary's rows that are not features of the catalog, in row order.
func (s Summary) RowLegends() []RowLegend {
	for _, f := range s.Features {
		if f.Feature == FeatureService {
			return []RowLegend{{FeatureService, serviceRowLegend}}
		}
	}
	return nil
}

// add counts a case's verdict under the summary's row.
func (fs *FeatureSummary) add(rv rowVerdict) {
	fs.Counts[rv.verdict]++
	if rv.partly {
		fs.PartlyUnsupported++
	}
}

// rowOrder is the order of the per-feature rows: the catalog's features, then FeatureService.
var rowOrder = append(slices.Clone(cases.Features), FeatureService)

// rowVerdict is a case's verdict under one row of the per-feature counts; partly says it is a
// pass with cells unsupported here.
type rowVerdict struct {
	row     cases.Feature
	verdict Verdict
	partly  bool
}

// rowVerdicts are the case's verdicts under each row it counts in: each of its features
// (Case.FeatureVerdict), then FeatureService when it has Service cells (Case.ServiceVerdict). The
// run reports and the matrix both count from them, so the two cannot disagree.
func (c Case) rowVerdicts() []rowVerdict {
	out := make([]rowVerdict, 0, len(c.Features)+1)
	for _, f := range c.Features {
		v := c.FeatureVerdict(f)
		out = append(out, rowVerdict{f, v, v == Pass && c.PartlyUnsupported()})
	}
	if v, ok := c.ServiceVerdict(); ok {
		out = append(out, rowVerdict{FeatureService, v, c.ServicePartlyUnsupported()})
	}
	return out
}

// rowNames are the names of the rows the case counts in: its features, then "service" when it was
// probed through Services.
func (c Case) rowNames() []string {
	rows := c.rowVerdicts()
	out := make([]string, len(rows))
	for i, rv := range rows {
		out[i] = string(rv.row)
	}
	return out
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
