package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/cnpc-dev/cnpc/cases"
)

// WriteCaseText writes a case's failure text, the one used by JUnit and Markdown: for every step
// that did not pass, the predicted, observed and diff tables (engine.Table's renderer), then, when
// the step was also probed through Services, the three tables of those connections, each heading
// saying which connections it shows, then each wrong cell (a Service cell says "via service") with
// its attempts, the engine's explanation and the probe's raw result, and the implementation-defined
// cells.
func WriteCaseText(w io.Writer, c Case) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "case %s: %s", c.Name, c.Verdict)
	if c.Reason != "" {
		fmt.Fprintf(bw, " (%s)", c.Reason)
	}
	bw.WriteString("\n")
	if c.Attempts > 1 || len(c.Disruptions) > 0 {
		fmt.Fprintf(bw, "ran %d times; the cluster changed during the case: %s\n", max(c.Attempts, 1), strings.Join(c.Disruptions, "; "))
	}
	for _, s := range c.Steps {
		if s.Verdict == Pass {
			continue
		}
		if err := writeStepText(bw, s); err != nil {
			return fmt.Errorf("case %s step %d: %w", c.Name, s.Index, err)
		}
	}
	return bw.Flush()
}

func writeStepText(w *bufio.Writer, s Step) error {
	sets, err := s.TableSets()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nstep %d %s: %s (converge %s, %d polls%s)\n", s.Index, s.Name, s.Verdict, s.ConvergeTime, s.Polls, windowText(s))
	for _, st := range sets {
		title := ""
		if len(sets) > 1 {
			title = ", " + st.Title()
		}
		for _, t := range []struct {
			name  string
			table interface{ String() string }
		}{{"predicted", st.Predicted}, {"observed", st.Observed}, {"diff", st.Diff}} {
			fmt.Fprintf(w, "\n%s%s:\n%s\n", t.name, title, strings.TrimRight(t.table.String(), "\n"))
		}
	}
	for _, c := range s.Cells {
		if !c.Class.Wrong() && c.Class != ClassImplementationDefined {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", cellLine(c, s.ServiceIPs))
		if c.Explanation != "" {
			fmt.Fprintf(w, "  engine: %s\n", indent(c.Explanation, "    "))
		}
		if c.Detail != "" {
			fmt.Fprintf(w, "  probe: %s\n", indent(c.Detail, "    "))
		}
	}
	return nil
}

// cellLine is one line naming a cell and its result, e.g.
// "mismatch x/b -> x/a TCP/80: predicted denied, observed connected (attempts: connected connected)",
// with "via service (ClusterIP 10.96.0.10)" after the target for a Service cell (the address from
// serviceIPs, by the pod behind the Service, when known).
func cellLine(c Cell, serviceIPs map[cases.PeerKey]string) string {
	s := fmt.Sprintf("%s %s -> %s %s/%d%s: predicted %s, observed %s", c.Class, c.From, c.To, c.Protocol, c.Port, viaText(c, serviceIPs), c.Predicted, c.Observed)
	if len(c.Attempts) > 0 {
		parts := make([]string, len(c.Attempts))
		for i, a := range c.Attempts {
			parts[i] = string(a)
		}
		s += " (attempts: " + strings.Join(parts, " ") + ")"
	}
	return s
}

// viaText is " via service (ClusterIP 10.96.0.10)" (or " via service" when the address is not
// known) for a Service cell, "" for a connection to the destination's own IP.
func viaText(c Cell, serviceIPs map[cases.PeerKey]string) string {
	if !c.ThroughService() {
		return ""
	}
	if ip := serviceIPs[c.To]; ip != "" {
		return " via service (ClusterIP " + ip + ")"
	}
	return " via service"
}

// indent puts prefix before every line of s but the first.
func indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}

// windowText is ", window 2s after 1.2s" for a step held to a stability window, else "".
func windowText(s Step) string {
	switch {
	case s.Window == 0 && s.Settle == 0:
		return ""
	case s.Settle == 0:
		return fmt.Sprintf(", window %s", s.Window)
	}
	return fmt.Sprintf(", window %s after %s", s.Window, s.Settle)
}
