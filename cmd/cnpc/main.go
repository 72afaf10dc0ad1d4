// Command cnpc is the CLI of the CNI NetworkPolicy conformance suite. It is thin: flags, one library
// call, an exit code. main calls run, which tests call too.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/cnpc-dev/cnpc/internal/version"
)

// streams carries the process's standard streams: data goes to Out, progress and logs to Err.
type streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// command is one subcommand. Each lives in its own file and registers itself in commands from init.
type command struct {
	summary string
	run     func(args []string, s streams) error
}

var commands = map[string]command{}

func register(name, summary string, run func(args []string, s streams) error) {
	commands[name] = command{summary: summary, run: run}
}

func main() {
	s := streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	err := run(os.Args[1:], s)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(s.Err, "cnpc: %v\n", err)
	}
	os.Exit(exitCode(err))
}

func run(args []string, s streams) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(s.Out)
		if len(args) == 0 {
			return usageErrorf("no command given")
		}
		return nil
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintf(s.Out, "cnpc %s (commit %s)\n", version.Version, version.Commit)
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		return usageErrorf("unknown command %q; run 'cnpc help' for the list", args[0])
	}
	return c.run(args[1:], s)
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("cnpc: the CNI NetworkPolicy conformance suite\n\nUsage: cnpc COMMAND [flags]\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, commands[n].summary)
	}
	b.WriteString("  version    print the version\n\nRun 'cnpc COMMAND -h' for a command's flags.\n")
	b.WriteString("Exit codes: 0 all verdicts matched, 1 mismatches, 2 bad input or usage, 3 environment failure.\n")
	io.WriteString(w, b.String())
}
