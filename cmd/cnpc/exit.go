package main

import (
	"errors"
	"fmt"
)

// Exit codes CI can act on (STYLE.md, "The CLI").
const (
	exitOK          = 0
	exitMismatch    = 1
	exitBadInput    = 2
	exitEnvironment = 3
	// exitInterrupted is the shell's code for a process ended by SIGINT (128+2): a second Ctrl-C.
	exitInterrupted = 130
)

// codedError carries the exit code an error should end the process with.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// usageErrorf and inputError mark bad usage or bad input files (exit 2).
func usageErrorf(format string, a ...any) error {
	return &codedError{code: exitBadInput, err: fmt.Errorf(format, a...)}
}

func inputError(err error) error { return &codedError{code: exitBadInput, err: err} }

// envError marks an environment or infrastructure failure (exit 3).
func envError(err error) error { return &codedError{code: exitEnvironment, err: err} }

// mismatchError marks a run whose verdicts did not all match (exit 1).
func mismatchError(err error) error { return &codedError{code: exitMismatch, err: err} }

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var c *codedError
	if errors.As(err, &c) {
		return c.code
	}
	return exitEnvironment
}

// isCoded reports whether err already carries an exit code.
func isCoded(err error) bool {
	var c *codedError
	return errors.As(err, &c)
}
