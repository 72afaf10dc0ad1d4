package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cnpc-dev/cnpc/cases"
)

// protocolFeatures maps a cell protocol to the feature of the cases that exercise it.
var protocolFeatures = []struct {
	protocol string
	feature  cases.Feature
}{{"TCP", cases.FeatureTCP}, {"UDP", cases.FeatureUDP}, {"SCTP", cases.FeatureSCTP}}

// PartlyUnsupported reports whether the case passed with some of its graded cells unsupported
// here: "pass (SCTP: 54 cells unsupported here)".
func (c Case) PartlyUnsupported() bool {
	return c.Verdict == Pass && len(c.UnsupportedCells) > 0
}

// VerdictText is the verdict as every writer shows it: the verdict, and for a pass with
// unsupported cells how many cells of which protocol could not be probed, e.g.
// "pass (SCTP: 54 cells unsupported here)".
func (c Case) VerdictText() string {
	if !c.PartlyUnsupported() {
		return string(c.Verdict)
	}
	var parts []string
	for _, p := range protocolFeatures {
		if n := c.UnsupportedCells[p.protocol]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s unsupported here", p.protocol, plural(n, "cell")))
		}
	}
	return fmt.Sprintf("%s (%s)", c.Verdict, strings.Join(parts, "; "))
}

// FeatureVerdict is the verdict the case counts with under feature f, in summaries and the
// matrix: its own verdict, except that a pass with unsupported cells of a protocol counts as
// unsupported (not judged, "n/a") under that protocol's feature, since part of what the case
// says about that protocol was never probed. A failing case fails under every feature.
func (c Case) FeatureVerdict(f cases.Feature) Verdict {
	if !c.PartlyUnsupported() {
		return c.Verdict
	}
	for _, p := range protocolFeatures {
		if p.feature == f && c.UnsupportedCells[p.protocol] > 0 {
			return Unsupported
		}
	}
	return c.Verdict
}

// validUnsupportedCells checks the protocols and counts of Case.UnsupportedCells.
func validUnsupportedCells(p string, c Case) []error {
	var errs []error
	if len(c.UnsupportedCells) > 0 && c.Verdict != Pass {
		errs = append(errs, fmt.Errorf("%s.unsupportedCells: found on a %s case, expected it only on a pass", p, c.Verdict))
	}
	protos := make([]string, 0, len(c.UnsupportedCells))
	for proto := range c.UnsupportedCells {
		protos = append(protos, proto)
	}
	sort.Strings(protos)
	for _, proto := range protos {
		n := c.UnsupportedCells[proto]
		known := false
		for _, pf := range protocolFeatures {
			known = known || pf.protocol == proto
		}
		if !known {
			errs = append(errs, fmt.Errorf("%s.unsupportedCells: found protocol %q, expected TCP, UDP or SCTP", p, proto))
		}
		if n < 1 {
			errs = append(errs, fmt.Errorf("%s.unsupportedCells.%s: found %d, expected a count of at least 1", p, proto, n))
		}
	}
	return errs
}
