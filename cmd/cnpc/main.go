// Command cnpc is the CLI of the CNI NetworkPolicy conformance suite. It is thin: flags, one library
// call, an exit code. main calls run, which tests call too. The commands are spf13/cobra commands,
// one file each, built anew for every call of run so that no flag value outlives it.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cnpc-dev/cnpc/internal/version"
)

// streams carries the process's standard streams: data goes to Out, progress and logs to Err.
type streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// constructors builds the subcommands; each file registers its own from init.
var constructors []func(s streams) *cobra.Command

func register(newCommand func(s streams) *cobra.Command) {
	constructors = append(constructors, newCommand)
}

func main() {
	s := streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	err := run(os.Args[1:], s)
	if err != nil {
		fmt.Fprintf(s.Err, "cnpc: %v\n", err)
	}
	os.Exit(exitCode(err))
}

const rootLong = `cnpc checks whether a CNI enforces Kubernetes NetworkPolicy the way the API defines it: it
creates a kind cluster with the CNI, runs the case catalog (and your own cases) against it, and
compares every connection with the truth table its policy engine predicts.

Wherever a command takes a case file, it also takes the name of a catalog or generated case
(cnpc cases list shows them); a file of that name, if one exists, wins.

Exit codes: 0 all verdicts matched, 1 mismatches, 2 bad input or usage, 3 environment failure.`

// run executes the command line args. Help goes to s.Out; the error is returned, not printed
// (main prints it once). An error cobra finds before a command runs (an unknown command or flag,
// a wrong argument count) is a usage error.
func run(args []string, s streams) error {
	started := false
	root := &cobra.Command{
		Use:           "cnpc",
		Short:         "the CNI NetworkPolicy conformance suite",
		Long:          rootLong,
		Version:       version.Version + " (commit " + version.Commit + ")",
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown command %q; run 'cnpc help' for the list", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(s.Out)
			if err := cmd.Help(); err != nil {
				return envError(err)
			}
			return usageErrorf("no command given")
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			started = true
			warnDeprecated(cmd, s)
			return nil
		},
	}
	root.SetVersionTemplate("cnpc {{.Version}}\n")
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErrorf("%s: %v (see %s --help)", verb(cmd), err, cmd.CommandPath())
	})
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "print the version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(s.Out, "cnpc %s (commit %s)\n", version.Version, version.Commit)
			return nil
		},
	})
	for _, newCommand := range constructors {
		root.AddCommand(newCommand(s))
	}
	root.InitDefaultCompletionCmd()
	if c, _, err := root.Find([]string{"completion"}); err == nil && c != root {
		// Cobra's own completion command prints its help, with exit 0, for a shell it lacks.
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("completion: unknown shell %q, expected bash, zsh, fish or powershell", args[0])
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, args []string) error {
			return usageErrorf("completion: expected a shell: bash, zsh, fish or powershell")
		}
	}
	root.SetArgs(args)
	_, err := root.ExecuteC()
	if err != nil && !started && !isCoded(err) {
		err = usageErrorf("%w", err)
	}
	return err
}

// noArgs rejects positional arguments with a usage error naming them.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, found %q", verb(cmd), args)
	}
	return nil
}

// verb names a command in its messages, which main prefixes with "cnpc: ": "report matrix".
func verb(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return cmd.Name()
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// deprecatedAnnotation marks a hidden flag kept under an old name; its value is the new name.
const deprecatedAnnotation = "cnpc-deprecated-for"

// alias registers old as a hidden, deprecated second name of the flag name of cmd: both set the
// same value. Using old prints a note on stderr (never on stdout, which may carry data).
func alias(cmd *cobra.Command, old, name string) {
	f := cmd.Flags().Lookup(name)
	a := cmd.Flags().VarPF(f.Value, old, "", "deprecated: use --"+name)
	a.NoOptDefVal = f.NoOptDefVal // a bool flag's alias needs no value either
	cmd.Flags().SetAnnotation(old, deprecatedAnnotation, []string{name})
	cmd.Flags().MarkHidden(old)
}

// warnDeprecated notes every deprecated flag name given on the command line.
func warnDeprecated(cmd *cobra.Command, s streams) {
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if to := f.Annotations[deprecatedAnnotation]; len(to) > 0 {
			fmt.Fprintf(s.Err, "cnpc: --%s is deprecated and will go; use --%s\n", f.Name, to[0])
		}
	})
}

// changed reports whether any of the flags names was given on the command line.
func changed(cmd *cobra.Command, names ...string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return cmd.Flags().Changed(n) })
}

// fixedCompletion completes a flag's value from a fixed list.
func fixedCompletion(values []string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, v := range values {
			if strings.HasPrefix(v, prefix) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
