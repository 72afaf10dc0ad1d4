package reports

import (
	"strings"
	"testing"
)

// TestCaseTextThroughServices checks the failure text of a case probed through Services: both
// sets of tables under headings that say which connections they show, and the wrong Service cell
// named as one, with its ClusterIP when the step recorded it.
func TestCaseTextThroughServices(t *testing.T) {
	t.Parallel()
	r := loadRun(t, "kindnet.json")
	var c Case
	for _, rc := range r.Cases {
		if rc.Name == "allow-tcp-80-only" {
			c = rc
		}
	}
	text := func(c Case) string {
		var b strings.Builder
		if err := WriteCaseText(&b, c); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	got := text(c)
	for _, w := range []string{
		"\npredicted, to each destination's own IP:\n", "\ndiff, to each destination's own IP:\n",
		"\npredicted, through each pod's Service (ClusterIP):\n", "\nobserved, through each pod's Service (ClusterIP):\n",
		"\ndiff, through each pod's Service (ClusterIP):\n",
		"\nmismatch y/a -> x/a UDP/80: predicted denied",
		"\nmismatch x/b -> x/a UDP/80 via service (ClusterIP 10.96.0.10): predicted denied, observed connected",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("case text lacks %q:\n%s", w, got)
		}
	}
	if n := strings.Count(got, "via service"); n != 1 {
		t.Errorf("case text names %d cells via service, want 1:\n%s", n, got)
	}
	c.Steps[0].ServiceIPs = nil
	if w := "\nmismatch x/b -> x/a UDP/80 via service: predicted denied"; !strings.Contains(text(c), w) {
		t.Errorf("without Service IPs, case text lacks %q", w)
	}
}

// TestCaseTextWithoutServices: a step probed at pod IPs only keeps its untitled tables.
func TestCaseTextWithoutServices(t *testing.T) {
	t.Parallel()
	r := loadRun(t, "flannel.json")
	var b strings.Builder
	if err := WriteCaseText(&b, r.Failing()[0]); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); !strings.Contains(got, "\ndiff:\n") || strings.Contains(got, "Service") {
		t.Errorf("case text of a run without Service cells:\n%s", got)
	}
}
