package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/spf13/cobra"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/clusters"
	"github.com/cnpc-dev/cnpc/images"
)

func init() { register(newRunCommand) }

// runFlags are the flags of cnpc run.
type runFlags struct {
	cni, ipFamily, nodeImage, probeImage string
	cniName, cniVersion                  string
	kubeconfig, focus, labels, suite     string
	cases, from, cacheDir                string
	out                                  string
	workers, verbosity, lanes            int
	manifests, loadImages                []string
	existing, reuse, keep, quiet         bool
	convergeTimeout, readyTimeout        time.Duration
	suiteTimeout, stabilityWindow        time.Duration
	longestWindow                        time.Duration
	grading, via                         string
	skipHairpin                          bool
	// caseDirs are --case-dir; args the positional arguments (case files or case names).
	caseDirs, args []string
	// casesGiven says --cases was given; without it a run of the user's cases runs only those.
	casesGiven bool
	// Set by check: the origins of --cases, the user's case paths (absolute) and the names of
	// catalog or generated cases to run besides.
	origins              []cases.Origin
	casePaths, caseNames []string
}

const runLong = `Run creates a kind cluster with the CNI of a profile (building from pinned sources whatever docker
lacks), installs the CNI, runs the conformance suite (bin/netpol.test) over the selected cases and
writes results.json, junit.xml, summary.md and report.html into the output directory. Every filter
is applied before a cluster exists: a selection that matches nothing stops at once.

The cases are the catalog's by default (--cases). Each CASE argument is a case file of your own, a
directory of them, or the name of a catalog or generated case; --case-dir DIR adds a directory.
Your cases run exactly as the catalog's do. Given CASE arguments or --case-dir, a run covers only
those unless --cases says more, e.g. --cases catalog,own for the catalog beside your own. Your case
files are checked before anything is built, every error as file:line:col.

Exit codes: 0 every verdict matched, 1 mismatches, 2 bad input or usage, 3 environment or
infrastructure failure.`

const runExample = `  cnpc run --cni calico
  cnpc run --cni kube-router --focus '^upstream-' --labels 'egress && !sctp'
  cnpc run --cni cilium --cases all --converge-timeout 45s --out-dir out/cilium
  cnpc run --cni custom --manifest my-cni.yaml --load-image my/cni:dev --cni-name my-cni --cni-version v0.3
  cnpc run --cni calico --existing --kubeconfig ~/.kube/config
  cnpc run --cni calico my-case.yaml other-case.yaml     # your own cases only
  cnpc run --cni calico --cases catalog,own --case-dir my-cases/
  cnpc run --cni calico three-tier upstream-egress-cidr  # two catalog cases, by name`

func newRunCommand(s streams) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:     "run --cni NAME [flags] [CASE...]",
		Short:   "create a kind cluster with a CNI, run the conformance suite, summarise",
		Long:    runLong,
		Example: runExample,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.args, f.casesGiven = args, cmd.Flags().Changed("cases")
			if err := f.check(); err != nil {
				return err
			}
			return runRun(f, s)
		},
		ValidArgsFunction: completeCases,
	}
	f.define(cmd)
	return cmd
}

