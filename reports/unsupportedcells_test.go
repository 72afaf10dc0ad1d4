package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cnpc-dev/cnpc/cases"
)

func TestVerdictTextAndFeatureVerdict(t *testing.T) {
	t.Parallel()
	partly := Case{Name: "c", Verdict: Pass, UnsupportedCells: map[string]int{"SCTP": 54, "UDP": 2},
		Features: []cases.Feature{cases.FeatureIngress, cases.FeatureUDP, cases.FeatureSCTP}}
	tests := []struct {
		name        string
		c           Case
		text        string
		ingress     Verdict
		sctp, tcpFV Verdict
	}{
		{"pass with unsupported cells", partly, "pass (UDP: 2 cells unsupported here; SCTP: 54 cells unsupported here)", Pass, Unsupported, Pass},
		{"plain pass", Case{Verdict: Pass}, "pass", Pass, Pass, Pass},
		{"a failure fails under its protocols too", Case{Verdict: Fail}, "fail", Fail, Fail, Fail},
		{"one cell", Case{Verdict: Pass, UnsupportedCells: map[string]int{"SCTP": 1}}, "pass (SCTP: 1 cell unsupported here)", Pass, Unsupported, Pass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.c.VerdictText(); got != tt.text {
				t.Errorf("VerdictText() = %q, want %q", got, tt.text)
			}
			for f, want := range map[cases.Feature]Verdict{cases.FeatureIngress: tt.ingress, cases.FeatureSCTP: tt.sctp, cases.FeatureTCP: tt.tcpFV} {
				if got := tt.c.FeatureVerdict(f); got != want {
					t.Errorf("FeatureVerdict(%s) = %s, want %s", f, got, want)
				}
			}
		})
	}
}

func TestValidateUnsupportedCells(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		verdict Verdict
		cells   map[string]int
		want    string
	}{
		{"valid", Pass, map[string]int{"SCTP": 3}, ""},
		{"unknown protocol", Pass, map[string]int{"ICMP": 3}, `cases[0].unsupportedCells: found protocol "ICMP", expected TCP, UDP or SCTP`},
		{"zero count", Pass, map[string]int{"SCTP": 0}, `cases[0].unsupportedCells.SCTP: found 0, expected a count of at least 1`},
		{"not a pass", Unsupported, map[string]int{"SCTP": 3}, `cases[0].unsupportedCells: found on a unsupported case, expected it only on a pass`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := smallRun()
			r.Cases[0].Verdict, r.Cases[0].UnsupportedCells = tt.verdict, tt.cells
			err := r.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want no error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestMarkdownNamesPartlyUnsupported checks that the Markdown summary names the passes with
// unsupported cells and cuts the list after partlyShown names.
func TestMarkdownNamesPartlyUnsupported(t *testing.T) {
	t.Parallel()
	for _, n := range []int{3, partlyShown + 5} {
		r := smallRun()
		c := r.Cases[0]
		r.Cases = nil
		for i := 0; i < n; i++ {
			c.Name, c.UnsupportedCells = fmt.Sprintf("case-%d", i), map[string]int{"SCTP": 2}
			r.Cases = append(r.Cases, c)
		}
		var b bytes.Buffer
		if err := WriteMarkdown(&b, r, 0); err != nil {
			t.Fatal(err)
		}
		md := b.String()
		wantMore := n > partlyShown
		if strings.Contains(md, " and 5 more ") != wantMore || strings.Count(md, "(SCTP: 2 cells unsupported here)") != min(n, partlyShown) {
			t.Errorf("%d passes with unsupported cells: summary names %d, cut note %v:\n%s", n, strings.Count(md, "(SCTP: 2 cells unsupported here)"), strings.Contains(md, " and 5 more "), md)
		}
		if !strings.Contains(md, fmt.Sprintf("%d of them with cells unsupported here", n)) {
			t.Errorf("the header does not count the %d passes with unsupported cells:\n%s", n, md)
		}
	}
}
