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
	"strings"
	"syscall"
	"time"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/spf13/cobra"

	"github.com/cnpc-dev/cnpc/clusters"
	"github.com/cnpc-dev/cnpc/images"
)

func init() { register(newRunCommand) }

// runFlags are the flags of cnpc run.
type runFlags struct {
	cni, ipFamily, nodeImage, probeImage string
	kubeconfig, focus, labels, suite     string
	cases, from, cacheDir                string
	out                                  string
	workers, verbosity                   int
	manifests, loadImages                []string
	existing, reuse, keep, quiet         bool
	convergeTimeout, readyTimeout        time.Duration
	suiteTimeout                         time.Duration
}

const runLong = `Run creates a kind cluster with the CNI of a profile (building from pinned sources whatever docker
lacks), installs the CNI, runs the conformance suite (bin/netpol.test) over the selected cases and
writes results.json, junit.xml, summary.md and report.html into the output directory. Every filter
is applied before a cluster exists: a selection that matches nothing stops at once.

Exit codes: 0 every verdict matched, 1 mismatches, 2 bad input or usage, 3 environment or
infrastructure failure.`

const runExample = `  cnpc run --cni calico
  cnpc run --cni kube-router --focus '^upstream-' --labels 'egress && !sctp'
  cnpc run --cni cilium --cases all --converge-timeout 45s --out-dir out/cilium
  cnpc run --cni custom --manifest my-cni.yaml --load-image my/cni:dev
  cnpc run --cni calico --existing --kubeconfig ~/.kube/config`

func newRunCommand(s streams) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:     "run --cni NAME [flags]",
		Short:   "create a kind cluster with a CNI, run the conformance suite, summarise",
		Long:    runLong,
		Example: runExample,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.check(); err != nil {
				return err
			}
			return runRun(f, s)
		},
	}
	f.define(cmd)
	return cmd
}

// define registers the flags of cnpc run on cmd, bound to f.
func (f *runFlags) define(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.cni, "cni", "", "CNI profile: "+strings.Join(clusters.ProfileNames(), ", "))
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
	fs.StringVar(&f.cases, "cases", "catalog", "which cases: catalog (documented and upstream), generated, or all")
	fs.StringVar(&f.suite, "suite", "bin/netpol.test", "compiled suite (go test -c -o bin/netpol.test ./suites/netpol)")
	fs.StringVar(&f.out, "out-dir", "", "output directory (default reports/out/<cni>)")
	fs.DurationVar(&f.convergeTimeout, "converge-timeout", 30*time.Second, "how long a step may take to match the prediction")
	fs.DurationVar(&f.readyTimeout, "ready-timeout", 5*time.Minute, "how long the cluster may take to become ready")
	fs.DurationVar(&f.suiteTimeout, "suite-timeout", 12*time.Hour, "how long the whole suite may run (Ginkgo's own default, 1h, cuts --cases all short)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on stderr")
	fs.IntVarP(&f.verbosity, "verbosity", "v", 0, "log detail: 0 phases, 1 debug, 2 trace")
	alias(cmd, "out", "out-dir")
	alias(cmd, "q", "quiet")
	alias(cmd, "v", "verbosity")
	cmd.RegisterFlagCompletionFunc("cni", fixedCompletion(clusters.ProfileNames()))
	cmd.RegisterFlagCompletionFunc("cases", fixedCompletion([]string{"catalog", "generated", "all"}))
	cmd.RegisterFlagCompletionFunc("ip-family", fixedCompletion([]string{"ipv4", "ipv6", "dual"}))
	cmd.RegisterFlagCompletionFunc("from", fixedCompletion([]string{"source", "release"}))
}

// parseRunFlags parses the flags of cnpc run as the command does and checks them; tests use it to
// look at the result without running anything.
func parseRunFlags(args []string, s streams) (*runFlags, error) {
	f := &runFlags{}
	cmd := &cobra.Command{Use: "run", Args: noArgs}
	f.define(cmd)
	if err := cmd.ParseFlags(args); err != nil {
		return nil, usageErrorf("cnpc run: %v", err)
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		return nil, err
	}
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
	if _, ok := casesFilters[f.cases]; !ok {
		errs = append(errs, fmt.Errorf("--cases: found %q, expected catalog, generated or all", f.cases))
	}
	if f.convergeTimeout <= 0 || f.readyTimeout <= 0 || f.suiteTimeout <= 0 {
		errs = append(errs, errors.New("--converge-timeout, --ready-timeout and --suite-timeout: expected positive durations"))
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

// casesFilters maps --cases to the Ginkgo label filter that selects those cases.
var casesFilters = map[string]string{"catalog": "!generated", "generated": "generated", "all": ""}

// labelFilter is the suite's label filter: the --cases selection AND --labels.
func (f *runFlags) labelFilter() string {
	sel := casesFilters[f.cases]
	switch {
	case sel == "":
		return f.labels
	case f.labels == "":
		return sel
	}
	return sel + " && (" + f.labels + ")"
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r := &runner{f: f, s: s, suite: suite, ph: &phases{w: s.Err, quiet: f.quiet, now: time.Now}, log: f.logger(s.Err)}
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
