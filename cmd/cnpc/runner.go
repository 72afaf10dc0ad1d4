package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/clusters"
	"github.com/cnpc-dev/cnpc/images"
	"github.com/cnpc-dev/cnpc/reports"
)

// runner carries one cnpc run through its phases: cluster, CNI, readiness, images, suite,
// summary, teardown.
type runner struct {
	f     *runFlags
	s     streams
	suite string
	ph    *phases
	log   *slog.Logger
	// mu guards c, which abort reads from the signal goroutine.
	mu sync.Mutex
	c  *clusters.Cluster
	// own are the user's cases, loaded before anything else, as the suite loads them.
	own []*cases.Case
}

func (r *runner) run(ctx context.Context) (err error) {
	start := time.Now()
	p, _ := clusters.LookupProfile(r.f.cni) // checked by parseRunFlags
	if err := r.loadOwn(); err != nil {
		return err
	}
	if err := r.ph.run("Checking the profile, its manifests, docker and the images to load", func() error { return r.preflight(ctx, p) }); err != nil {
		return err
	}
	var sel selection
	if err := r.ph.run("Selecting cases ("+r.f.describeFilters()+")", func() (err error) {
		sel, err = r.selectCases(ctx)
		return err
	}); err != nil {
		return envError(err)
	}
	if len(sel.names) == 0 {
		return inputError(fmt.Errorf("no case matches %s (--focus is a regular expression over case names; cnpc cases list shows the catalog's names and features, cnpc cases list --generated the generated ones)", r.f.describeFilters()))
	}
	r.ph.note("%d cases selected", len(sel.names))
	if p, err = r.install(ctx, p); err != nil {
		return err
	}
	c, err := r.cluster(p)
	if err != nil {
		return inputError(err)
	}
	r.mu.Lock()
	r.c = c
	r.mu.Unlock()
	defer func() { err = errors.Join(err, r.teardown()) }()
	if err := r.up(ctx); err != nil {
		return envError(err)
	}
	version := r.cniVersion(ctx)
	results := filepath.Join(r.f.out, "results.json")
	os.Remove(results) // a stale file must not pass for this run's results
	suiteErr := r.ph.run("Running the conformance suite ("+strings.TrimSpace(r.f.reportedName()+" "+version)+")", func() error {
		return r.runSuite(ctx, version, results)
	})
	return r.summarise(ctx, results, sel, suiteErr, time.Since(start))
}

// abort is the second Ctrl-C: delete the cluster cnpc created (unless --keep) and exit at once.
// The suite gets SIGINT from the kernel as cnpc exits (suiteProcAttr).
func (r *runner) abort() {
	r.mu.Lock()
	c := r.c
	r.mu.Unlock()
	fmt.Fprintln(r.s.Err, "interrupted again: stopping now")
	if c != nil && c.Created() && !r.f.keep {
		if err := c.Delete(); err != nil {
			fmt.Fprintf(r.s.Err, "delete kind cluster %s: %v\n", c.Name, err)
		} else {
			fmt.Fprintf(r.s.Err, "deleted kind cluster %s\n", c.Name)
		}
	}
	os.Exit(exitInterrupted)
}

// loadOwn loads the user's case files, reporting every problem of every file with its position
// before anything is built or created (exit 2), and prints their warnings.
func (r *runner) loadOwn() error {
	if len(r.f.casePaths) == 0 {
		return nil
	}
	catalog, err := cases.Catalog()
	if err != nil {
		return envError(fmt.Errorf("load the embedded catalog: %w", err))
	}
	own, files, err := cases.LoadPaths(r.f.casePaths, append(catalog, cases.Generated()...))
	for _, c := range own {
		warn(r.s, c)
	}
	if err != nil {
		return inputError(fmt.Errorf("your case files: %w", err))
	}
	r.own = own
	r.ph.note("%d of your cases from %d files", len(own), files)
	return nil
}

