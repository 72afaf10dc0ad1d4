package netpol

import (
	"fmt"
	"strings"

	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/reports"
)

// maxExplained bounds how many wrong cells a failure message explains one by one; the tables
// show them all.
const maxExplained = 40

// FailureText is the message of a step that did not match: the predicted, observed and diff
// tables (one grid per group of identical targets), then, for each wrong cell, its class, the
// engine's explanation and the probe's raw result (STYLE.md §4).
func FailureText(title string, pred *engine.Prediction, conv Convergence) string {
	var b strings.Builder
	c := conv.Final
	fmt.Fprintf(&b, "%s: %s after %d polls in %s (converged: %v, stable: %v)\n", title, summary(c), conv.Polls, conv.Time.Round(1e6), conv.Converged, conv.Stable)
	writeTables(&b, "", c.Predicted, c.Observed, c.Diff)
	if sv := c.Services; sv != nil {
		writeTables(&b, "through each pod's Service (ClusterIP), ", sv.Predicted, sv.Observed, sv.Diff)
	}
	for k, r := range conv.Flipped {
		fmt.Fprintf(&b, "\nflipped after matching: %s observed %s: %s\n", k, r.Outcome, rawResult(Judged{Result: r}))
	}
	n := 0
	for _, j := range c.Cells {
		if !j.Class.Wrong() && j.Class != reports.ClassImplementationDefined {
			continue
		}
		if n++; n > maxExplained {
			fmt.Fprintf(&b, "\n... and more wrong cells: see the tables above and the results file\n")
			break
		}
		fmt.Fprintf(&b, "\n%s: predicted %s, observed %s [%s]\n", j.Key, j.Predicted, j.Result.Outcome, j.Class)
		if ex, err := c.explainer(pred, j.Key).Explain(j.Key.From, j.Key.To, j.Key.Target); err == nil {
			fmt.Fprintf(&b, "  engine: %s\n", strings.ReplaceAll(strings.TrimSpace(ex.String()), "\n", "\n          "))
		}
		fmt.Fprintf(&b, "  probe:  %s\n", rawResult(j))
	}
	return b.String()
}

// writeTables writes the predicted, observed and diff tables, each titled with prefix.
func writeTables(b *strings.Builder, prefix string, predicted, observed, diff *engine.Table) {
	for _, t := range []struct {
		name  string
		table *engine.Table
	}{{"predicted", predicted}, {"observed", observed}, {"diff", diff}} {
		fmt.Fprintf(b, "\n%s%s:\n%s", prefix, t.name, t.table.String())
	}
}

// summary counts a comparison's cells by class, in the vocabulary's order.
func summary(c *Comparison) string {
	var parts []string
	for _, cl := range reports.Classes {
		if n := c.Counts[cl]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, cl))
		}
	}
	return strings.Join(parts, ", ")
}
