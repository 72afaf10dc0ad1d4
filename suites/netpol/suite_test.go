package netpol

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/internal/version"
	"github.com/cnpc-dev/cnpc/reports"
)

// opts are the suite's flags; `cnpc run` passes them to the compiled test binary.
var opts = DefaultOptions()

// focus selects cases by name (a regular expression, unanchored unless it says ^ or $). Ginkgo's
// own --ginkgo.focus matches "<suite description> <spec text>", so ^upstream- could never match.
var focus string

// selection is which cases get a spec (--cases, --case-name, --case-path); origins is --cases.
var (
	selection Selection
	origins   = "all"
)

func init() {
	flag.StringVar(&opts.Kubeconfig, "kubeconfig", "", "kubeconfig of the cluster to test; without it the suite is skipped")
	flag.StringVar(&opts.CNI, "cni", "unknown", "name of the CNI under test, for the report")
	flag.StringVar(&opts.CNIVersion, "cni-version", "", "version of the CNI under test, for the report")
	flag.Func("cni-note", "how the CNI was set up where that departs from its defaults, for the report (repeatable)", func(v string) error {
		opts.CNINotes = append(opts.CNINotes, v)
		return nil
	})
	flag.StringVar(&opts.ProbeImage, "probe-image", opts.ProbeImage, "probe image, already loaded into the nodes and present in the local docker")
	flag.StringVar(&opts.ProbeBinary, "probe-binary", opts.ProbeBinary, "path of cnpc-probe inside the probe image")
	flag.StringVar(&opts.Results, "results", "", "write the JSON results here, rewritten after every case")
	flag.DurationVar(&opts.ConvergeTimeout, "converge-timeout", opts.ConvergeTimeout, "how long a step may take to match the prediction")
	flag.DurationVar(&opts.ReadyTimeout, "ready-timeout", opts.ReadyTimeout, "how long to wait for pods and namespaces")
	flag.DurationVar(&opts.ProbeTimeout, "probe-timeout", opts.ProbeTimeout, "timeout of one probe attempt")
	flag.IntVar(&opts.Attempts, "probe-attempts", opts.Attempts, "attempts per probe and round")
	flag.StringVar(&focus, "focus", "", "run only the cases whose name matches this regular expression")
	flag.Func("grading", "how cells the API leaves to the plugin are judged: api (implementation-defined, the default) or upstream (as the upstream e2e tests: ipBlock matches pod IPs)", func(v string) error {
		g, err := ParseGrading(v)
		opts.Grading = g
		return err
	})
	flag.Func("via", "how probes reach the pods: pod (their IPs, the default) or both (also through a ClusterIP Service in front of each pod, from every pod)", func(v string) error {
		via, err := ParseVia(v)
		opts.Via = via
		return err
	})
	flag.BoolVar(&opts.SkipHairpin, "skip-hairpin", false, "with --via both: no pod probes its own Service (hairpin cells are never graded, and their traffic can change how a CNI judges the pod's other connections)")
	flag.StringVar(&opts.RunID, "run-id", "", "id that marks this run's namespaces (default: the start time and a random suffix); cleanup deletes only this run's")
	flag.DurationVar(&opts.StabilityWindow, "stability-window", opts.StabilityWindow, "least time a step must keep matching after its first match (it grows to twice the CNI's p95 time to enforce)")
	flag.DurationVar(&opts.LongestWindow, "longest-window", opts.LongestWindow, "the longest stability window the CNI's times to enforce may size")
	flag.IntVar(&opts.Lanes, "lanes", opts.Lanes, "how many cases run side by side, each in its own copy of its namespaces")
	flag.StringVar(&opts.DockerNetwork, "docker-network", opts.DockerNetwork, "docker network of the kind nodes, joined by external hosts")
	flag.StringVar(&origins, "cases", origins, "which cases: catalog, generated, own (the --case-path files), comma-separated, all or none")
	flag.Func("case-name", "run this catalog or generated case besides --cases (repeatable)", func(v string) error {
		selection.Names = append(selection.Names, v)
		return nil
	})
	flag.Func("case-path", "a user's case file, or a directory of them: the cases of --cases own (repeatable)", func(v string) error {
		selection.Paths = append(selection.Paths, v)
		return nil
	})
}

// The run's shared state, set up once by BeforeSuite.
var (
	suite   *Suite
	results *Results
	prog    = newProgress(os.Stderr)
	// cnpc's own cases are built when the package is, before flags matter; their error fails
	// BeforeSuite. selected is what the flags choose of them and of the user's cases.
	catalog, generated, catalogErr = builtinCases()
	selected                       []*cases.Case
	// registered are the cases with a spec; schedule runs those Ginkgo will run on the lanes.
	registered []*cases.Case
	schedule   *Schedule
)

func TestNetpol(t *testing.T) {
	re, err := regexp.Compile(focus)
	if err != nil {
		t.Fatalf("--focus: expected a regular expression over case names: %v", err)
	}
	if selection.Origins, err = cases.ParseOrigins(origins); err != nil {
		t.Fatalf("--cases: %v", err)
	}
	if selected, err = selection.Cases(catalog, generated); err != nil {
		t.Fatalf("%v", err)
	}
	// A dry run (--ginkgo.dry-run) runs no node, so it needs no cluster: cnpc run uses one to
	// learn which cases its filters select before it creates anything.
	if sc, _ := GinkgoConfiguration(); sc.DryRun {
		registered = registerCases(selected, re)
		RunSpecs(t, "cnpc NetworkPolicy conformance")
		return
	}
	if opts.Kubeconfig == "" {
		t.Skip("suites/netpol needs a cluster: no --kubeconfig given, so the conformance suite is skipped (cnpc run creates a cluster and passes one)")
	}
	if testing.Short() {
		t.Skip("suites/netpol is an integration suite: skipped with -short")
	}
	RegisterFailHandler(Fail)
	registered = registerCases(selected, re)
	RunSpecs(t, "cnpc NetworkPolicy conformance")
}

