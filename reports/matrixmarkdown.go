package reports

import (
	"bufio"
	"fmt"
	"io"
)

// WriteMatrixMarkdown writes the support matrix as Markdown: a table of features x CNIs whose
// cells link to the failures listed under it, then the failures per CNI and feature.
func WriteMatrixMarkdown(w io.Writer, m *Matrix) error {
	b := bufio.NewWriter(w)
	if text := syntheticMatrixBanner(m); text != "" {
		fmt.Fprintf(b, "> **%s** — %s\n\n", syntheticHeading, mdEscape(text))
	}
	b.WriteString("# cnpc NetworkPolicy support matrix\n\n")
	b.WriteString("Pass rate of the judged cases (pass, fail, error) per feature. Unsupported, implementation-defined and skipped cases are never counted as passes; a cell with none judged says what they were. Empty: no case of the run has the feature.\n\n")
	if diff := m.ScopeWarning(); len(diff) > 0 {
		b.WriteString("> **The columns have different scopes**, so their pass rates do not compare:\n")
		for _, d := range diff {
			fmt.Fprintf(b, "> - %s\n", mdEscape(d))
		}
		b.WriteString("\n")
	}
	b.WriteString("| feature |")
	for _, c := range m.CNIs {
		fmt.Fprintf(b, " %s |", mdEscape(c.Label()))
	}
	b.WriteString("\n|---|")
	for range m.CNIs {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for i, f := range m.Features {
		fmt.Fprintf(b, "| %s |", f)
		for j, cell := range m.Cells[i] {
			text := cell.Text()
			if len(cell.Failing) > 0 {
				text = fmt.Sprintf("[%s](#%s)", text, anchor(m.CNIs[j].CNI, f))
			}
			fmt.Fprintf(b, " %s |", text)
		}
		b.WriteString("\n")
	}
	b.WriteString("| **all cases** |")
	for _, c := range m.CNIs {
		fmt.Fprintf(b, " **%s** |", MatrixCell{Counts: c.Total, PartlyUnsupported: c.PartlyUnsupported}.Text())
	}
	b.WriteString("\n| implementation-defined |")
	for _, c := range m.CNIs {
		fmt.Fprintf(b, " %d cells in %d cases |", c.Judging.ImplDefinedCells, c.Judging.ImplDefinedCases)
	}
	b.WriteString("\n| time to enforce |")
	for _, c := range m.CNIs {
		fmt.Fprintf(b, " %s |", mdEscape(c.Judging.Enforce.String()))
	}
	b.WriteString("\n\n")
	for _, l := range m.RowLegends() {
		fmt.Fprintf(b, "**%s**: %s\n\n", l.Row, mdEscape(l.Text))
	}
	for _, c := range m.CNIs {
		fmt.Fprintf(b, "- **%s**: Kubernetes %s, %d nodes, %s, kernel %s, cnpc %s, run %s", mdEscape(c.Label()),
			orDash(c.Cluster.KubernetesVersion), c.Cluster.Nodes, orDash(c.Cluster.IPFamily), orDash(c.Cluster.Kernel),
			orDash(c.Tool.Version), c.Date)
		if c.Synthetic != "" {
			fmt.Fprintf(b, "; synthetic: %s", mdEscape(c.Synthetic))
		}
		fmt.Fprintf(b, "; scope: %s", mdEscape(c.Scope.Line()))
		if why := c.Scope.Partial(); why != "" {
			fmt.Fprintf(b, "; **partial**: %s", mdEscape(why))
		}
		fmt.Fprintf(b, "\n  - judged with %s\n", mdEscape(c.Judging.String()))
	}
	writeMatrixFailures(b, m)
	return b.Flush()
}

func writeMatrixFailures(b *bufio.Writer, m *Matrix) {
	header := false
	for j, c := range m.CNIs {
		cniHeader := false
		for i, f := range m.Features {
			cell := m.Cells[i][j]
			if len(cell.Failing) == 0 {
				continue
			}
			if !header {
				b.WriteString("\n## Failures\n")
				header = true
			}
			if !cniHeader {
				fmt.Fprintf(b, "\n### %s\n\n", mdEscape(c.Label()))
				cniHeader = true
			}
			fmt.Fprintf(b, "- <a id=\"%s\"></a>**%s**:", anchor(c.CNI, f), f)
			for k, fl := range cell.Failing {
				sep := ","
				if k == 0 {
					sep = ""
				}
				fmt.Fprintf(b, "%s `%s` (%s: %s)", sep, fl.Case, fl.Verdict, mdEscape(fl.Message))
			}
			b.WriteString("\n")
		}
	}
}
