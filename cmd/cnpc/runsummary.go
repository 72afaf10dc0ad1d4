package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/cnpc-dev/cnpc/reports"
)

// maxListed bounds the failing cases the summary names, to keep it on one screen.
const maxListed = 15

// writeSummary writes the one-screen summary of a run: verdict counts, pass rate, step timing,
// one line per feature, and the failing cases.
func writeSummary(w io.Writer, run *reports.Run, sum reports.Summary, total time.Duration) error {
	b := bufio.NewWriter(w)
	lanes := ""
	if run.Options.Lanes > 1 {
		lanes = fmt.Sprintf(" (%d lanes)", run.Options.Lanes)
	}
	fmt.Fprintf(b, "cnpc run: %s, %d cases in %s%s; the suite %s\n", run.CNI, sum.Counts.Total(), total.Round(time.Second), lanes, run.End.Sub(run.Start).Round(time.Second))
	fmt.Fprintf(b, "  %s\n", countsLine(sum.Counts))
	if rate, ok := sum.Counts.PassRate(); ok {
		fmt.Fprintf(b, "  pass rate %.1f%% of %d judged cases\n", 100*rate, sum.Counts.Judged())
	}
	steps, median := stepTiming(run)
	fmt.Fprintf(b, "  %d steps, median time to converge %s\n", steps, median)
	for _, f := range sum.Features {
		fmt.Fprintf(b, "  %-27s %s\n", f.Feature, countsLine(f.Counts))
	}
	for _, l := range sum.RowLegends() {
		fmt.Fprintf(b, "  (%s: %s)\n", l.Row, l.Text)
	}
	failing := run.Failing()
	for i, c := range failing {
		if i == maxListed {
			fmt.Fprintf(b, "  ... and %d more (see results.json)\n", len(failing)-maxListed)
			break
		}
		fmt.Fprintf(b, "  %-5s %s\n", c.Verdict, c.Name)
	}
	for _, u := range run.Unsupported {
		fmt.Fprintf(b, "  unsupported here: %s\n", u)
	}
	return b.Flush()
}

// countsLine is "pass 40  fail 2  ..." over the verdicts that occur, in reports' order.
func countsLine(c reports.Counts) string {
	s := ""
	for _, v := range reports.Verdicts {
		if c[v] > 0 {
			s += fmt.Sprintf("%s %d  ", v, c[v])
		}
	}
	return s
}

// stepTiming returns the number of steps run and the median of their convergence times.
func stepTiming(run *reports.Run) (int, time.Duration) {
	var d []time.Duration
	for _, c := range run.Cases {
		for _, s := range c.Steps {
			d = append(d, time.Duration(s.ConvergeTime))
		}
	}
	if len(d) == 0 {
		return 0, 0
	}
	slices.Sort(d)
	return len(d), d[len(d)/2].Round(time.Millisecond)
}
