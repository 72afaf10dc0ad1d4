package cases

// Outcome is what a probe observed for one connection attempt. It is the closed vocabulary shared
// by the prober, the suites and the reports.
type Outcome string

const (
	// Connected: the intended peer answered.
	Connected Outcome = "connected"
	// Refused: a TCP RST or ICMP port/admin-unreachable came back (a REJECT, or nothing listening).
	Refused Outcome = "refused"
	// Timeout: nothing came back before the deadline (a DROP).
	Timeout Outcome = "timeout"
	// Unsupported: the probe could not be made here, e.g. SCTP on a kernel without SCTP. Never a
	// verdict about policy.
	Unsupported Outcome = "unsupported"
	// Error: the probe itself failed (bad target, wrong identity answered, exec failed). Never read
	// as "blocked".
	Error Outcome = "error"
)

// Outcomes lists every Outcome.
var Outcomes = []Outcome{Connected, Refused, Timeout, Unsupported, Error}

// Valid reports whether o is one of Outcomes.
func (o Outcome) Valid() bool {
	switch o {
	case Connected, Refused, Timeout, Unsupported, Error:
		return true
	}
	return false
}

// Conclusive reports whether the outcome says something about policy: connected means allowed,
// refused and timeout mean denied; unsupported and error say nothing.
func (o Outcome) Conclusive() bool {
	switch o {
	case Connected, Refused, Timeout:
		return true
	case Unsupported, Error:
		return false
	}
	return false
}