// define registers the flags of cnpc run on cmd, bound to f.
func (f *runFlags) define(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.cni, "cni", "", "CNI profile: "+strings.Join(clusters.ProfileNames(), ", "))
	fs.StringVar(&f.cniName, "cni-name", "", "the CNI's name in the reports (default: the profile's; name your own with --cni custom)")
	fs.StringVar(&f.cniVersion, "cni-version", "", "the CNI's version in the reports (default: read from the running CNI, else the profile's pin; none for custom)")
	fs.IntVar(&f.workers, "workers", clusters.DefaultWorkers, "worker nodes (besides one control plane)")
	fs.StringVar(&f.ipFamily, "ip-family", string(clusters.IPv4), "ipv4, ipv6 or dual")
	fs.StringVar(&f.from, "from", string(clusters.FromSource), "where the CNI comes from: source (build the node and CNI images from pinned sources) or release (upstream manifests and registry images)")
	fs.StringVar(&f.cacheDir, "cache-dir", images.DefaultDir(), "where from-source builds keep binaries, sources and logs ($CNPC_CACHE)")
	fs.StringVar(&f.nodeImage, "node-image", "", "kind node image (default: the profile's, else kind's)")
	fs.StringArrayVar(&f.manifests, "manifest", nil, "local CNI manifest to apply instead of the profile's (repeatable)")
	fs.StringArrayVar(&f.loadImages, "load-image", nil, "local docker image to load into the nodes (repeatable)")
	fs.StringVar(&f.probeImage, "probe-image", "localhost/cnpc/probe:dev", "probe image (make probe-image builds it)")
	fs.BoolVar(&f.existing, "existing", false, "run against the cluster of --kubeconfig or KUBECONFIG; create and delete nothing")
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig: read with --existing, else written (default <out-dir>/kubeconfig)")
	fs.BoolVar(&f.reuse, "reuse", false, "reuse a kind cluster of the same name instead of recreating it")
	fs.BoolVar(&f.keep, "keep", false, "keep the cluster afterwards (and the nodes of a failed creation)")
	fs.StringVar(&f.focus, "focus", "", "run only cases matching this regular expression")
	fs.StringVar(&f.labels, "labels", "", "Ginkgo label filter over case features, e.g. 'egress && !sctp'")
	fs.StringVar(&f.cases, "cases", "catalog", "which cases: catalog (documented and upstream), generated, own (CASE files and --case-dir), comma-separated, or all; given case files, only those unless set")
	fs.StringArrayVar(&f.caseDirs, "case-dir", nil, "a directory of your own case files (*.yaml, *.yml), run as catalog cases are (repeatable)")
	fs.StringVar(&f.suite, "suite", "bin/netpol.test", "compiled suite (go test -c -o bin/netpol.test ./suites/netpol)")
	fs.StringVar(&f.out, "out-dir", "", "output directory (default reports/out/<cni>)")
	fs.DurationVar(&f.convergeTimeout, "converge-timeout", 30*time.Second, "how long a step may take to match the prediction")
	fs.DurationVar(&f.stabilityWindow, "stability-window", 2*time.Second, "least time a step must keep matching after its first match; it grows to twice the CNI's p95 time to enforce")
	fs.IntVar(&f.lanes, "lanes", defaultLanes, "how many cases run at once, each in its own copy of its namespaces (default one per two CPUs; 1: one after another, in the cases' own namespaces)")
	fs.DurationVar(&f.longestWindow, "longest-window", 10*time.Second, "the longest the stability window may grow with the CNI's times to enforce")
	fs.StringVar(&f.grading, "grading", "api", "how cells the API leaves to the plugin are judged: api (implementation-defined) or upstream (as the upstream e2e tests: an ipBlock matches pod IPs)")
	fs.StringVar(&f.via, "via", "pod", "how probes reach the pods: pod (their IPs) or both (their IPs, and from every pod a ClusterIP Service in front of each pod)")
	fs.BoolVar(&f.skipHairpin, "skip-hairpin", false, "with --via both: no pod probes its own Service (hairpin cells are never graded, and on Cilium's per-packet Service load balancing their traffic lets connections the pod's policy denies through)")
	fs.DurationVar(&f.readyTimeout, "ready-timeout", 5*time.Minute, "how long the cluster may take to become ready")
	fs.DurationVar(&f.suiteTimeout, "suite-timeout", 12*time.Hour, "how long the whole suite may run (Ginkgo's own default, 1h, cuts --cases all short)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on stderr")
	fs.IntVarP(&f.verbosity, "verbosity", "v", 0, "log detail: 0 phases, 1 debug, 2 trace")
	alias(cmd, "out", "out-dir")
	alias(cmd, "q", "quiet")
	alias(cmd, "v", "verbosity")
	cmd.RegisterFlagCompletionFunc("cni", fixedCompletion(clusters.ProfileNames()))
	cmd.RegisterFlagCompletionFunc("cases", fixedCompletion([]string{"catalog", "generated", "own", "all", "catalog,own"}))
	cmd.RegisterFlagCompletionFunc("ip-family", fixedCompletion([]string{"ipv4", "ipv6", "dual"}))
	cmd.RegisterFlagCompletionFunc("from", fixedCompletion([]string{"source", "release"}))
}

// parseRunFlags parses the flags of cnpc run as the command does and checks them; tests use it to
// look at the result without running anything.
func parseRunFlags(args []string, s streams) (*runFlags, error) {
	f := &runFlags{}
	cmd := &cobra.Command{Use: "run"}
	f.define(cmd)
	if err := cmd.ParseFlags(args); err != nil {
		return nil, usageErrorf("run: %v", err)
	}
	f.args, f.casesGiven = cmd.Flags().Args(), cmd.Flags().Changed("cases")
	return f, f.check()
}

