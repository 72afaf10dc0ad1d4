package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/reports"
)

// TestSelectCases dry-runs the real suite binary with cnpc's filters: the contract between cnpc
// run and suites/netpol (its --focus flag, Ginkgo's dry run and JSON report) is checked end to
// end, with no cluster. The expected names come from the catalog itself, not from the suite.
func TestSelectCases(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("building the suite binary needs the go tool: %v", err)
	}
	suite := filepath.Join(t.TempDir(), "netpol.test")
	build := exec.Command(gobin, "test", "-c", "-o", suite, "../../suites/netpol")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c ./suites/netpol: %v\n%s", err, out)
	}
	catalog, err := cases.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	names := func(cs []*cases.Case, keep func(*cases.Case) bool) []string {
		var out []string
		for _, c := range cs {
			if keep(c) {
				out = append(out, c.Name)
			}
		}
		return out
	}
	all := func(*cases.Case) bool { return true }
	catalogOnly := []cases.Origin{cases.OriginCatalog}
	// Two cases of a user's: mine-a has no features and exercises no TCP rule, mine-b carries a
	// free label.
	own := writeCaseFiles(t, map[string]string{
		"a.yaml":     strings.Replace(strings.Replace(validCase, "name: ok", "name: mine-a", 1), "features: [ingress, deny-all]\n", "", 1),
		"sub/b.yaml": strings.Replace(strings.Replace(validCase, "name: ok", "name: mine-b", 1), "[ingress, deny-all]", "[ingress, team-a]", 1),
	})
	upstream := func(c *cases.Case) bool { return strings.HasPrefix(c.Name, "upstream-") }
	upstreamNoSCTP := func(c *cases.Case) bool { return upstream(c) && !slices.Contains(c.Features, cases.Feature("sctp")) }
	tests := []struct {
		name string
		f    runFlags
		want []string
	}{
		{"catalog", runFlags{origins: catalogOnly}, names(catalog, all)},
		{"generated", runFlags{origins: []cases.Origin{cases.OriginGenerated}}, names(cases.Generated(), all)},
		{"anchored focus", runFlags{origins: catalogOnly, focus: "^upstream-"}, names(catalog, upstream)},
		{"focus and labels", runFlags{origins: cases.Origins, focus: "^upstream-", labels: "!sctp"}, names(catalog, upstreamNoSCTP)},
		{"nothing matches", runFlags{origins: catalogOnly, focus: "^no-such-case$"}, nil},
		{"your cases beside the catalog", runFlags{origins: []cases.Origin{cases.OriginCatalog, cases.OriginOwn}, casePaths: []string{own}}, append(names(catalog, all), "mine-a", "mine-b")},
		{"your cases alone, with a catalog case by name and a free label", runFlags{origins: []cases.Origin{cases.OriginOwn}, casePaths: []string{own}, caseNames: []string{"three-tier"}, labels: "team-a || tcp"},
			[]string{"three-tier", "mine-b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.want) == 0 && tt.name != "nothing matches" {
				t.Fatal("fixture: expected some names")
			}
			r := &runner{f: &tt.f, suite: suite}
			sel, err := r.selectCases(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// The set matters, not the order (Ginkgo reports specs in its own order).
			got := slices.Sorted(slices.Values(sel.names))
			if diff := cmp.Diff(slices.Sorted(slices.Values(tt.want)), got); diff != "" {
				t.Errorf("selected %d cases, want %d (-want +got):\n%s", len(got), len(tt.want), diff)
			}
		})
	}
}

// TestNotRun: a selected case without a result is added as an error with its features, so the
// reports and the exit code show a run that stopped early.
func TestNotRun(t *testing.T) {
	catalog, err := cases.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	first, second := catalog[0], catalog[1]
	run := &reports.Run{Cases: []reports.Case{{Name: first.Name, Verdict: reports.Pass}}}
	mine := &cases.Case{Name: "mine", Source: "me", Features: []cases.Feature{cases.FeatureIngress}}
	missing := notRun(run, selection{names: []string{first.Name, second.Name, mine.Name}}, "the suite stopped before it", reports.Error, []*cases.Case{mine})
	if !slices.Equal(missing, []string{second.Name, mine.Name}) {
		t.Fatalf("missing = %v, want [%s mine]", missing, second.Name)
	}
	if got := run.Cases[2]; got.Source != "me" || !slices.Equal(got.Features, mine.Features) {
		t.Errorf("a case of your own that never ran: %+v, want its source and features", got)
	}
	got := run.Cases[1]
	if got.Name != second.Name || got.Verdict != reports.Error || !strings.Contains(got.Reason, "never ran") || !slices.Equal(got.Features, second.Features) || got.Source != second.Source {
		t.Errorf("added case = %+v, want %s as an error that never ran, with its features and source", got, second.Name)
	}
}
