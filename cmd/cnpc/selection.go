package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/reports"
)

// selection is what the suite will run with this run's filters: its case names in run order. It
// comes from a dry run of the suite binary, so the suite itself applies --cases, --focus and
// --labels, exactly as in the real run.
type selection struct {
	names []string
}

// filterArgs are the suite flags that select cases; the dry run and the real run share them.
func (f *runFlags) filterArgs() []string {
	args := []string{"--cases=" + originList(f.origins)}
	for _, p := range f.casePaths {
		args = append(args, "--case-path="+p)
	}
	for _, n := range f.caseNames {
		args = append(args, "--case-name="+n)
	}
	if f.focus != "" {
		args = append(args, "--focus="+f.focus)
	}
	if l := f.labelFilter(); l != "" {
		args = append(args, "--ginkgo.label-filter="+l)
	}
	return args
}

// selectCases dry-runs the suite (no cluster needed, no node body runs) and reads Ginkgo's JSON
// report. It runs before any cluster exists, so an empty selection or a broken suite binary costs
// a second, not a cluster.
func (r *runner) selectCases(ctx context.Context) (selection, error) {
	dir, err := os.MkdirTemp("", "cnpc-select-")
	if err != nil {
		return selection{}, err
	}
	defer os.RemoveAll(dir)
	report := filepath.Join(dir, "dry-run.json")
	args := append([]string{onlyTheSuite, "--ginkgo.dry-run", "--ginkgo.no-color", "--ginkgo.json-report=" + report}, r.f.filterArgs()...)
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, r.suite, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return selection{}, fmt.Errorf("dry run of the suite %s %s: %w\n%s", r.suite, strings.Join(args, " "), err, lastLines(out.String(), 20))
	}
	return readSelection(report)
}

// readSelection reads a Ginkgo JSON report of a dry run: the specs it would run passed, the
// others were skipped.
func readSelection(path string) (selection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return selection{}, fmt.Errorf("dry run report: %w", err)
	}
	var rs []types.Report
	if err := json.Unmarshal(data, &rs); err != nil {
		return selection{}, fmt.Errorf("dry run report %s: %w", path, err)
	}
	if len(rs) != 1 {
		return selection{}, fmt.Errorf("dry run report %s: found %d suites, expected 1", path, len(rs))
	}
	var sel selection
	for _, s := range rs[0].SpecReports {
		if s.LeafNodeType == types.NodeTypeIt && s.State == types.SpecStatePassed {
			sel.names = append(sel.names, s.LeafNodeText)
		}
	}
	return sel, nil
}

// originList is the suite's --cases value for origins.
func originList(origins []cases.Origin) string {
	if len(origins) == 0 {
		return "none"
	}
	names := make([]string, len(origins))
	for i, o := range origins {
		names[i] = string(o)
	}
	return strings.Join(names, ",")
}

// describeFilters names the filters, for the message when nothing matches.
func (f *runFlags) describeFilters() string {
	s := "--cases " + originList(f.origins)
	if len(f.casePaths) > 0 {
		s += " with " + reports.SomeNames(f.casePaths, 3)
	}
	if len(f.caseNames) > 0 {
		s += " and " + reports.SomeNames(f.caseNames, 3)
	}
	if f.focus != "" {
		s += fmt.Sprintf(" --focus %q", f.focus)
	}
	if f.labels != "" {
		s += fmt.Sprintf(" --labels %q", f.labels)
	}
	return s
}

// notRun records every selected case (of the catalog, the generator or own) that has no result, so a run cut short (suite timeout, a
// crash) shows what it did not check instead of looking like a smaller, complete run. Each
// counts as an error: it has no verdict.
func notRun(run *reports.Run, sel selection, why string, v reports.Verdict, own []*cases.Case) []string {
	have := map[string]bool{}
	for _, c := range run.Cases {
		have[c.Name] = true
	}
	var missing []string
	for _, name := range sel.names {
		if !have[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	known := map[string]*cases.Case{}
	if cat, err := cases.Catalog(); err == nil {
		for _, c := range cat {
			known[c.Name] = c
		}
	}
	for _, c := range append(cases.Generated(), own...) {
		known[c.Name] = c
	}
	for _, name := range missing {
		rc := reports.Case{Name: name, Verdict: v, Reason: "never ran: " + why}
		if c := known[name]; c != nil {
			rc.Description, rc.Source, rc.Features = c.Description, c.Source, c.Features
		}
		run.Cases = append(run.Cases, rc)
	}
	return missing
}

// lastLines is the end of a command's output, enough to show why it failed.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