// preflight checks what the run needs before anything is built or created: the options and
// manifests against the profile as it will install (exit 2), and docker with the images to load
// (exit 3). A cluster cnpc does not create needs none of it.
func (r *runner) preflight(ctx context.Context, p clusters.Profile) error {
	if r.f.existing {
		return nil
	}
	if clusters.From(r.f.from) == clusters.FromRelease {
		var err error
		if p, err = p.WithRelease(); err != nil {
			return inputError(err)
		}
	}
	if err := clusters.Preflight(r.options(), p); err != nil {
		return inputError(err)
	}
	if err := clusters.CheckDocker(ctx, append([]string{r.f.probeImage}, r.f.loadImages...)); err != nil {
		return envError(err)
	}
	return nil
}

// cniVersion is the version the reports name: --cni-version, else the running CNI's, else the
// profile's pinned one (none for custom).
func (r *runner) cniVersion(ctx context.Context) string {
	if r.f.cniVersion != "" {
		return r.f.cniVersion
	}
	v, err := r.c.CNIVersion(ctx)
	if err != nil {
		r.ph.note("cni version: %v; reporting the pinned %q", err, r.c.Profile.Version)
		return r.c.Profile.Version
	}
	return v
}

// install returns the profile as this run installs it: from its release (--from release), or
// with the images and manifest built from source, building whatever docker lacks. Nothing is
// built for a cluster cnpc does not create.
func (r *runner) install(ctx context.Context, p clusters.Profile) (clusters.Profile, error) {
	if r.f.existing {
		return p, nil
	}
	if clusters.From(r.f.from) == clusters.FromRelease {
		p, err := p.WithRelease()
		if err != nil {
			return p, inputError(err)
		}
		return p, nil
	}
	if p.Build == nil {
		return p, nil
	}
	b, err := newBuilder(r.f.cacheDir, ".", r.f.quiet, r.s)
	if err != nil {
		return p, err
	}
	var built images.Built
	err = r.ph.run("Building "+p.Name+" from source (cached steps are skipped)", func() (err error) {
		built, err = b.Ensure(ctx, *p.Build, p.PodSubnet)
		return err
	})
	if err != nil {
		return p, buildError(err)
	}
	return p.WithBuilt(built), nil
}

func (r *runner) cluster(p clusters.Profile) (*clusters.Cluster, error) {
	if r.f.existing {
		return clusters.Existing(r.f.kubeconfig, p, r.log)
	}
	return clusters.New(r.options(), p)
}

// options are the cluster options of the flags.
func (r *runner) options() clusters.Options {
	family, _ := clusters.ParseIPFamily(r.f.ipFamily)
	return clusters.Options{
		Workers:        r.f.workers,
		IPFamily:       family,
		NodeImage:      r.f.nodeImage,
		Manifests:      r.f.manifests,
		Images:         r.f.loadImages,
		Reuse:          r.f.reuse,
		Retain:         r.f.keep,
		KubeconfigPath: r.f.kubeconfig,
		Logger:         r.log,
	}
}

// up brings the cluster to the point where the suite can run.
func (r *runner) up(ctx context.Context) error {
	if r.c.Created() {
		reused := false
		err := r.ph.run(fmt.Sprintf("Creating kind cluster %s (1 control plane, %d workers)", r.c.Name, r.f.workers), func() (err error) {
			reused, err = r.c.Create(ctx)
			return err
		})
		if err != nil {
			return err
		}
		if reused {
			r.ph.note("reused the existing cluster (--reuse)")
		}
		if err := r.ph.run("Installing CNI "+r.c.Profile.Name, func() error { return r.c.InstallCNI(ctx) }); err != nil {
			return err
		}
	}
	if err := r.ph.run("Waiting for nodes and system workloads", func() error { return r.c.WaitReady(ctx, r.f.readyTimeout) }); err != nil {
		return err
	}
	if r.c.Created() {
		if err := r.ph.run("Loading probe image "+r.f.probeImage, func() error {
			return r.c.LoadImages(ctx, []string{r.f.probeImage})
		}); err != nil {
			return err
		}
	} else {
		r.ph.note("existing cluster: the probe image %s must already be on every node (pods never pull it)", r.f.probeImage)
	}
	caps, err := r.c.DetectCapabilities(ctx)
	if err != nil {
		return err
	}
	r.ph.note("capabilities: sctp %s (%s); ipv6 %s (%s)", caps.SCTP.Support, caps.SCTP.Reason, caps.IPv6.Support, caps.IPv6.Reason)
	for feature, why := range r.c.Profile.Unsupported {
		r.ph.note("declared unsupported by %s: %s (%s)", r.c.Profile.Name, feature, why)
	}
	return nil
}

