package reports

import (
	"strings"
	"testing"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// svcCell is a Service cell x/a -> to TCP/80 with the class given.
func svcCell(to cases.PeerKey, predicted engine.Verdict, class Class) Cell {
	return Cell{From: "x/a", To: to, Via: ViaService, Port: 80, Protocol: "TCP", Predicted: predicted, Observed: cases.Connected, Class: class}
}

// podCell is the same connection to the pod's own IP.
func podCell(to cases.PeerKey, predicted engine.Verdict, class Class) Cell {
	c := svcCell(to, predicted, class)
	c.Via = ""
	return c
}

func TestServiceVerdict(t *testing.T) {
	t.Parallel()
	const allowed, denied = engine.Allowed, engine.Denied
	step := func(cells ...Cell) Step { return Step{Verdict: Pass, Cells: cells} }
	tests := []struct {
		name   string
		steps  []Step
		want   Verdict
		ok     bool
		partly bool
	}{
		{"no Service cell: not counted", []Step{step(podCell("x/b", denied, Mismatch))}, "", false, false},
		{"a pod mismatch does not fail the Service row", []Step{step(podCell("x/b", denied, Mismatch), svcCell("x/b", denied, Match))}, Pass, true, false},
		{"a Service mismatch fails it", []Step{step(podCell("x/b", denied, Match), svcCell("x/b", denied, Mismatch))}, Fail, true, false},
		{"a mismatch beats a flaky cell", []Step{step(svcCell("x/b", denied, ClassFlaky), svcCell("y/a", denied, Mismatch))}, Fail, true, false},
		{"a flaky Service cell", []Step{step(svcCell("x/b", denied, ClassFlaky), svcCell("y/a", denied, ClassError))}, Flaky, true, false},
		{"a probe error", []Step{step(svcCell("x/b", denied, Match), svcCell("y/a", denied, ClassError))}, Error, true, false},
		{"a later step that could not be probed", []Step{step(svcCell("x/b", denied, Match)), {Verdict: Error}}, Error, true, false},
		{"implementation-defined, unsupported and not-graded cells beside a deciding match", []Step{step(svcCell("x/b", denied, Match),
			svcCell("x/c", denied, ClassImplementationDefined), svcCell("y/a", denied, ClassUnsupported), svcCell("y/b", denied, ClassNotGraded))}, Pass, true, true},
		{"only allowed cells matched, the denied one unsupported", []Step{step(svcCell("x/b", allowed, Match), svcCell("y/a", denied, ClassUnsupported))}, Unsupported, true, false},
		{"a cell denied in another step decides", []Step{step(svcCell("x/b", allowed, Match)), step(svcCell("x/b", denied, ClassUnsupported))}, Pass, true, true},
		{"nothing denied: every cell decides", []Step{step(svcCell("x/b", allowed, Match))}, Pass, true, false},
		{"no deciding match, one implementation-defined", []Step{step(svcCell("x/b", denied, ClassImplementationDefined), svcCell("y/a", allowed, Match))}, ImplementationDefined, true, false},
		{"every Service cell not graded", []Step{step(svcCell("x/b", denied, ClassNotGraded))}, Unsupported, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Case{Name: "c", Verdict: Pass, Steps: tt.steps}
			v, ok := c.ServiceVerdict()
			if v != tt.want || ok != tt.ok {
				t.Errorf("ServiceVerdict() = %q, %v; want %q, %v", v, ok, tt.want, tt.ok)
			}
			if got := c.ServicePartlyUnsupported(); got != tt.partly {
				t.Errorf("ServicePartlyUnsupported() = %v, want %v", got, tt.partly)
			}
		})
	}
}

// TestValidateVia checks the via vocabulary, the Service cells' ends, ServiceIPs, and that a
// cell may be listed once to the pod's IP and once through its Service, but not twice either way.
func TestValidateVia(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(r *Run)
		want []string
	}{
		{"one connection to the pod and through its Service", func(r *Run) {
			addService(r, "")
		}, nil},
		{"a Service cell listed twice", func(r *Run) {
			addService(r, "")
			s := &r.Cases[0].Steps[0]
			s.Cells = append(s.Cells, s.Cells[1])
		}, []string{`cases[0].steps[0].cells[2]: cell x/a>x/b TCP/80 via service listed twice`}},
		{"a pod cell listed twice", func(r *Run) {
			s := &r.Cases[0].Steps[0]
			s.Cells = append(s.Cells, s.Cells[0])
		}, []string{`cases[0].steps[0].cells[1]: cell x/a>x/b TCP/80 listed twice`}},
		{"unknown via", func(r *Run) {
			r.Cases[0].Steps[0].Cells[0].Via = "ingress"
		}, []string{`cases[0].steps[0].cells[0].via: found "ingress", expected "service" or no field`}},
		{"a Service cell to an external host", func(r *Run) {
			addService(r, "host-1")
		}, []string{`cases[0].steps[0].cells[1].to: found "host-1", expected a pod: only pods have a Service`}},
		{"service IPs of an unknown pod and a bad address", func(r *Run) {
			addService(r, "")
			r.Cases[0].Steps[0].ServiceIPs = map[cases.PeerKey]string{"x/b": "10.96.0.300", "y/z": "10.96.0.9"}
		}, []string{`cases[0].steps[0].serviceIPs.x/b: found "10.96.0.300", expected an IP address`,
			`cases[0].steps[0].serviceIPs: found "y/z", expected one of the step's pods`}},
		{"unknown options.via", func(r *Run) {
			r.Options.Via = "service"
		}, []string{`options.via: found "service", expected one of [pod both]`}},
		{"hairpin skipped in a run that probed no Service", func(r *Run) {
			r.Options.SkipHairpin = true
		}, []string{`options.skipHairpin: found true with via "", expected via "both" (only Services have hairpin probes)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := smallRun()
			tt.edit(r)
			err := r.Validate()
			if tt.want == nil {
				if err != nil {
					t.Errorf("Validate() = %v, want no error", err)
				}
				return
			}
			if err == nil || err.Error() != strings.Join(tt.want, "\n") {
				t.Errorf("Validate() = %v\nwant:\n%s", err, strings.Join(tt.want, "\n"))
			}
		})
	}
}

// addService adds to smallRun's step the Service cell of its one cell (to the external host
// extra instead, when extra is set, which the step then lists) and the Service IPs of its pods.
func addService(r *Run, extra cases.PeerKey) {
	r.Options.Via = ViaBoth
	s := &r.Cases[0].Steps[0]
	c := s.Cells[0]
	c.Via = ViaService
	if extra != "" {
		s.Peers, c.To = append(s.Peers, extra), extra
	}
	s.Cells = append(s.Cells, c)
	s.ServiceIPs = map[cases.PeerKey]string{"x/a": "10.96.0.10", "x/b": "10.96.0.11"}
}

// TestServiceIsNotACatalogFeature keeps the matrix's service row apart from the catalog's
// features: were cases/ to add a feature "service", the row and the feature would share a name
// and an anchor.
func TestServiceIsNotACatalogFeature(t *testing.T) {
	t.Parallel()
	if _, err := cases.ParseFeature(string(FeatureService)); err == nil {
		t.Errorf("cases has a feature %q; rename reports.FeatureService or count the row from it", FeatureService)
	}
}
