package netpol

import (
	"fmt"

	"github.com/cnpc-dev/cnpc/engine"
)

// Grading says how cells whose outcome the API leaves to the plugin are judged.
type Grading string

const (
	// GradingAPI judges as the API is written: a cell whose verdict rests on what the API leaves
	// open (engine.Provenance) and that disagrees with the engine is implementation-defined, its
	// own class, never a pass and never a failure.
	GradingAPI Grading = "api"
	// GradingUpstream judges as the upstream e2e tests do: an ipBlock matches a pod's IP, so a
	// plugin blind to pod IPs in ipBlocks fails those cells. A pod's traffic to itself stays
	// implementation-defined (the catalog's cases are written not to depend on it).
	GradingUpstream Grading = "upstream"
)

// Gradings lists every grading, the default first.
var Gradings = []Grading{GradingAPI, GradingUpstream}

// ParseGrading checks a --grading value.
func ParseGrading(s string) (Grading, error) {
	for _, g := range Gradings {
		if string(g) == s {
			return g, nil
		}
	}
	return "", fmt.Errorf("--grading: found %q, expected api or upstream", s)
}

// ImplementationDefinedCells returns the predicate for the cells that, when they disagree with
// the prediction, are implementation-defined under grading g. The engine decides, from the same
// compiled policies that made the prediction (engine.Prediction.Provenance); nothing here reads a
// policy. Only a disagreement changes class: a cell that matches is a match, and a cell the
// engine allows only through an ipBlock on a pod IP is implementation-defined only when observed
// denied, which is what a plugin applying ipBlock to external addresses only shows. Any other
// disagreement, an unexplained leak above all, stays a mismatch.
func ImplementationDefinedCells(pred *engine.Prediction, g Grading) ImplementationDefined {
	return ImplementationDefinedServiceCells(pred, nil, g)
}

// ImplementationDefinedServiceCells is ImplementationDefinedCells for a round that also probes
// Services: their cells are judged by svc's provenance, which adds the ipBlocks that read a
// Service's ClusterIP differently from its backend's IP (engine.ServiceIPInIPBlock). Grading
// upstream fails those too: the upstream e2e tests probe through Services and expect the
// backend's reading.
func ImplementationDefinedServiceCells(pred *engine.Prediction, svc *engine.ServicePrediction, g Grading) ImplementationDefined {
	return func(k CellKey) bool {
		provenance := pred.Provenance
		if k.Service {
			if svc == nil {
				return false
			}
			provenance = svc.Provenance
		}
		v, err := provenance(k.From, k.To, k.Target)
		if err != nil {
			return false
		}
		switch v {
		case engine.SelfTraffic:
			return true
		case engine.PodIPInIPBlock, engine.ServiceIPInIPBlock:
			return g != GradingUpstream
		}
		return false
	}
}