var _ = ReportBeforeSuite(func(r Report) {
	prog.total = r.PreRunStats.SpecsThatWillRun
})

var _ = BeforeSuite(func(ctx SpecContext) {
	Expect(catalogErr).NotTo(HaveOccurred(), "load the case catalog")
	var err error
	By("connecting to the cluster")
	suite, err = NewSuite(ctx, opts)
	Expect(err).NotTo(HaveOccurred())
	fmt.Fprintf(GinkgoWriter, "nodes %v, pod routes %v\n", suite.Nodes, suite.Routes)
	sc, _ := GinkgoConfiguration()
	run, err := scheduled(registered, sc, opts.Lanes)
	Expect(err).NotTo(HaveOccurred())
	if len(run) != prog.total {
		Fail(fmt.Sprintf("the lanes would run %d cases and Ginkgo %d specs: the suite's selection and Ginkgo's disagree", len(run), prog.total))
	}
	By("checking that our namespace names are free or ours")
	Expect(CheckLaneNames(opts.Lanes, namespaceNames(run), externalNames(run))).To(Succeed())
	Expect(suite.Cluster.CheckOwnership(ctx, laneNamespaceNames(opts.Lanes, run))).To(Succeed())
	header := runHeader(opts)
	header.RunID = suite.Cluster.RunID
	results, err = NewResults(opts.Results, header)
	Expect(err).NotTo(HaveOccurred())
	info, err := suite.Cluster.Info(ctx)
	Expect(err).NotTo(HaveOccurred())
	results.SetCluster(info)
	results.SetFilters(focus, sc.LabelFilter, selection)
	if !suite.ExternalsOK {
		fmt.Fprintf(GinkgoWriter, "external hosts unsupported here: %s\n", suite.ExternalsWhy)
	}
	By("deleting the policies that earlier runs left in our namespaces")
	Expect(suite.Cluster.DeleteAllPolicies(ctx)).To(Succeed())
	By("creating the standard topology and checking the baseline")
	lanes := suite.NewLanes(opts.Lanes)
	std := cases.Standard()
	real, err := lanes[0].SetUp(ctx, std)
	Expect(err).NotTo(HaveOccurred(), "set up the standard topology")
	Expect(lanes[0].EnsurePolicies(ctx, std.Namespaces, nil)).To(Succeed())
	pred, conv, err := lanes[0].Check(ctx, real, nil, Window{})
	Expect(err).NotTo(HaveOccurred())
	if v := StepVerdict(conv); v != reports.Pass && v != reports.ImplementationDefined {
		Fail(FailureText("cluster not healthy: with no policy every pod must reach every other", pred, conv))
	}
	suite.Unsupported = UnsupportedProtocols(conv.Final)
	unsupported := describeUnsupported(suite.Unsupported)
	results.SetUnsupported(unsupported)
	prog.printf("baseline: %d probes, %d polls, converged in %s%s\n", len(conv.Final.Cells), conv.Polls, conv.Time.Round(time.Millisecond), unsupportedNote(unsupported))
	if opts.Lanes > 1 {
		prog.printf("%d lanes: up to %d cases at once, each in its own copy of its namespaces\n", opts.Lanes, opts.Lanes)
	}
	schedule = StartSchedule(lanes, SpecOrder(run), caseTimeout, runCase)
}, NodeTimeout(10*time.Minute))

var _ = AfterSuite(func(ctx SpecContext) {
	if suite == nil {
		return
	}
	if schedule != nil {
		By("stopping the lanes")
		schedule.Stop(errors.New("the suite ended"))
		// After an interruption, the cases the other lanes finished or were running.
		for _, r := range schedule.Rest() {
			if err := results.Add(r.Rec); err != nil {
				fmt.Fprintf(GinkgoWriter, "%v\n", err)
			}
		}
	}
	suite.Sessions.CloseAll()
	By("deleting the namespaces of this run (" + suite.Cluster.RunID + ")")
	names, err := suite.Cluster.RunNamespaces(ctx)
	Expect(err).NotTo(HaveOccurred())
	Expect(suite.Cluster.DeleteNamespaces(ctx, names)).To(Succeed())
	if results != nil {
		Expect(results.Finish()).To(Succeed())
	}
}, NodeTimeout(3*time.Minute))

func runHeader(o Options) reports.Run {
	return reports.Run{
		Tool: reports.Tool{Version: version.Version, Commit: version.Commit},
		CNI:  reports.CNI{Name: o.CNI, Version: o.CNIVersion, Notes: o.CNINotes},
		Options: reports.Options{ConvergeTimeout: reports.Duration(o.ConvergeTimeout), ProbeTimeout: reports.Duration(o.ProbeTimeout), Attempts: o.Attempts,
			Grading: string(o.Grading), Via: string(o.Via), SkipHairpin: o.SkipHairpin, Lanes: o.Lanes, StabilityWindow: reports.Duration(o.StabilityWindow), LongestWindow: reports.Duration(o.LongestWindow)},
	}
}

func unsupportedNote(u []string) string {
	if len(u) == 0 {
		return ""
	}
	return "; unsupported here: " + strings.Join(u, "; ")
}
