package reports

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
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
	if v := r.Options.Via; v != "" && v != ViaPods && v != ViaBoth {
		add("options.via: found %q, expected one of [%s %s]", v, ViaPods, ViaBoth)
	}
	if r.Options.SkipHairpin && r.Options.Via != ViaBoth {
		add("options.skipHairpin: found true with via %q, expected via %q (only Services have hairpin probes)", r.Options.Via, ViaBoth)
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
	seen := map[cellKey]bool{}
	for i, c := range s.Cells {
		errs = append(errs, c.validate(fmt.Sprintf("%s.cells[%d]", p, i), peers, targets, seen)...)
	}
	return append(errs, s.validServiceIPs(p, peers)...)
}

// validServiceIPs checks that every key of ServiceIPs is a pod of the step and every value an IP
// address, in key order.
func (s Step) validServiceIPs(p string, peers map[cases.PeerKey]bool) []error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(s.ServiceIPs)) {
		if !peers[k] || !k.IsPod() {
			errs = append(errs, fmt.Errorf("%s.serviceIPs: found %q, expected one of the step's pods", p, k))
		}
		if _, err := netip.ParseAddr(s.ServiceIPs[k]); err != nil {
			errs = append(errs, fmt.Errorf("%s.serviceIPs.%s: found %q, expected an IP address", p, k, s.ServiceIPs[k]))
		}
	}
	return errs
}

func (c Cell) validate(p string, peers map[cases.PeerKey]bool, targets map[engine.Target]bool, seen map[cellKey]bool) []error {
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
	errs = append(errs, c.validVia(p)...)
	key := cellKeyOf(c)
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

// validVia checks the cell's Via, and that a Service cell joins two pods: only pods probe Services,
// and only pods have one.
func (c Cell) validVia(p string) []error {
	switch {
	case c.Via == "":
		return nil
	case c.Via != ViaService:
		return []error{fmt.Errorf("%s.via: found %q, expected %q or no field", p, c.Via, ViaService)}
	}
	var errs []error
	if !c.From.IsPod() {
		errs = append(errs, fmt.Errorf("%s.from: found %q, expected a pod: only pods probe Services", p, c.From))
	}
	if !c.To.IsPod() {
		errs = append(errs, fmt.Errorf("%s.to: found %q, expected a pod: only pods have a Service", p, c.To))
	}
	return errs
}
