package probes

import (
	"context"
	"errors"
	"os"
	"syscall"

	"github.com/cnpc-dev/cnpc/cases"
)

// answerError marks a failure after the transport connected (or after a UDP reply arrived): the
// peer did not give a valid, expected identity. Whatever the underlying errno, that is never a
// verdict about policy, so it maps to cases.Error.
type answerError struct{ err error }

func (e *answerError) Error() string { return e.err.Error() }
func (e *answerError) Unwrap() error { return e.err }

// unsupportedError marks a probe this host cannot make at all, e.g. SCTP on a kernel without it.
type unsupportedError struct{ err error }

func (e *unsupportedError) Error() string { return e.err.Error() }
func (e *unsupportedError) Unwrap() error { return e.err }

// classify maps the error of one attempt to an outcome. The mapping, and why:
//
//	ECONNREFUSED          refused  TCP RST, SCTP ABORT, or ICMP port-unreachable (iptables' default
//	                               REJECT, a closed UDP port).
//	EHOSTUNREACH          refused  ICMP host-unreachable, host-prohibited or admin-prohibited
//	                               (communication administratively filtered): REJECT variants.
//	                               UDP sockets set IP_RECVERR so they hear host-unreachable too.
//	EPERM, EACCES         refused  a netfilter rule in this host's own OUTPUT path rejected the
//	                               packet before it left (egress enforced in the source namespace).
//	deadline, ETIMEDOUT   timeout  nothing came back: a DROP.
//	ENETUNREACH           error    usually no route at all in the source: an environment problem,
//	                               not a policy verdict. (ICMP net-prohibited also yields it; no CNI
//	                               we know rejects that way.)
//	answerError           error    connected, but no valid or expected identity line.
//	unsupportedError      unsupported
//	anything else         error    could not check; never read as blocked.
func classify(err error) cases.Outcome {
	var ans *answerError
	var uns *unsupportedError
	switch {
	case err == nil:
		return cases.Connected
	case errors.As(err, &ans):
		return cases.Error
	case errors.As(err, &uns):
		return cases.Unsupported
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return cases.Refused
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ETIMEDOUT):
		// A dial past its deadline reports context.DeadlineExceeded, a read os.ErrDeadlineExceeded.
		// The caller's own context ending is caught before classify (probeOnce), so this is the
		// attempt's deadline.
		return cases.Timeout
	}
	return cases.Error
}
