package reports

import (
	"time"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// SchemaVersion names the version of the results document. Read refuses any other value: a
// change that old readers would misread gets a new version (reports/README.md).
const SchemaVersion = "cnpc.dev/results/v1"

// Run is the results of one run of the suite against one cluster: one JSON document. Every writer
// reads only this, so an old run can be re-rendered without the cluster.
type Run struct {
	SchemaVersion string `json:"schemaVersion"`
	// Synthetic, when set, says why this run is not a real one, e.g. "made up by
	// reports/testrun_test.go for the golden tests". A synthetic run was never measured on a
	// cluster, so every writer shows it in a banner and in the run's name (synthetic.go) and it can
	// never be mistaken for a published result. The suite never sets it; old files without it load
	// as real runs.
	Synthetic string `json:"synthetic,omitempty"`
	// Interrupted, when set, says how the run was cut short (Ctrl-C): its cases are the ones done
	// so far, and every writer says so.
	Interrupted string `json:"interrupted,omitempty"`
	// RunID marks the namespaces the run used (suites/netpol RunAnnotation).
	RunID   string    `json:"runId,omitempty"`
	Tool    Tool      `json:"tool"`
	CNI     CNI       `json:"cni"`
	Cluster Cluster   `json:"cluster"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Options Options   `json:"options"`
	// Unsupported lists the capabilities this cluster lacks, each with the reason, e.g.
	// "sctp: kernel has no SCTP". Cases that need one are reported as unsupported, never as passes.
	Unsupported []string `json:"unsupported,omitempty"`
	Cases       []Case   `json:"cases"`
}

// Tool identifies the cnpc build that made the run.
type Tool struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
}

// CNI identifies the network plugin under test; Version is read from the running cluster.
type CNI struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Notes say how the CNI was built or set up where that departs from its upstream defaults,
	// e.g. a capability the profile had to drop on this machine.
	Notes []string `json:"notes,omitempty"`
}

// String returns "name@version", the column heading of the support matrix (MatrixColumn.Label
// adds " (synthetic)" for a synthetic run).
func (c CNI) String() string {
	if c.Version == "" {
		return c.Name
	}
	return c.Name + "@" + c.Version
}

// Cluster describes the cluster the run used.
type Cluster struct {
	KubernetesVersion string `json:"kubernetesVersion"`
	KindVersion       string `json:"kindVersion,omitempty"`
	Nodes             int    `json:"nodes"`
	// IPFamily is ipv4, ipv6 or dual.
	IPFamily string `json:"ipFamily"`
	Kernel   string `json:"kernel,omitempty"`
}

// Options are the settings the run was made with.
type Options struct {
	ConvergeTimeout Duration `json:"convergeTimeout"`
	ProbeTimeout    Duration `json:"probeTimeout"`
	// Attempts is the maximum number of probes per cell.
	Attempts int    `json:"attempts"`
	Focus    string `json:"focus,omitempty"`
	Labels   string `json:"labels,omitempty"`
	// Grading is how cells the API leaves to the plugin were judged: "api" (implementation-defined,
	// the default; empty in older runs) or "upstream" (as the upstream e2e tests).
	Grading string `json:"grading,omitempty"`
	// StabilityWindow is the least stability window of a step (the window grows with the CNI's
	// times to enforce, see Step.Window); zero in runs made before windows existed.
	StabilityWindow Duration `json:"stabilityWindow,omitempty"`
	// LongestWindow is the longest window the CNI's times to enforce could size.
	LongestWindow Duration `json:"longestWindow,omitempty"`
	// Via says how the probes reached the pods: "pod" (their IPs only; empty in runs made before
	// Services were probed) or "both" (their IPs and their ClusterIP Services, ViaService cells).
	Via string `json:"via,omitempty"`
	// SkipHairpin (with Via "both") says no pod probed its own Service: the Service tables have
	// no hairpin cells.
	SkipHairpin bool `json:"skipHairpin,omitempty"`
	// Lanes is how many cases ran at once, each in its own copy of its namespaces (0: one, a run
	// made before lanes).
	Lanes int `json:"lanes,omitempty"`
	// Cases are the origins the run selected whole (catalog, generated, own) and Named the cases
	// it selected by name beside them; Run.Scope reads them with Focus and Labels. Runs made
	// before they were recorded have neither.
	Cases []string `json:"cases,omitempty"`
	Named []string `json:"named,omitempty"`
}

// Case is the result of one conformance case.
type Case struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Source      string          `json:"source,omitempty"`
	Features    []cases.Feature `json:"features"`
	Verdict     Verdict         `json:"verdict"`
	// Reason says why the case was skipped, unsupported, implementation-defined or an error.
	Reason string `json:"reason,omitempty"`
	// UnsupportedCells counts, per protocol ("SCTP"), the graded cells of a passing case that
	// could not be probed here: the case passed on its other cells, which include at least one
	// deciding cell (cases/README.md, "Grading"). Writers show it beside the verdict, "pass (SCTP:
	// 54 cells unsupported here)", and the case counts as not judged under that protocol's feature
	// (FeatureVerdict). Absent on every other verdict and in files written before it existed.
	UnsupportedCells map[string]int `json:"unsupportedCells,omitempty"`
	Duration         Duration       `json:"duration"`
	// Attempts is how many times the case ran (a second time when the cluster changed during the
	// first); Disruptions lists what changed: probe pods re-created, restarted or moved to
	// another IP, system pods (the CNI's agents among them) restarted, replaced or new.
	Attempts    int      `json:"attempts,omitempty"`
	Disruptions []string `json:"disruptions,omitempty"`
	// Lane is the lane the case ran in: 0 in its own namespaces, k in copies named <ns>-lane<k>.
	Lane  int    `json:"lane,omitempty"`
	Steps []Step `json:"steps"`
}

// Step is the result of one step of a case: what was in force, and every probed cell.
type Step struct {
	Index int    `json:"index"`
	Name  string `json:"name,omitempty"`
	// Policies is the YAML of the NetworkPolicies in force during the step, as applied.
	Policies string `json:"policies"`
	// Peers are the rows and columns of the step's tables, in topology order.
	Peers []cases.PeerKey `json:"peers"`
	// Targets are the tables' targets in table order, each as engine.Target renders it: "TCP/80".
	Targets []string `json:"targets"`
	// ConvergeTime is how long the observations took to match (or, on a mismatch, until the
	// converge timeout); Polls is how many full probe rounds that took.
	ConvergeTime Duration `json:"convergeTime"`
	Polls        int      `json:"polls"`
	// Matched says some round matched the prediction (ConvergeTime is then the time to enforce);
	// Changed that the step's prediction differs from the step before it (the case's baseline for
	// the first step), so that it had something to enforce.
	Matched bool `json:"matched,omitempty"`
	Changed bool `json:"changed,omitempty"`
	// Window is the stability window the step was held to: every round from its first match
	// until max(first match, Settle) + Window had to match.
	Window Duration `json:"window,omitempty"`
	Settle Duration `json:"settle,omitempty"`
	// ErrorRounds counts the rounds after the first match with probe errors only; each started
	// the window again.
	ErrorRounds int     `json:"errorRounds,omitempty"`
	Verdict     Verdict `json:"verdict"`
	// Cells lists every probed (from, to, target, via); a destination that does not serve a
	// target has no cell.
	Cells []Cell `json:"cells"`
	// ServiceIPs holds the ClusterIP of every pod's Service, by the pod, when the step was also
	// probed through Services (Options.Via "both"): the addresses of its ViaService cells.
	ServiceIPs map[cases.PeerKey]string `json:"serviceIPs,omitempty"`
}

// ViaService is Cell.Via for a connection made to the ClusterIP of the destination pod's Service.
const ViaService = "service"

// Cell is one probed connection: what the engine predicted, what the probes observed.
type Cell struct {
	From cases.PeerKey `json:"from"`
	// To is the destination; for a ViaService cell, the pod behind the Service.
	To cases.PeerKey `json:"to"`
	// Via is ViaService for a connection made through the destination's Service (Port is then the
	// Service's port), empty for one made to the destination's own IP.
	Via       string         `json:"via,omitempty"`
	Port      int32          `json:"port"`
	Protocol  string         `json:"protocol"`
	Predicted engine.Verdict `json:"predicted"`
	// Observed is the outcome the class was decided on; Attempts holds every attempt, in order.
	Observed cases.Outcome   `json:"observed"`
	Attempts []cases.Outcome `json:"attempts,omitempty"`
	Class    Class           `json:"class"`
	// Explanation is the engine's explanation of the prediction, set for mismatches.
	Explanation string `json:"explanation,omitempty"`
	// Detail is the probe's raw result (e.g. the error text), set when it helps to read a mismatch
	// or an error.
	Detail string `json:"detail,omitempty"`
}

// Target returns the cell's target.
func (c Cell) Target() (engine.Target, error) {
	return engine.ParseTarget(c.Protocol + "/" + itoa(c.Port))
}
