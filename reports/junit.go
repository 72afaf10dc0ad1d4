package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The JUnit XML document, in the shape Jenkins, GitLab and GitHub test reporters read (Ant's
// JUnit format). testdata/junit.xsd is the schema the test validates against.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitMessage `xml:"skipped"`
	Failure   *junitMessage `xml:"failure"`
	Error     *junitMessage `xml:"error"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

// WriteJUnit writes the run as JUnit XML: one testsuite for the run, one testcase per case. A
// failing case's failure text is its truth-table diff (WriteCaseText); an error case carries an
// error; skipped, unsupported and implementation-defined cases are <skipped> with the verdict
// and reason in the message, so none of them reads as a pass.
func WriteJUnit(w io.Writer, r *Run) error {
	s := junitSuite{Name: "cnpc " + r.Label(), Time: seconds(r.End.Sub(r.Start)),
		Timestamp: r.Start.UTC().Format(time.RFC3339), Properties: junitProperties(r)}
	for _, c := range r.Cases {
		jc, err := junitTestcase(r, c)
		if err != nil {
			return err
		}
		s.Tests++
		switch {
		case jc.Failure != nil:
			s.Failures++
		case jc.Error != nil:
			s.Errors++
		case jc.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, jc)
	}
	doc := junitSuites{Name: "cnpc", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Skipped: s.Skipped,
		Time: s.Time, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitTestcase(r *Run, c Case) (junitCase, error) {
	jc := junitCase{Name: c.Name, Classname: "cnpc." + r.CNI.Name, Time: seconds(time.Duration(c.Duration))}
	var text strings.Builder
	if err := WriteCaseText(&text, c); err != nil {
		return jc, err
	}
	switch c.Verdict {
	case Pass:
		// A pass stays a pass for every reporter; what it could not probe goes beside it.
		if c.PartlyUnsupported() {
			jc.SystemOut = c.VerdictText()
		}
	case Fail:
		jc.Failure = &junitMessage{Message: failureMessage(c), Type: "mismatch", Text: text.String()}
	case Flaky:
		jc.Failure = &junitMessage{Message: failureMessage(c), Type: "flaky", Text: text.String()}
	case Error:
		jc.Error = &junitMessage{Message: c.Reason, Type: "error", Text: text.String()}
	case Skipped, Unsupported, ImplementationDefined:
		msg := string(c.Verdict)
		if c.Reason != "" {
			msg += ": " + c.Reason
		}
		jc.Skipped = &junitMessage{Message: msg}
	}
	return jc, nil
}

// failureMessage counts the wrong cells of a case, e.g. "12 mismatched, 1 flaky of 54 cells", and
// how many of them were through Services when some were: "2 mismatched of 54 cells; through
// Services: 1 mismatched of 27".
func failureMessage(c Case) string {
	wrong, total := wrongCells(c, func(Cell) bool { return true })
	if wrong == "" {
		return c.Reason
	}
	msg := fmt.Sprintf("%s of %d cells", wrong, total)
	if svc, n := wrongCells(c, Cell.ThroughService); svc != "" {
		msg += fmt.Sprintf("; through Services: %s of %d", svc, n)
	}
	return msg
}

// wrongCells counts the wrong cells among the case's cells that keep selects, e.g. "12
// mismatched, 1 flaky" ("" when none is wrong), and returns how many cells keep selects.
func wrongCells(c Case, keep func(Cell) bool) (string, int) {
	n := map[Class]int{}
	total := 0
	for _, s := range c.Steps {
		for _, cell := range s.Cells {
			if keep(cell) {
				n[cell.Class]++
				total++
			}
		}
	}
	var parts []string
	for _, k := range []struct {
		class Class
		word  string
	}{{Mismatch, "mismatched"}, {ClassFlaky, "flaky"}, {ClassError, "probe errors"}} {
		if n[k.class] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k.class], k.word))
		}
	}
	return strings.Join(parts, ", "), total
}

func junitProperties(r *Run) []junitProperty {
	var p []junitProperty
	// First, so a reporter that lists properties shows it before the versions.
	if r.Synthetic != "" {
		p = append(p, junitProperty{"synthetic", r.Synthetic})
	}
	p = append(p, []junitProperty{
		{"cnpc.version", r.Tool.Version}, {"cnpc.commit", r.Tool.Commit},
		{"cni.name", r.CNI.Name}, {"cni.version", r.CNI.Version},
		{"kubernetes.version", r.Cluster.KubernetesVersion}, {"kind.version", r.Cluster.KindVersion},
		{"cluster.nodes", fmt.Sprint(r.Cluster.Nodes)}, {"cluster.ipFamily", r.Cluster.IPFamily},
		{"cluster.kernel", r.Cluster.Kernel},
	}...)
	for i, u := range r.Unsupported {
		p = append(p, junitProperty{fmt.Sprintf("unsupported.%d", i), u})
	}
	if n := Summarize(r).PartlyUnsupported; n > 0 {
		p = append(p, junitProperty{"cases.passedWithUnsupportedCells", fmt.Sprint(n)})
	}
	return p
}

// seconds formats a duration as JUnit's decimal seconds.
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
