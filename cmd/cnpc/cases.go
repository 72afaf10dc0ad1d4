package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cnpc-dev/cnpc/cases"
)

func init() { register(newCasesCommand) }

func newCasesCommand(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cases",
		Short: "list, show, validate or generate conformance cases",
		Long: `The cases commands work on case files (the format of cases/README.md): the embedded catalog,
the generated cases, and your own.`,
		Example: `  cnpc cases list --features egress,ip-block
  cnpc cases show three-tier > my-case.yaml
  cnpc cases validate my-cases/
  cnpc cases generate --out-dir gen/`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("cases: unknown subcommand %q, expected list, show, validate or generate", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("cases: expected a subcommand (list, show, validate or generate); see cnpc cases --help")
		},
	}
	cmd.AddCommand(newCasesListCommand(s), newCasesShowCommand(s), newCasesValidateCommand(s), newCasesGenerateCommand(s))
	return cmd
}

// casesListFlags are the flags of `cnpc cases list`.
type casesListFlags struct {
	features  string
	generated bool
}

func newCasesListCommand(s streams) *cobra.Command {
	var f casesListFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "list cases: name, steps, features",
		Long:  "List prints the catalog's cases (or the generated ones) with their step count and features, one per line.",
		Example: `  cnpc cases list
  cnpc cases list --features ip-block-except,egress
  cnpc cases list --generated`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("cases list: unexpected argument %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return f.run(s) },
	}
	cmd.Flags().StringVar(&f.features, "features", "", "comma-separated features a case must all carry")
	cmd.Flags().BoolVar(&f.generated, "generated", false, "list the generated cases instead of the catalog")
	return cmd
}

func (f casesListFlags) run(s streams) error {
	want, err := cases.ParseFeatures(f.features)
	if err != nil {
		return usageErrorf("cases list: --features: %v", err)
	}
	var all []*cases.Case
	if f.generated {
		all = cases.Generated()
	} else if all, err = cases.Catalog(); err != nil {
		return inputError(fmt.Errorf("load the embedded catalog: %w", err))
	}
	selected := cases.Select(all, want)
	tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTEPS\tFEATURES")
	for _, c := range selected {
		names := make([]string, len(c.Features))
		for i, ft := range c.Features {
			names[i] = string(ft)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\n", c.Name, len(c.Steps), strings.Join(names, ","))
	}
	if err := tw.Flush(); err != nil {
		return envError(err)
	}
	fmt.Fprintf(s.Err, "%d of %d cases\n", len(selected), len(all))
	return nil
}

func newCasesShowCommand(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "print the YAML of a catalog or generated case",
		Long: `Show prints a case file: a catalog case's file as it is embedded (comments included), or a
generated case as cnpc cases generate writes it. A copy is a start for a case of your own.`,
		Example: `  cnpc cases show three-tier
  cnpc cases show upstream-egress-cidr > my-egress.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("cases show: expected one case name, found %d arguments", len(args))
			}
			return nil
		},
		ValidArgsFunction: completeCases,
		RunE:              func(cmd *cobra.Command, args []string) error { return showCase(args[0], s) },
	}
}

func showCase(name string, s streams) error {
	_, data, ok, err := cases.CatalogSource(name)
	if err != nil {
		return inputError(fmt.Errorf("cases show: load the embedded catalog: %w", err))
	}
	if !ok {
		c, _ := caseByName(name)
		if c == nil {
			return inputError(fmt.Errorf("cases show: no catalog or generated case is named %q (cnpc cases list, cnpc cases list --generated)", name))
		}
		if data, err = cases.MarshalCase(c); err != nil {
			return envError(fmt.Errorf("cases show: %w", err))
		}
	}
	if _, err := s.Out.Write(data); err != nil {
		return envError(err)
	}
	return nil
}

func newCasesValidateCommand(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "validate PATH...",
		Short: "check case files (a file or a directory of *.yaml)",
		Long: `Validate loads every case file given, and every *.yaml and *.yml file under each directory given,
as cnpc run would, and reports every problem of every file as file:line:col: field: message.
It exits 2 if any file is invalid.`,
		Example: `  cnpc cases validate my-case.yaml
  cnpc cases validate my-cases/ more-cases/`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("cases validate: expected a case file or a directory of case files")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return validateCases(args, s) },
	}
}

func validateCases(paths []string, s streams) error {
	cs, files, err := cases.LoadPaths(paths, nil)
	for _, c := range cs {
		warn(s, c)
	}
	if err != nil {
		var errs interface{ Unwrap() []error }
		n := 1
		if errors.As(err, &errs) {
			n = len(errs.Unwrap())
		}
		if files == 0 {
			return inputError(fmt.Errorf("cases validate: %w", err))
		}
		return inputError(fmt.Errorf("%d of %d case files are invalid:\n%w", n, files, err))
	}
	fmt.Fprintf(s.Out, "%d case files valid\n", files)
	return nil
}

func newCasesGenerateCommand(s streams) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:     "generate --out-dir DIR",
		Short:   "write the generated cases as case files",
		Long:    "Generate writes the generator's cases (cases/generate.go), one file each, into a directory.",
		Example: "  cnpc cases generate --out-dir gen/\n  cnpc cases validate gen/",
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return generateCases(out, s) },
	}
	cmd.Flags().StringVar(&out, "out-dir", "", "directory to write the generated case files into (created if missing)")
	alias(cmd, "out", "out-dir")
	return cmd
}

func generateCases(out string, s streams) error {
	if out == "" {
		return usageErrorf("cases generate: --out-dir DIR is required")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return envError(fmt.Errorf("cases generate: %w", err))
	}
	gen := cases.Generated()
	for _, c := range gen {
		data, err := cases.MarshalCase(c)
		if err != nil {
			return envError(fmt.Errorf("cases generate: %w", err))
		}
		if err := os.WriteFile(filepath.Join(out, c.Name+".yaml"), data, 0o644); err != nil {
			return envError(fmt.Errorf("cases generate: %w", err))
		}
	}
	fmt.Fprintf(s.Err, "wrote %d generated cases to %s\n", len(gen), out)
	return nil
}
