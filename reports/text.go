package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteCaseText writes a case's failure text, the one used by JUnit and Markdown: for every step
// that did not pass, the predicted, observed and diff tables (engine.Table's renderer), then each
// wrong cell with its attempts, the engine's explanation and the probe's raw result, and the
// implementation-defined cells.
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
	st, err := s.Tables()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nstep %d %s: %s (converge %s, %d polls%s)\n", s.Index, s.Name, s.Verdict, s.ConvergeTime, s.Polls, windowText(s))
	for _, t := range []struct {
		name  string
		table interface{ String() string }
	}{{"predicted", st.Predicted}, {"observed", st.Observed}, {"diff", st.Diff}} {
		fmt.Fprintf(w, "\n%s:\n%s\n", t.name, strings.TrimRight(t.table.String(), "\n"))
	}
	for _, c := range s.Cells {
		if !c.Class.Wrong() && c.Class != ClassImplementationDefined {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", cellLine(c))
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
// "mismatch x/b -> x/a TCP/80: predicted denied, observed connected (attempts: connected connected)".
func cellLine(c Cell) string {
	s := fmt.Sprintf("%s %s -> %s %s/%d: predicted %s, observed %s", c.Class, c.From, c.To, c.Protocol, c.Port, c.Predicted, c.Observed)
	if len(c.Attempts) > 0 {
		parts := make([]string, len(c.Attempts))
		for i, a := range c.Attempts {
			parts[i] = string(a)
		}
		s += " (attempts: " + strings.Join(parts, " ") + ")"
	}
	return s
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
