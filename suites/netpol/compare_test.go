package netpol

import (
	"testing"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
	"github.com/cnpc-dev/cnpc/probes"
	"github.com/cnpc-dev/cnpc/reports"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	res := func(o cases.Outcome) probes.Result { return probes.Result{Outcome: o} }
	tests := []struct {
		name        string
		pred        engine.Verdict
		r           probes.Result
		found, impl bool
		want        reports.Class
	}{
		{"allowed and connected", engine.Allowed, res(cases.Connected), true, false, reports.Match},
		{"denied and timeout", engine.Denied, res(cases.Timeout), true, false, reports.Match},
		{"denied and refused", engine.Denied, res(cases.Refused), true, false, reports.Match},
		{"allowed but timeout", engine.Allowed, res(cases.Timeout), true, false, reports.Mismatch},
		{"allowed but refused", engine.Allowed, res(cases.Refused), true, false, reports.Mismatch},
		{"denied but connected", engine.Denied, res(cases.Connected), true, false, reports.Mismatch},
		{"denied but connected, implementation-defined", engine.Denied, res(cases.Connected), true, true, reports.ClassImplementationDefined},
		{"implementation-defined that matches stays a match", engine.Denied, res(cases.Timeout), true, true, reports.Match},
		{"unsupported is never a verdict", engine.Denied, res(cases.Unsupported), true, false, reports.ClassUnsupported},
		{"error is never denied", engine.Denied, res(cases.Error), true, false, reports.ClassError},
		{"missing result is an error", engine.Denied, probes.Result{}, false, false, reports.ClassError},
		{"flaky", engine.Allowed, probes.Result{Outcome: cases.Connected, Flaky: true}, true, false, reports.Flaky},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := classify(tt.pred, tt.r, tt.found, tt.impl); got != tt.want {
				t.Errorf("classify(%s, %s, found=%v, impl=%v) = %s, want %s", tt.pred, tt.r.Outcome, tt.found, tt.impl, got, tt.want)
			}
		})
	}
}

func TestAgree(t *testing.T) {
	t.Parallel()
	tests := []struct {
		want, got engine.Cell
		agree     bool
	}{
		{engine.CellAllowed, engine.CellAllowed, true},
		{engine.CellAllowed, engine.CellDenied, false},
		{engine.CellAllowed, engine.CellRefused, false},
		{engine.CellAllowed, engine.CellError, false},
		{engine.CellDenied, engine.CellRefused, true},
		{engine.CellDenied, engine.CellDenied, true},
		{engine.CellDenied, engine.CellAllowed, false},
		{engine.CellDenied, engine.CellFlaky, false},
		{engine.CellDenied, engine.CellUnsupported, true},
	}
	for _, tt := range tests {
		if got := agree(tt.want, tt.got); got != tt.agree {
			t.Errorf("agree(%c, %c) = %v, want %v", tt.want, tt.got, got, tt.agree)
		}
	}
}