// runSuite execs the compiled Ginkgo suite. Its stderr, where the suite writes one progress line
// per step, goes to cnpc's stderr; Ginkgo's own output (its reporter, on the suite's stdout) goes
// to ginkgoLog in the output directory, without colours, and its end is shown when the suite
// fails. On Ctrl-C the suite gets SIGINT (Ginkgo then runs its cleanup) and, if it has not exited
// 60 s later, SIGKILL.
func (r *runner) runSuite(ctx context.Context, version, results string) error {
	logPath := filepath.Join(r.f.out, ginkgoLog)
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer log.Close()
	r.ph.note("Ginkgo's own output: %s", logPath)
	cmd := exec.CommandContext(ctx, r.suite, r.suiteArgs(version, results)...)
	// Its own process group: a terminal's Ctrl-C reaches only cnpc, which forwards exactly one
	// SIGINT (a second one makes Ginkgo skip its cleanup).
	cmd.SysProcAttr = suiteProcAttr()
	// The death signal follows the thread that started the child, so it stays locked until the
	// suite has exited.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 60 * time.Second
	cmd.Stdout, cmd.Stderr = log, r.s.Err
	if r.f.quiet {
		cmd.Stderr = nil
	}
	if err := cmd.Run(); err != nil {
		out, _ := os.ReadFile(logPath)
		return fmt.Errorf("suite %s: %w; the end of Ginkgo's output (%s):\n%s", r.suite, err, logPath, lastLines(string(out), 20))
	}
	return nil
}

// ginkgoLog is the file in the output directory that holds Ginkgo's own output.
const ginkgoLog = "ginkgo.log"

// suiteProcAttr puts the suite in its own process group (a terminal's Ctrl-C reaches only cnpc,
// which forwards exactly one SIGINT) and has the kernel send it SIGINT when cnpc dies, even by
// SIGKILL, so that it stops and cleans up as on Ctrl-C instead of running on unattended.
func suiteProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT}
}

// onlyTheSuite makes the compiled suite run its Ginkgo suite alone: the binary holds the package's
// unit tests too, which would otherwise run first, each time (seconds of CPU, and a unit test
// that failed under a loaded machine would fail the run).
const onlyTheSuite = "-test.run=^TestNetpol$"

// suiteArgs are the flags the suite binary takes (suites/netpol).
func (r *runner) suiteArgs(version, results string) []string {
	args := []string{
		onlyTheSuite,
		"--kubeconfig=" + r.c.Kubeconfig,
		"--cni=" + r.f.reportedName(),
		"--cni-version=" + version,
		"--probe-image=" + r.f.probeImage,
		"--results=" + results,
		"--converge-timeout=" + r.f.convergeTimeout.String(),
		"--stability-window=" + r.f.stabilityWindow.String(),
		"--longest-window=" + r.f.longestWindow.String(),
		"--grading=" + r.f.grading,
		"--via=" + r.f.via,
		"--lanes=" + strconv.Itoa(r.f.lanes),
		"--ginkgo.timeout=" + r.f.suiteTimeout.String(),
		"--ginkgo.no-color", // Ginkgo writes to a file (runSuite)
		// Ginkgo's own report keeps suite-level failures (a failed BeforeSuite has no case);
		// junit.xml is the one cnpc writes, one testcase per case with its diff.
		"--ginkgo.junit-report=" + filepath.Join(r.f.out, "ginkgo-junit.xml"),
	}
	notes := r.c.Profile.Notes
	if r.f.skipHairpin {
		args = append(args, "--skip-hairpin")
	} else if r.f.via == "both" {
		notes = append(slices.Clip(notes), r.c.Profile.HairpinNotes...)
	}
	for _, n := range notes {
		args = append(args, "--cni-note="+n)
	}
	args = append(args, r.f.filterArgs()...)
	if r.f.verbosity > 0 {
		args = append(args, "--ginkgo.v")
	}
	return args
}

