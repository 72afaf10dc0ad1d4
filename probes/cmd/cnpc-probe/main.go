// Command cnpc-probe is the program in every probe pod and external host: "serve" answers on the
// configured ports with the host's identity, and "probe" probes a batch of targets and prints one
// JSON document of results. It is thin: flags, one call into package probes, an exit code.
//
// Exit codes: 0 done (whatever the verdicts), 2 bad input or usage, 3 environment failure (a port
// that cannot be opened).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cnpc-dev/cnpc/internal/version"
)

const (
	exitOK          = 0
	exitBadInput    = 2
	exitEnvironment = 3
)

// streams carries the process's standard streams: data goes to Out, logs to Err.
type streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// codedError carries the exit code an error should end the process with.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

func inputError(err error) error { return &codedError{code: exitBadInput, err: err} }

func usageErrorf(format string, a ...any) error { return inputError(fmt.Errorf(format, a...)) }

func main() {
	s := streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	err := run(os.Args[1:], s)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(s.Err, "cnpc-probe: %v\n", err)
	}
	os.Exit(exitCode(err))
}

const usage = `cnpc-probe: the cnpc probe program

Usage:
  cnpc-probe serve --identity NS/POD --ports 80/TCP,80/UDP,80/SCTP   (or --config FILE.json)
  cnpc-probe probe [--file BATCH.json]   (default: the batch on stdin; one JSON document on stdout)
  cnpc-probe probe --stream [--idle 10m]   (one batch per line on stdin, one response per line on stdout)
  cnpc-probe version
`

func run(args []string, s streams) error {
	if len(args) == 0 {
		io.WriteString(s.Err, usage)
		return usageErrorf("no command given")
	}
	switch args[0] {
	case "serve":
		return runServe(args[1:], s)
	case "probe":
		return runProbe(args[1:], s)
	case "version", "--version":
		fmt.Fprintf(s.Out, "cnpc-probe %s (commit %s)\n", version.Version, version.Commit)
		return nil
	case "help", "-h", "--help":
		io.WriteString(s.Out, usage)
		return nil
	}
	return usageErrorf("unknown command %q; run 'cnpc-probe help'", args[0])
}

func exitCode(err error) int {
	var c *codedError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &c):
		return c.code
	}
	return exitEnvironment
}

// parseFlags parses args into fs, turning a parse failure into a usage error, and rejects
// positional arguments: no subcommand takes any.
func parseFlags(fs *flag.FlagSet, args []string, s streams) error {
	fs.SetOutput(s.Err)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageErrorf("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErrorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}