// check reports every usage problem at once.
func (f *runFlags) check() error {
	var errs []error
	if f.cni == "" {
		errs = append(errs, fmt.Errorf("--cni: required, one of %s", strings.Join(clusters.ProfileNames(), ", ")))
	} else if _, err := clusters.LookupProfile(f.cni); err != nil {
		errs = append(errs, fmt.Errorf("--cni: %w", err))
	}
	if _, err := clusters.ParseFrom(f.from); err != nil {
		errs = append(errs, fmt.Errorf("--from: %w", err))
	}
	if _, err := clusters.ParseIPFamily(f.ipFamily); err != nil {
		errs = append(errs, fmt.Errorf("--ip-family: %w", err))
	}
	if _, err := regexp.Compile(f.focus); err != nil {
		errs = append(errs, fmt.Errorf("--focus: expected a regular expression: %w", err))
	}
	if _, err := types.ParseLabelFilter(f.labels); err != nil {
		errs = append(errs, fmt.Errorf("--labels: expected a Ginkgo label filter such as 'egress && !sctp': %s", plainGinkgoError(err)))
	}
	errs = append(errs, f.checkCases()...)
	if f.convergeTimeout <= 0 || f.readyTimeout <= 0 || f.suiteTimeout <= 0 {
		errs = append(errs, errors.New("--converge-timeout, --ready-timeout and --suite-timeout: expected positive durations"))
	}
	if f.stabilityWindow < 0 || f.stabilityWindow > f.convergeTimeout {
		errs = append(errs, fmt.Errorf("--stability-window: found %s, expected 0 to --converge-timeout", f.stabilityWindow))
	}
	if f.longestWindow < f.stabilityWindow {
		errs = append(errs, fmt.Errorf("--longest-window: found %s, expected at least --stability-window (%s)", f.longestWindow, f.stabilityWindow))
	}
	if f.lanes < 1 || f.lanes > maxLanes {
		errs = append(errs, fmt.Errorf("--lanes: found %d, expected 1 to %d", f.lanes, maxLanes))
	}
	if f.grading != "api" && f.grading != "upstream" {
		errs = append(errs, fmt.Errorf("--grading: found %q, expected api or upstream", f.grading))
	}
	if f.via != "pod" && f.via != "both" {
		errs = append(errs, fmt.Errorf("--via: found %q, expected pod or both", f.via))
	}
	if f.skipHairpin && f.via != "both" {
		errs = append(errs, fmt.Errorf("--skip-hairpin: found --via %s, expected --via both (only Services have hairpin probes)", f.via))
	}
	if f.existing && (f.reuse || f.nodeImage != "" || len(f.manifests) > 0 || len(f.loadImages) > 0) {
		errs = append(errs, errors.New("--existing: cannot be combined with --reuse, --node-image, --manifest or --load-image (cnpc does not manage that cluster)"))
	}
	if len(errs) > 0 {
		return usageErrorf("%w", errors.Join(errs...))
	}
	if f.out == "" {
		f.out = filepath.Join("reports", "out", f.cni)
	}
	if f.kubeconfig == "" && !f.existing {
		f.kubeconfig = filepath.Join(f.out, "kubeconfig")
	}
	if f.kubeconfig == "" {
		f.kubeconfig = defaultKubeconfig()
	}
	return nil
}

// reportedName is the CNI's name in the reports: --cni-name, else the profile's.
func (f *runFlags) reportedName() string {
	if f.cniName != "" {
		return f.cniName
	}
	return f.cni
}

// labelFilter is the suite's label filter: --labels (the suite itself picks the cases of --cases).
func (f *runFlags) labelFilter() string { return f.labels }

