package reports

import (
	"fmt"
	"strings"
)

// A synthetic run (Run.Synthetic set) is test data that no cluster produced. Every writer marks it
// where a reader or a screenshot would take it for a result: a banner at the top of the document
// and syntheticLabel after the run's name (the Markdown and HTML titles, the JUnit testsuite, the
// matrix column). The JSON keeps the field itself.

// syntheticLabel follows the name of a synthetic run: "calico@v3.30.2 (synthetic)".
const syntheticLabel = " (synthetic)"

// syntheticHeading starts every banner.
const syntheticHeading = "Synthetic test data"

// Label is the run's name as the writers show it: CNI.String(), with syntheticLabel for a
// synthetic run.
func (r *Run) Label() string { return label(r.CNI, r.Synthetic) }

// Label is the column heading: the CNI, with syntheticLabel when the run is synthetic and
// " (partial)" when it covers less than the whole catalog (Scope.Partial).
func (c MatrixColumn) Label() string {
	if c.Scope.Partial() != "" {
		return label(c.CNI, c.Synthetic) + partialLabel
	}
	return label(c.CNI, c.Synthetic)
}

// partialLabel marks the heading of a column whose run is partial.
const partialLabel = " (partial)"

func label(cni CNI, synthetic string) string {
	if synthetic == "" {
		return cni.String()
	}
	return cni.String() + syntheticLabel
}

// syntheticBanner is the text of a run's banner after syntheticHeading, or "" for a real run.
func syntheticBanner(r *Run) string {
	if r.Synthetic == "" {
		return ""
	}
	return "not a real run: " + r.Synthetic
}

// syntheticColumns returns the CNIs (name@version) of the matrix's synthetic columns, in column
// order.
func (m *Matrix) syntheticColumns() []string {
	var out []string
	for _, c := range m.CNIs {
		if c.Synthetic != "" {
			out = append(out, c.CNI.String())
		}
	}
	return out
}

// syntheticMatrixBanner is the text of the matrix's banner after syntheticHeading, or "" when
// every column is a real run.
func syntheticMatrixBanner(m *Matrix) string {
	cols := m.syntheticColumns()
	if len(cols) == 0 {
		return ""
	}
	return fmt.Sprintf("not a real result: %d of %d columns (%s) come from synthetic runs that no cluster produced; do not cite their cells",
		len(cols), len(m.CNIs), strings.Join(cols, ", "))
}
