package reports

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSummaryServiceRow checks the service row of a run's per-feature counts, derived by hand from
// the recorded runs (testrun_test.go): calico matches every Service cell of its 8 probed cases;
// flannel's run did not probe Services, so it has no such row; on kindnet allow-tcp-80-only fails
// on its Service cell x/b -> x/a UDP/80, allow-tcp-udp-only denies only SCTP (unsupported), the
// case that could not be set up has no Service cell, and every pass has SCTP Service cells
// unsupported. Fixing kindnet's one Service mismatch must turn that fail into a pass.
func TestSummaryServiceRow(t *testing.T) {
	t.Parallel()
	fixed := loadRun(t, "kindnet.json")
	if n := matchServiceMismatches(fixed); n != 1 {
		t.Fatalf("kindnet's run has %d mismatched Service cells, want 1; update the test", n)
	}
	tests := []struct {
		name string
		run  *Run
		want *FeatureSummary // nil: no service row
	}{
		{"calico", loadRun(t, "calico.json"), &FeatureSummary{FeatureService, Counts{Pass: 8}, 0}},
		{"flannel", loadRun(t, "flannel.json"), nil},
		{"kindnet", loadRun(t, "kindnet.json"), &FeatureSummary{FeatureService, Counts{Pass: 5, Fail: 1, Unsupported: 1}, 5}},
		{"kindnet with its Service mismatch matched", fixed, &FeatureSummary{FeatureService, Counts{Pass: 6, Unsupported: 1}, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := Summarize(tt.run)
			var last *FeatureSummary
			if n := len(s.Features); n > 0 && s.Features[n-1].Feature == FeatureService {
				last = &s.Features[n-1]
			}
			if diff := cmp.Diff(tt.want, last); diff != "" {
				t.Errorf("last row (-want +got):\n%s", diff)
			}
			if got := s.featureTotal(string(FeatureService)); tt.want == nil && got != 0 {
				t.Errorf("a service row that is not the last counts %d cases", got)
			}
			var want []RowLegend
			if tt.want != nil {
				want = []RowLegend{{FeatureService, serviceRowLegend}}
			}
			if diff := cmp.Diff(want, s.RowLegends()); diff != "" {
				t.Errorf("row legends (-want +got):\n%s", diff)
			}
		})
	}
}

// matchServiceMismatches turns the run's mismatched Service cells into matches and returns how many
// it changed.
func matchServiceMismatches(r *Run) int {
	n := 0
	for i := range r.Cases {
		for j := range r.Cases[i].Steps {
			cells := r.Cases[i].Steps[j].Cells
			for k := range cells {
				if cells[k].ThroughService() && cells[k].Class == Mismatch {
					cells[k].Class = Match
					n++
				}
			}
		}
	}
	return n
}

// TestSummaryAgreesWithMatrix keeps a run's per-feature counts equal to its column of the support
// matrix, row by row, the service row included.
func TestSummaryAgreesWithMatrix(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"calico", "flannel", "kindnet"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := loadRun(t, name+".json")
			m, err := NewMatrix([]*Run{r})
			if err != nil {
				t.Fatal(err)
			}
			var fromMatrix []FeatureSummary
			for i, f := range m.Features {
				fromMatrix = append(fromMatrix, FeatureSummary{f, m.Cells[i][0].Counts, m.Cells[i][0].PartlyUnsupported})
			}
			if diff := cmp.Diff(fromMatrix, Summarize(r).Features); diff != "" {
				t.Errorf("per-feature counts (-matrix +summary):\n%s", diff)
			}
		})
	}
}