// checkCases sorts the positional arguments into the user's case files (a file or directory that
// exists) and names of catalog or generated cases, and checks them against --cases: without
// --cases, a run given case files runs those (own) and one given names only those; own needs case
// files, and case files need own.
func (f *runFlags) checkCases() []error {
	var errs []error
	paths := slices.Clone(f.caseDirs)
	for _, a := range f.args {
		if _, err := os.Stat(a); err == nil {
			paths = append(paths, a)
			continue
		}
		if c, err := caseByName(a); err != nil || c == nil {
			errs = append(errs, fmt.Errorf("%s: no such file, and no catalog or generated case has that name (cnpc cases list)", a))
			continue
		}
		f.caseNames = append(f.caseNames, a)
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f.casePaths = append(f.casePaths, abs)
	}
	if !f.casesGiven && len(f.args)+len(f.caseDirs) > 0 {
		f.cases = "none"
		if len(f.casePaths) > 0 {
			f.cases = string(cases.OriginOwn)
		}
	}
	origins, err := cases.ParseOrigins(f.cases)
	if err != nil {
		return append(errs, fmt.Errorf("--cases: %w", err))
	}
	if len(f.casePaths) == 0 && !slices.Contains(strings.Split(f.cases, ","), string(cases.OriginOwn)) {
		origins = slices.DeleteFunc(origins, func(o cases.Origin) bool { return o == cases.OriginOwn }) // all, without files
	}
	f.origins = origins
	own := slices.Contains(origins, cases.OriginOwn)
	switch {
	case own && len(f.casePaths) == 0 && len(errs) == 0:
		errs = append(errs, fmt.Errorf("--cases %s: own needs case files: CASE.yaml arguments or --case-dir DIR", f.cases))
	case !own && len(f.casePaths) > 0:
		errs = append(errs, fmt.Errorf("--cases %s leaves out your case files (%s); add own, e.g. --cases %s,own", f.cases, strings.Join(f.casePaths, ", "), f.cases))
	}
	return errs
}

func defaultKubeconfig() string {
	if k := os.Getenv("KUBECONFIG"); k != "" {
		return strings.Split(k, string(os.PathListSeparator))[0]
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".kube", "config")
	}
	return ""
}

// logger returns the slog logger for -q and -v: phases only at 0, library info at 1, debug at 2.
func (f *runFlags) logger(w io.Writer) *slog.Logger {
	if f.quiet {
		return slog.New(slog.DiscardHandler)
	}
	level := slog.LevelWarn
	switch {
	case f.verbosity >= 2:
		level = slog.LevelDebug
	case f.verbosity == 1:
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func runRun(f *runFlags, s streams) error {
	suite, err := filepath.Abs(f.suite)
	if err == nil {
		_, err = os.Stat(suite)
	}
	if err != nil {
		return envError(fmt.Errorf("suite binary: %w (build it with: go test -c -o bin/netpol.test ./suites/netpol, or make conformance)", err))
	}
	if err := os.MkdirAll(f.out, 0o755); err != nil {
		return envError(err)
	}
	r := &runner{f: f, s: s, suite: suite, ph: &phases{w: s.Err, quiet: f.quiet, now: time.Now}, log: f.logger(s.Err)}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs, done := make(chan os.Signal, 2), make(chan struct{})
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer func() { signal.Stop(sigs); close(done) }()
	go func() {
		select {
		case sig := <-sigs:
			fmt.Fprintln(s.Err, "interrupted: stopping the case in progress and writing the reports of the cases done so far (interrupt again to delete the cluster and exit at once)")
			cancel(fmt.Errorf("%v", sig))
		case <-done:
			return
		}
		select {
		case <-sigs:
			r.abort()
		case <-done:
		}
	}()
	err = r.run(ctx)
	if ctx.Err() != nil {
		if !errors.Is(err, ctx.Err()) {
			err = errors.Join(err, ctx.Err())
		}
		return envError(fmt.Errorf("interrupted: %w", err))
	}
	return err
}

// ginkgoMarkup matches Ginkgo's colour markup, e.g. {{red}}{{bold}} and {{/}}.
var ginkgoMarkup = regexp.MustCompile(`\{\{[a-z/]*\}\}`)

// plainGinkgoError is a Ginkgo error on one line without terminal colours: "heading: message".
func plainGinkgoError(err error) string {
	var ge types.GinkgoError
	if !errors.As(err, &ge) {
		return err.Error()
	}
	msg := strings.ReplaceAll(strings.TrimSpace(ginkgoMarkup.ReplaceAllString(ge.Message, "")), "\n", ": ")
	return ge.Heading + ": " + msg
}

// defaultLanes is the suite's default (suites/netpol DefaultLanes; cmd may not import suites):
// one lane per two CPUs. maxLanes bounds --lanes.
var defaultLanes = max(1, runtime.NumCPU()/2)

const maxLanes = 16
