package reports

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// Validate checks every closed vocabulary and every reference in the run and reports all problems
// at once, each as "field path: found X, expected Y", in document order.
func (r *Run) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if r.SchemaVersion != SchemaVersion {
		add("schemaVersion: found %q, expected %q", r.SchemaVersion, SchemaVersion)
	}
	if r.Synthetic != "" && strings.TrimSpace(r.Synthetic) == "" {
		add("synthetic: found %q, expected the reason the run is synthetic, or no field for a real run", r.Synthetic)
	}
	if r.CNI.Name == "" {
		add("cni.name: found \"\", expected the plugin's name")
	}
	for i, c := range r.Cases {
		p := fmt.Sprintf("cases[%d]", i)
		if c.Name == "" {
			add("%s.name: found \"\", expected the case's name", p)
		}
		if !c.Verdict.Valid() {
			add("%s.verdict: found %q, expected one of %v", p, c.Verdict, Verdicts)
		}
		for j, f := range c.Features {
			if _, err := cases.ParseFeature(string(f)); err != nil {
				add("%s.features[%d]: %v", p, j, err)
			}
		}
		errs = append(errs, validUnsupportedCells(p, c)...)
		for j, s := range c.Steps {
			errs = append(errs, s.validate(fmt.Sprintf("%s.steps[%d]", p, j))...)
		}
	}
	return errors.Join(errs...)
}

func (s Step) validate(p string) []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !s.Verdict.Valid() {
		add("%s.verdict: found %q, expected one of %v", p, s.Verdict, Verdicts)
	}
	peers := map[cases.PeerKey]bool{}
	for i, k := range s.Peers {
		if _, err := cases.ParsePeerKey(string(k)); err != nil {
			add("%s.peers[%d]: %v", p, i, err)
		}
		if peers[k] {
			add("%s.peers[%d]: %s listed twice", p, i, k)
		}
		peers[k] = true
	}
	targets := map[engine.Target]bool{}
	for i, t := range s.Targets {
		tg, err := engine.ParseTarget(t)
		if err != nil {
			add("%s.targets[%d]: %v", p, i, err)
			continue
		}
		targets[tg] = true
	}
	seen := map[string]bool{}
	for i, c := range s.Cells {
		errs = append(errs, c.validate(fmt.Sprintf("%s.cells[%d]", p, i), peers, targets, seen)...)
	}
	return errs
}

func (c Cell) validate(p string, peers map[cases.PeerKey]bool, targets map[engine.Target]bool, seen map[string]bool) []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !peers[c.From] {
		add("%s.from: found %q, expected one of the step's peers", p, c.From)
	}
	if !peers[c.To] {
		add("%s.to: found %q, expected one of the step's peers", p, c.To)
	}
	tg, err := c.Target()
	switch {
	case err != nil:
		add("%s: %v", p, err)
	case !targets[tg]:
		add("%s: target %s is not one of the step's targets", p, tg)
	}
	key := fmt.Sprintf("%s>%s %s/%d", c.From, c.To, c.Protocol, c.Port)
	if seen[key] {
		add("%s: cell %s listed twice", p, key)
	}
	seen[key] = true
	if c.Predicted != engine.Allowed && c.Predicted != engine.Denied {
		add("%s.predicted: found %q, expected one of %v", p, c.Predicted, engine.Verdicts)
	}
	if !c.Observed.Valid() {
		add("%s.observed: found %q, expected one of %v", p, c.Observed, cases.Outcomes)
	}
	for i, a := range c.Attempts {
		if !a.Valid() {
			add("%s.attempts[%d]: found %q, expected one of %v", p, i, a, cases.Outcomes)
		}
	}
	if !c.Class.Valid() {
		add("%s.class: found %q, expected one of %v", p, c.Class, Classes)
	}
	return errs
}