// teardown deletes the cluster cnpc created, unless --keep.
func (r *runner) teardown() error {
	if r.c == nil || !r.c.Created() {
		return nil
	}
	if r.f.keep {
		r.ph.note("kept cluster %s (--keep); kubeconfig %s", r.c.Name, r.c.Kubeconfig)
		return nil
	}
	err := r.ph.run("Deleting kind cluster "+r.c.Name, r.c.Delete)
	if err != nil {
		return envError(err)
	}
	return nil
}

// summarise prints the run's summary from results.json and picks the exit code: mismatches 1,
// cases that could not be checked, selected cases that never ran, or no results at all 3.
// An interrupted run (ctx cancelled: Ctrl-C) still writes every report, of the cases done so far,
// marked interrupted; the cases it never reached are skipped, not errors.
func (r *runner) summarise(ctx context.Context, results string, sel selection, suiteErr error, total time.Duration) error {
	run, err := reports.Read(results)
	if err != nil {
		return envError(errors.Join(suiteErr, fmt.Errorf("no usable results: %w", err)))
	}
	why, missed := "the suite stopped before it", reports.Error
	if ctx.Err() != nil {
		run.Interrupted = fmt.Sprintf("interrupted (%v) after %d of %d cases", context.Cause(ctx), len(run.Cases), len(sel.names))
		why, missed = "the run was interrupted", reports.Skipped
	}
	if suiteErr != nil {
		why += " (" + suiteErr.Error() + ")"
	}
	if missing := notRun(run, sel, why, missed, r.own); len(missing) > 0 {
		r.ph.note("%d of the %d selected cases never ran, recorded as %s: %s", len(missing), len(sel.names), missed, reports.SomeNames(missing, 5))
	}
	if r.c != nil && r.c.Created() && run.Cluster.KindVersion == "" {
		// The suite cannot know: only cnpc created the cluster, with its kind library.
		run.Cluster.KindVersion = clusters.KindVersion()
	}
	sum := reports.Summarize(run)
	if err := writeSummary(r.s.Out, run, sum, total); err != nil {
		return envError(err)
	}
	paths, err := reports.WriteAll(r.f.out, run)
	if err != nil {
		return envError(errors.Join(suiteErr, err))
	}
	r.ph.note("reports: %s", strings.Join(paths, " "))
	if run.Interrupted != "" {
		if err := reports.Write(results, run); err != nil {
			return envError(err)
		}
		return envError(fmt.Errorf("%s; the reports hold the cases done so far", run.Interrupted))
	}
	switch {
	case sum.Counts[reports.Fail] > 0 || sum.Counts[reports.Flaky] > 0:
		return mismatchError(fmt.Errorf("%d of %d cases did not match the prediction, %d flaky", sum.Counts[reports.Fail], sum.Counts.Total(), sum.Counts[reports.Flaky]))
	case sum.Counts[reports.Error] > 0:
		return envError(fmt.Errorf("%d cases could not be checked", sum.Counts[reports.Error]))
	case suiteErr != nil:
		return envError(suiteErr)
	}
	return nil
}
