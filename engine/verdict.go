package engine

// Verdict is what the engine predicts for one connection: a closed vocabulary.
type Verdict string

const (
	// Allowed: the policies in force let the connection through.
	Allowed Verdict = "allowed"
	// Denied: some isolated side has no rule that allows the connection.
	Denied Verdict = "denied"
)

// Verdicts lists every Verdict.
var Verdicts = []Verdict{Allowed, Denied}

// verdictOf turns a yes/no answer into a Verdict.
func verdictOf(ok bool) Verdict {
	if ok {
		return Allowed
	}
	return Denied
}

// IsAllowed reports whether v is Allowed.
func (v Verdict) IsAllowed() bool {
	switch v {
	case Allowed:
		return true
	case Denied:
		return false
	}
	return false
}

// Cell is the truth-table cell that shows the verdict.
func (v Verdict) Cell() Cell {
	switch v {
	case Allowed:
		return CellAllowed
	case Denied:
		return CellDenied
	}
	return CellError
}

// Direction is the side of a connection a policy rule governs: ingress rules are evaluated for
// the destination pod, egress rules for the source pod.
type Direction string

const (
	Ingress Direction = "ingress"
	Egress  Direction = "egress"
)

// Directions lists both directions in the order explanations show them: egress (the source's
// side) first, then ingress.
var Directions = []Direction{Egress, Ingress}

// index returns 0 for Ingress and 1 for Egress, for arrays indexed by direction.
func (d Direction) index() int {
	switch d {
	case Ingress:
		return 0
	case Egress:
		return 1
	}
	return 0
}

// policyType is the API's name of the direction, as in spec.policyTypes.
func (d Direction) policyType() string {
	switch d {
	case Ingress:
		return "Ingress"
	case Egress:
		return "Egress"
	}
	return string(d)
}
