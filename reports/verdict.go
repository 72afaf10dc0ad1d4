package reports

// Verdict is the result of a case or a step: a closed vocabulary.
type Verdict string

const (
	// Pass: every cell matched the prediction.
	Pass Verdict = "pass"
	// Fail: at least one conclusive cell differed from the prediction.
	Fail Verdict = "fail"
	// Flaky: the cells matched the prediction, then some disagreed again within the stability
	// window (a late change, a flap, a resync that undid the policy). Never a pass; counted as
	// judged, like a failure.
	Flaky Verdict = "flaky"
	// Skipped: the case was not run (filtered out, or a reason given).
	Skipped Verdict = "skipped"
	// Unsupported: the cluster lacks a capability the case needs (Run.Unsupported says which).
	// Never a pass and never a failure.
	Unsupported Verdict = "unsupported"
	// ImplementationDefined: the specification leaves the observed behaviour to the plugin.
	ImplementationDefined Verdict = "implementation-defined"
	// Error: the case could not be checked (setup failed, probes failed). Never read as a pass.
	Error Verdict = "error"
)

// Verdicts lists every Verdict, in the order summaries show them.
var Verdicts = []Verdict{Pass, Fail, Flaky, Error, Unsupported, ImplementationDefined, Skipped}

// Valid reports whether v is one of Verdicts.
func (v Verdict) Valid() bool {
	switch v {
	case Pass, Fail, Flaky, Skipped, Unsupported, ImplementationDefined, Error:
		return true
	}
	return false
}

// Judged reports whether the verdict says something about the plugin's conformance: pass, fail,
// flaky and error count towards pass rates; skipped, unsupported and implementation-defined do
// not.
func (v Verdict) Judged() bool {
	switch v {
	case Pass, Fail, Flaky, Error:
		return true
	case Skipped, Unsupported, ImplementationDefined:
		return false
	}
	return false
}

// Class is how one cell's observation compares with its prediction: a closed vocabulary.
type Class string

const (
	// Match: the observation agrees with the prediction (connected for allowed; refused or timeout
	// for denied).
	Match Class = "match"
	// Mismatch: a conclusive observation disagrees with the prediction.
	Mismatch Class = "mismatch"
	// ClassUnsupported: the probe could not be made here (e.g. SCTP without kernel support).
	ClassUnsupported Class = "unsupported"
	// ClassImplementationDefined: the specification allows either outcome for this cell.
	ClassImplementationDefined Class = "implementation-defined"
	// ClassFlaky: the attempts of one round disagreed with each other, or the cell disagreed
	// again after matching, within the step's stability window.
	ClassFlaky Class = "flaky"
	// ClassError: the probe failed; it says nothing about policy.
	ClassError Class = "error"
	// ClassNotGraded: the cell was probed and is shown, but the case does not grade it: an
	// upstream parity case grades only the protocols and ports its upstream test probes
	// (cases/README.md). It never passes, fails or holds up a step.
	ClassNotGraded Class = "not-graded"
)

// Classes lists every Class.
var Classes = []Class{Match, Mismatch, ClassUnsupported, ClassImplementationDefined, ClassFlaky, ClassError, ClassNotGraded}

// Valid reports whether c is one of Classes.
func (c Class) Valid() bool {
	switch c {
	case Match, Mismatch, ClassUnsupported, ClassImplementationDefined, ClassFlaky, ClassError, ClassNotGraded:
		return true
	}
	return false
}

// Wrong reports whether the cell needs a reader's attention: a mismatch, a flaky cell or an error.
func (c Class) Wrong() bool {
	switch c {
	case Mismatch, ClassFlaky, ClassError:
		return true
	case Match, ClassUnsupported, ClassImplementationDefined, ClassNotGraded:
		return false
	}
	return false
}
