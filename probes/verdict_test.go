package probes

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/cnpc-dev/cnpc/cases"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want cases.Outcome
	}{
		{"nil", nil, cases.Connected},
		{"rst", os.NewSyscallError("connect", syscall.ECONNREFUSED), cases.Refused},
		{"icmp admin prohibited", os.NewSyscallError("connect", syscall.EHOSTUNREACH), cases.Refused},
		{"local output reject", os.NewSyscallError("connect", syscall.EPERM), cases.Refused},
		{"deadline", fmt.Errorf("dial: %w", os.ErrDeadlineExceeded), cases.Timeout},
		{"dial deadline", &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("i/o timeout: %w", context.DeadlineExceeded)}, cases.Timeout},
		{"kernel timeout", syscall.ETIMEDOUT, cases.Timeout},
		{"no route", os.NewSyscallError("connect", syscall.ENETUNREACH), cases.Error},
		{"reset after connect", &answerError{syscall.ECONNRESET}, cases.Error},
		{"read timeout after connect", &answerError{os.ErrDeadlineExceeded}, cases.Error},
		{"refused wrapped as answer", &answerError{syscall.ECONNREFUSED}, cases.Error},
		{"sctp", &unsupportedError{syscall.EPROTONOSUPPORT}, cases.Unsupported},
		{"other", errors.New("something odd"), cases.Error},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := classify(tt.err); got != tt.want {
				t.Errorf("classify(%v) = %s, want %s", tt.err, got, tt.want)
			}
		})
	}
}
