package probes

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/cases"
)

func TestSummarise(t *testing.T) {
	t.Parallel()
	conn := Attempt{Outcome: cases.Connected, Identity: "y/b"}
	drop := Attempt{Outcome: cases.Timeout, Error: "i/o timeout"}
	wrong := Attempt{Outcome: cases.Error, Identity: "x/c", Error: "answered by x/c, expected y/b"}
	tests := []struct {
		name     string
		attempts []Attempt
		want     Result
	}{
		{"none", nil, Result{Outcome: cases.Error, Error: "no attempt was made"}},
		{"agree", []Attempt{conn, conn}, Result{Outcome: cases.Connected, Identity: "y/b"}},
		{"disagree takes the last, flaky", []Attempt{conn, drop}, Result{Outcome: cases.Timeout, Flaky: true, Identity: "y/b", Error: "i/o timeout"}},
		{"disagree the other way", []Attempt{drop, conn}, Result{Outcome: cases.Connected, Flaky: true, Identity: "y/b"}},
		{"any error wins", []Attempt{wrong, conn}, Result{Outcome: cases.Error, Flaky: true, Identity: "x/c", Error: "answered by x/c, expected y/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := Result{Attempts: tt.attempts}
			r.summarise()
			r.Attempts = nil
			if diff := cmp.Diff(tt.want, r); diff != "" {
				t.Errorf("summarise (-want +got):\n%s", diff)
			}
		})
	}
}
