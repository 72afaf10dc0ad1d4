package reports

import (
	"fmt"
	"strings"
)

// Scope is what a run covered and how: which cases it selected, the filters over them and the
// timeouts it judged by. Pass rates of runs with different scopes do not compare, so every report
// shows the scope and the matrix marks partial runs and warns when its columns differ.
type Scope struct {
	// Cases are the origins the run selected whole, e.g. "catalog" or "catalog, own";
	// notRecorded for a file whose run did not record them.
	Cases string
	// Named are the cases selected by name beside them.
	Named []string
	// Focus and Labels are the run's filters ("" for none).
	Focus, Labels                 string
	ConvergeTimeout, ProbeTimeout Duration
	Attempts                      int
	// Via is how the probes reached the pods (Options.Via: "" or ViaPods their IPs, ViaBoth their
	// IPs and their Services).
	Via string
	// SkipHairpin: with ViaBoth, no pod probed its own Service (Options.SkipHairpin).
	SkipHairpin bool
	// Lanes is how many cases ran at once (0 and 1: one after another).
	Lanes int
	// NeverRan counts the selected cases that have no verdict because the suite stopped first.
	NeverRan int
}

const notRecorded = "not recorded"

// viaRow names the scope row of a run probed through Services; a run without it dialled pod IPs
// only (absentRows).
const viaRow = "via"

// absentRows is what a scope row that a run does not show stands for, where that is not "none".
var absentRows = map[string]string{viaRow: "pod IPs"}

// neverRanPrefix starts the reason of a selected case that never ran (cnpc run records them).
const neverRanPrefix = "never ran"

// Scope returns the run's scope. Runs made before cnpc recorded its case selection encoded
// --cases in the label filter ("!generated" was the catalog, "generated" the generated cases);
// that encoding is read back, so those runs compare with today's.
func (r *Run) Scope() Scope {
	s := Scope{Cases: strings.Join(r.Options.Cases, ", "), Named: r.Options.Named, Focus: r.Options.Focus, Labels: r.Options.Labels,
		ConvergeTimeout: r.Options.ConvergeTimeout, ProbeTimeout: r.Options.ProbeTimeout, Attempts: r.Options.Attempts, Via: r.Options.Via, SkipHairpin: r.Options.SkipHairpin, Lanes: r.Options.Lanes}
	if s.Cases == "" && len(s.Named) == 0 {
		s.Cases, s.Labels = legacyCases(s.Labels)
	}
	if s.Cases == "" {
		s.Cases = "none"
	}
	for _, c := range r.Cases {
		if c.Verdict == Error && strings.HasPrefix(c.Reason, neverRanPrefix) {
			s.NeverRan++
		}
	}
	return s
}

// legacyCases reads the case selection out of an old label filter: the cases and what is left of
// the filter.
func legacyCases(labels string) (string, string) {
	for sel, cases := range map[string]string{"!generated": "catalog", "generated": "generated"} {
		switch {
		case labels == sel:
			return cases, ""
		case strings.HasPrefix(labels, sel+" && (") && strings.HasSuffix(labels, ")"):
			return cases, strings.TrimSuffix(strings.TrimPrefix(labels, sel+" && ("), ")")
		}
	}
	return notRecorded, labels
}

// Partial says why the run covers less than the whole catalog, or "" when it covers all of it: a
// selection without the catalog, a focus or label filter, or selected cases that never ran.
func (s Scope) Partial() string {
	var why []string
	if s.Cases != notRecorded && !strings.Contains(s.Cases, "catalog") {
		why = append(why, "cases "+s.Cases)
	}
	if s.Focus != "" {
		why = append(why, "focus "+s.Focus)
	}
	if s.Labels != "" {
		why = append(why, "labels "+s.Labels)
	}
	if s.NeverRan > 0 {
		why = append(why, fmt.Sprintf("%d cases never ran", s.NeverRan))
	}
	return strings.Join(why, "; ")
}

// ScopeRow is one line of a scope: what, and its value.
type ScopeRow struct {
	Name, Value string
}

// Rows are the scope as every writer shows it, in this order. A new part of the scope is a new
// row here, and every report and the matrix show it.
func (s Scope) Rows() []ScopeRow {
	rows := []ScopeRow{{"cases", s.Cases}}
	if len(s.Named) > 0 {
		rows = append(rows, ScopeRow{"cases by name", strings.Join(s.Named, ", ")})
	}
	rows = append(rows,
		ScopeRow{"focus", orNone(s.Focus)},
		ScopeRow{"labels", orNone(s.Labels)},
		ScopeRow{"converge timeout", s.ConvergeTimeout.String()},
		ScopeRow{"probe timeout", fmt.Sprintf("%s, %d attempts", s.ProbeTimeout, s.Attempts)},
	)
	if s.Via == ViaBoth {
		// Only a run that probed Services says so: its cases have Service cells, which can fail them.
		via := "pod IPs and each pod's ClusterIP Service"
		if s.SkipHairpin {
			via += ", but not a pod's own (hairpin not probed)"
		}
		rows = append(rows, ScopeRow{viaRow, via})
	}
	if s.Lanes > 1 {
		// Only a run with lanes says so: its cases ran side by side, each in its own namespaces.
		rows = append(rows, ScopeRow{"lanes", fmt.Sprintf("%d (cases side by side, each in its own copy of its namespaces)", s.Lanes)})
	}
	return rows
}

// Line is the scope on one line: "cases catalog · focus none · ...".
func (s Scope) Line() string {
	parts := make([]string, 0, 6)
	for _, r := range s.Rows() {
		parts = append(parts, r.Name+" "+r.Value)
	}
	return strings.Join(parts, " · ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// scopeDifferences lists, for each scope row whose value is not the same in every column, the
// value of each column, e.g. "focus: calico none, kube-router ^upstream-". Empty when the columns
// share one scope.
func scopeDifferences(labels []string, scopes []Scope) []string {
	if len(scopes) < 2 {
		return nil
	}
	byName := map[string][]string{}
	var order []string
	for _, s := range scopes {
		for _, r := range s.Rows() {
			if _, ok := byName[r.Name]; !ok {
				order = append(order, r.Name)
			}
			byName[r.Name] = append(byName[r.Name], r.Value)
		}
	}
	var out []string
	for _, name := range order {
		values := byName[name]
		same := len(values) == len(scopes)
		for _, v := range values {
			same = same && v == values[0]
		}
		if same {
			continue
		}
		var parts []string
		for i, s := range scopes {
			parts = append(parts, labels[i]+" "+s.value(name))
		}
		out = append(out, name+": "+strings.Join(parts, ", "))
	}
	return out
}

// value is the value of the scope's row name, or what its absence stands for ("none" unless
// absentRows says otherwise).
func (s Scope) value(name string) string {
	for _, r := range s.Rows() {
		if r.Name == name {
			return r.Value
		}
	}
	if a, ok := absentRows[name]; ok {
		return a
	}
	return "none"
}
