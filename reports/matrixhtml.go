package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed html/matrix.tmpl
var matrixTemplate string

var matrixPage = template.Must(template.New("matrix").Parse(matrixTemplate))

type htmlMatrix struct {
	M *Matrix
	// Synthetic is the banner shown when any column is synthetic, else nil.
	Synthetic *htmlBanner
	Columns   []htmlMatrixColumn
	Rows      []htmlMatrixRow
	Totals    []htmlMatrixCell
	Failures  []htmlMatrixFailures
	// ScopeWarning lists how the columns' scopes differ (Matrix.ScopeWarning).
	ScopeWarning []string
	// RowLegends explain the rows that are not catalog features (Matrix.RowLegends).
	RowLegends []RowLegend
	CSS        template.CSS
	Guard      template.JS
}

// htmlMatrixColumn is one column heading: the CNI, and a mark when the column was built from a
// synthetic run.
type htmlMatrixColumn struct {
	CNI       string
	Synthetic bool
	Sub       string
	Judging   string
	// Scope is the run's scope on one line, Partial why it is partial ("" when it is not).
	Scope, Partial string
}

type htmlMatrixRow struct {
	Feature string
	Cells   []htmlMatrixCell
}

// htmlMatrixCell is one cell; Level picks its colour: all, most, some, none (of the judged cases
// passed), unsupported (nothing judged, some case unsupported here), unjudged or empty.
type htmlMatrixCell struct {
	Text, Level, Anchor string
}

type htmlMatrixFailures struct {
	CNI      string
	Features []htmlMatrixFeatureFailures
}

type htmlMatrixFeatureFailures struct {
	Anchor, Feature string
	Failing         []MatrixFailure
}

// WriteMatrixHTML writes the support matrix as one self-contained HTML page: coloured pass-rate
// cells that link to the list of failures below the table.
func WriteMatrixHTML(w io.Writer, m *Matrix) error {
	p := htmlMatrix{M: m, Synthetic: newHTMLBanner(syntheticMatrixBanner(m)), ScopeWarning: m.ScopeWarning(), RowLegends: m.RowLegends(),
		CSS: template.CSS(pageCSS), Guard: template.JS(guardJS)}
	for _, c := range m.CNIs {
		p.Columns = append(p.Columns, htmlMatrixColumn{CNI: c.CNI.String(), Synthetic: c.Synthetic != "",
			Sub: "Kubernetes " + c.Cluster.KubernetesVersion + " · " + c.Cluster.IPFamily + " · " + c.Date,
			Judging: fmt.Sprintf("grading %s · %d implementation-defined cells in %d cases · time to enforce %s",
				c.Judging.Grading, c.Judging.ImplDefinedCells, c.Judging.ImplDefinedCases, c.Judging.Enforce),
			Scope: c.Scope.Line(), Partial: c.Scope.Partial()})
	}
	for i, f := range m.Features {
		row := htmlMatrixRow{Feature: string(f)}
		for j, cell := range m.Cells[i] {
			hc := htmlMatrixCell{Text: cell.Text(), Level: level(cell.Counts)}
			if len(cell.Failing) > 0 {
				hc.Anchor = anchor(m.CNIs[j].CNI, f)
			}
			row.Cells = append(row.Cells, hc)
		}
		p.Rows = append(p.Rows, row)
	}
	for j, c := range m.CNIs {
		p.Totals = append(p.Totals, htmlMatrixCell{Text: MatrixCell{Counts: c.Total, PartlyUnsupported: c.PartlyUnsupported}.Text(), Level: level(c.Total)})
		hf := htmlMatrixFailures{CNI: c.Label()}
		for i, f := range m.Features {
			if cell := m.Cells[i][j]; len(cell.Failing) > 0 {
				hf.Features = append(hf.Features, htmlMatrixFeatureFailures{anchor(c.CNI, f), string(f), cell.Failing})
			}
		}
		if len(hf.Features) > 0 {
			p.Failures = append(p.Failures, hf)
		}
	}
	return matrixPage.Execute(w, p)
}

func level(c Counts) string {
	rate, ok := c.PassRate()
	switch {
	case c.Total() == 0:
		return "empty"
	case !ok && c[Unsupported] > 0:
		return "unsupported"
	case !ok:
		return "unjudged"
	case rate == 1:
		return "all"
	case rate >= 0.8:
		return "most"
	case rate > 0:
		return "some"
	}
	return "none"
}
