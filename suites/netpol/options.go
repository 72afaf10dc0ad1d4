package netpol

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// Options are what `cnpc run` passes to the compiled suite as flags.
type Options struct {
	// Kubeconfig is the cluster to test; empty means the suite is skipped.
	Kubeconfig string
	// CNI and CNIVersion name the implementation under test, for the report.
	CNI        string
	CNIVersion string
	// CNINotes say how the CNI was set up where that departs from its upstream defaults.
	CNINotes []string
	// ProbeImage runs in every probe pod and external host; it must already be on the nodes
	// (pods use imagePullPolicy Never) and, for externals, in the local docker.
	ProbeImage string
	// Results is the path of the JSON results file, rewritten after every case.
	Results string
	// ConvergeTimeout bounds how long a step may take to reach the prediction.
	ConvergeTimeout time.Duration
	// ReadyTimeout bounds waiting for pods and namespaces.
	ReadyTimeout time.Duration
	// ProbeTimeout is the per-attempt timeout inside the probe; Attempts bounds the attempts.
	ProbeTimeout time.Duration
	Attempts     int
	// ProbeBinary is the prober's path inside the probe image.
	ProbeBinary string
	// DockerNetwork is the docker network external hosts join (kind's is "kind").
	DockerNetwork string
	// RunID marks this run's namespaces; empty means a fresh one.
	RunID string
	// Grading says how cells the API leaves to the plugin are judged.
	Grading Grading
	// StabilityWindow is the least time a step's observations must keep matching after its first
	// match (the window grows with the CNI's times to enforce, see Enforcement).
	StabilityWindow time.Duration
	// LongestWindow bounds the window that the CNI's times to enforce size: one slow enforcement
	// must not make every later step wait twice as long.
	LongestWindow time.Duration
	// Lanes is how many cases run at once, each in its own copy of its namespaces (LaneNames).
	Lanes int
	// Via says whether pods are probed at their IPs only or through their Services too.
	Via Via
	// SkipHairpin (with Via both) leaves out the probes of a pod through its own Service. Those
	// hairpin cells are never graded, but their traffic can change how the CNI treats the pod's
	// other connections: on Cilium's per-packet Service load balancing it lets connections that
	// the pod's ingress policy denies through (README.md, "Services").
	SkipHairpin bool
}

// DefaultLanes is how many lanes a run has unless told: one per two CPUs. Measured here with
// kube-router on 2 cores (README.md, "Lanes"), one case of the standard topology (486 probes a
// round) already keeps both cores busy: 2 lanes ran the catalog 1.76 times as fast as one, with
// one case flaky; 4 lanes 2.14 times, with 9 upstream cases in error or flaky from overload.
// MaxLanes bounds the flag.
var DefaultLanes = max(1, runtime.NumCPU()/2)

const MaxLanes = 16

// DefaultOptions returns the defaults of every option but the cluster ones.
func DefaultOptions() Options {
	return Options{
		ProbeImage:      "localhost/cnpc/probe:dev",
		ConvergeTimeout: 30 * time.Second,
		ReadyTimeout:    3 * time.Minute,
		ProbeTimeout:    time.Second,
		Attempts:        1,
		DockerNetwork:   "kind",
		ProbeBinary:     "/cnpc-probe",
		Grading:         GradingAPI,
		StabilityWindow: 2 * time.Second,
		LongestWindow:   10 * time.Second,
		Lanes:           DefaultLanes,
		Via:             ViaPod,
	}
}

// Validate reports every bad option at once.
func (o Options) Validate() error {
	var errs []error
	if o.ProbeImage == "" {
		errs = append(errs, errors.New("--probe-image: empty, expected an image already loaded into the nodes"))
	}
	if o.ConvergeTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--converge-timeout: found %s, expected a positive duration", o.ConvergeTimeout))
	}
	if o.ReadyTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--ready-timeout: found %s, expected a positive duration", o.ReadyTimeout))
	}
	if o.ProbeTimeout <= 0 || o.ProbeTimeout >= o.ConvergeTimeout {
		errs = append(errs, fmt.Errorf("--probe-timeout: found %s, expected a positive duration below --converge-timeout", o.ProbeTimeout))
	}
	if o.Attempts < 1 || o.Attempts > 5 {
		errs = append(errs, fmt.Errorf("--probe-attempts: found %d, expected 1 to 5", o.Attempts))
	}
	if o.StabilityWindow < 0 || o.StabilityWindow > o.ConvergeTimeout {
		errs = append(errs, fmt.Errorf("--stability-window: found %s, expected 0 to --converge-timeout", o.StabilityWindow))
	}
	if o.Lanes < 1 || o.Lanes > MaxLanes {
		errs = append(errs, fmt.Errorf("--lanes: found %d, expected 1 to %d", o.Lanes, MaxLanes))
	}
	if _, err := ParseGrading(string(o.Grading)); err != nil {
		errs = append(errs, err)
	}
	if _, err := ParseVia(string(o.Via)); err != nil {
		errs = append(errs, err)
	}
	if o.SkipHairpin && o.Via != ViaBoth {
		errs = append(errs, fmt.Errorf("--skip-hairpin: found --via %s, expected --via both (only Services have hairpin probes)", o.Via))
	}
	return errors.Join(errs...)
}
