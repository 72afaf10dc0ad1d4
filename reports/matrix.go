package reports

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cnpc-dev/cnpc/cases"
)

// Matrix is the support matrix: features as rows, CNIs (name@version) as columns, each cell the
// verdicts of the cases with that feature in that CNI's run.
type Matrix struct {
	CNIs     []MatrixColumn
	Features []cases.Feature
	// Cells[f][c] is feature f in column c.
	Cells [][]MatrixCell
}

// MatrixColumn is one run: the CNI and what the run was made on. Synthetic is the run's
// Run.Synthetic: a column built from test data is labelled so (Label).
type MatrixColumn struct {
	CNI       CNI
	Synthetic string
	Cluster   Cluster
	Tool      Tool
	Date      string
	Total     Counts
	Judging   Judging
	// PartlyUnsupported is how many of the run's passes had unsupported cells.
	PartlyUnsupported int
	Scope             Scope
}

// MatrixCell counts one feature's verdicts in one run and names the cases that failed.
type MatrixCell struct {
	Counts Counts
	// PartlyUnsupported is how many of the passes counted had unsupported cells.
	PartlyUnsupported int
	Failing           []MatrixFailure
}

// MatrixFailure is one failing (fail, flaky or error) case of a matrix cell.
type MatrixFailure struct {
	Case    string
	Verdict Verdict
	Message string
}

// NewMatrix merges runs into a matrix, one column per run in the order given. Two runs of the
// same name@version are an error: the matrix could not say which one a cell comes from. The rows
// are those of the runs' per-feature counts (Summary.Features): the features the runs' cases carry,
// in the order of cases.Features, then FeatureService when some run probed through Services.
func NewMatrix(runs []*Run) (*Matrix, error) {
	m := &Matrix{}
	seen := map[string]int{}
	for i, r := range runs {
		if j, dup := seen[r.CNI.String()]; dup {
			return nil, fmt.Errorf("runs %d and %d are both of %s; give one run per CNI version", j+1, i+1, r.CNI)
		}
		seen[r.CNI.String()] = i
		sum := Summarize(r)
		m.CNIs = append(m.CNIs, MatrixColumn{CNI: r.CNI, Synthetic: r.Synthetic, Cluster: r.Cluster, Tool: r.Tool,
			Date: r.Start.UTC().Format("2006-01-02"), Total: sum.Counts, Judging: r.Judging(), PartlyUnsupported: sum.PartlyUnsupported, Scope: r.Scope()})
	}
	m.Features = matrixRows(runs)
	row := map[cases.Feature]int{}
	for i, f := range m.Features {
		row[f] = i
		m.Cells = append(m.Cells, make([]MatrixCell, len(runs)))
	}
	for col, r := range runs {
		for _, c := range r.Cases {
			for _, rv := range c.rowVerdicts() {
				m.Cells[row[rv.row]][col].add(c.Name, rv, func() string { return rowMessage(c, rv.row) })
			}
		}
	}
	for _, cells := range m.Cells {
		for _, cell := range cells {
			sort.SliceStable(cell.Failing, func(i, j int) bool { return cell.Failing[i].Case < cell.Failing[j].Case })
		}
	}
	return m, nil
}

// matrixRows are the rows the runs' cases count in (Case.rowVerdicts), in rowOrder.
func matrixRows(runs []*Run) []cases.Feature {
	present := map[cases.Feature]bool{}
	for _, r := range runs {
		for _, c := range r.Cases {
			for _, rv := range c.rowVerdicts() {
				present[rv.row] = true
			}
		}
	}
	var out []cases.Feature
	for _, f := range rowOrder {
		if present[f] {
			out = append(out, f)
		}
	}
	return out
}

// add counts a case's verdict rv in the cell; a pass with unsupported cells also counts as such. A
// failing verdict (fail, flaky, error) also lists the case, named name, with message.
func (cell *MatrixCell) add(name string, rv rowVerdict, message func() string) {
	if cell.Counts == nil {
		cell.Counts = Counts{}
	}
	cell.Counts[rv.verdict]++
	if rv.partly {
		cell.PartlyUnsupported++
	}
	if v := rv.verdict; v == Fail || v == Flaky || v == Error {
		cell.Failing = append(cell.Failing, MatrixFailure{name, v, message()})
	}
}

// RowLegend explains a row that is not a feature of the catalog.
type RowLegend struct {
	Row  cases.Feature
	Text string
}

// RowLegends explain the rows of the matrix that are not features of the catalog.
func (m *Matrix) RowLegends() []RowLegend {
	if !slices.Contains(m.Features, FeatureService) {
		return nil
	}
	return []RowLegend{{FeatureService, "the cases each run probed through every pod's ClusterIP Service as well as its IP, " +
		"judged on those connections alone. A case passes when none of them mismatched, was flaky or had a probe error and one that " +
		"decides the case (denied in some step) matched; a mismatch fails it, and flaky cells and probe errors count as for a case. " +
		"Empty: the run probed pod IPs only."}}
}

// ScopeWarning says how the columns' scopes differ, one line per part of the scope, or nil when
// they share one: their pass rates then do not compare.
func (m *Matrix) ScopeWarning() []string {
	labels := make([]string, len(m.CNIs))
	scopes := make([]Scope, len(m.CNIs))
	for i, c := range m.CNIs {
		labels[i], scopes[i] = c.CNI.String(), c.Scope
	}
	return scopeDifferences(labels, scopes)
}

// rowMessage is a one-line account of a case failing under row: serviceMessage under
// FeatureService, else caseMessage.
func rowMessage(c Case, row cases.Feature) string {
	if row == FeatureService {
		return serviceMessage(c)
	}
	return caseMessage(c)
}

// caseMessage is a one-line account of a failing case: the wrong cells, or the reason.
func caseMessage(c Case) string {
	if c.Verdict == Error {
		return c.Reason
	}
	return failureMessage(c)
}

// serviceMessage is a one-line account of a case failing under FeatureService: its wrong Service
// cells, e.g. "3 mismatched of 27 Service cells".
func serviceMessage(c Case) string {
	wrong, n := wrongCells(c, Cell.ThroughService)
	if wrong == "" {
		return "a step could not be probed"
	}
	return fmt.Sprintf("%s of %d Service cells", wrong, n)
}

// Text is the cell's short text: "83% (5/6)", "100% (5/5; 2 with unsupported cells)" when some
// passes had cells unsupported here, "n/a (2 unsupported)" when nothing was judged, or "" when no
// case of the run has the feature.
func (c MatrixCell) Text() string {
	if c.Counts.Total() == 0 {
		return ""
	}
	if rate, ok := c.Counts.PassRate(); ok {
		partly := ""
		if c.PartlyUnsupported > 0 {
			partly = fmt.Sprintf("; %d with unsupported cells", c.PartlyUnsupported)
		}
		return fmt.Sprintf("%s (%d/%d%s)", percent(rate), c.Counts[Pass], c.Counts.Judged(), partly)
	}
	var parts []string
	for _, v := range Verdicts {
		if n := c.Counts[v]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	return "n/a (" + strings.Join(parts, ", ") + ")"
}

// anchor is the fragment identifier of a cell's failures, e.g. "fail-flannel-v0-27-4-ingress".
func anchor(cni CNI, f cases.Feature) string {
	return "fail-" + htmlID(cni.String()+"-"+string(f))
}
