package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/cnpc-dev/cnpc/reports"
)

func init() { register(newReportCommand) }

const reportUsage = `usage:
  cnpc report RESULTS.json [-o json|junit|markdown|html] [--out-file FILE]   one format (default markdown, to stdout)
  cnpc report RESULTS.json --out-dir DIR                                     every format: results.json junit.xml summary.md report.html
  cnpc report matrix RESULTS.json... [-o markdown|html] [--out-file FILE]    support matrix: features x CNIs
  cnpc report compare A.json B.json                                          verdicts case by case, and the suites' times`

// reportFlags are the flags of `cnpc report`.
type reportFlags struct {
	format        string
	out           string
	outDir        string
	markdownLimit int
}

func newReportCommand(s streams) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report RESULTS.json",
		Short: "render a results file (JSON, JUnit, Markdown, HTML) or a matrix of several",
		Long: `Report renders the results file of a run (results.json, as cnpc run writes it) again: one format
to stdout or a file, or every format into a directory. report matrix sets several runs side by side,
features x CNIs.`,
		Example: `  cnpc report reports/out/calico/results.json
  cnpc report results.json -o html --out-file report.html
  cnpc report results.json --out-dir published/calico
  cnpc report matrix -o html --out-file matrix.html reports/published/*/results.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("report: expected one results file, found %d arguments\n%s", len(args), reportUsage)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.outDir != "" && (f.out != "" || changed(cmd, "output", "format")) {
				return usageErrorf("report: --out-dir writes every format; it cannot be combined with --out-file or --output")
			}
			return f.run(args[0], s)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "output", "o", "markdown", "output format: json, junit, markdown or html")
	fl.StringVar(&f.out, "out-file", "", "write to this file instead of stdout")
	fl.StringVar(&f.outDir, "out-dir", "", "write every format into this directory")
	fl.IntVar(&f.markdownLimit, "markdown-limit", reports.DefaultMarkdownLimit, "cap of the Markdown summary in bytes; failing cases beyond it are named, not shown")
	alias(cmd, "format", "output")
	alias(cmd, "out", "out-file")
	cmd.AddCommand(newReportMatrixCommand(s), newReportCompareCommand(s))
	return cmd
}

func (f reportFlags) run(file string, s streams) error {
	format, err := reports.ParseFormat(f.format)
	if err != nil {
		return usageErrorf("report: --output: %v", err)
	}
	run, err := reports.Read(file)
	if err != nil {
		return inputError(err)
	}
	if f.outDir != "" {
		paths, err := reports.WriteAll(f.outDir, run)
		for _, p := range paths {
			fmt.Fprintf(s.Err, "wrote %s\n", p)
		}
		if err != nil {
			return envError(err)
		}
		return nil
	}
	return writeOutput(f.out, s, func(w io.Writer) error {
		if format == reports.FormatMarkdown {
			return reports.WriteMarkdown(w, run, f.markdownLimit)
		}
		return reports.Render(w, run, format)
	})
}

func newReportMatrixCommand(s streams) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "matrix RESULTS.json...",
		Short: "support matrix of several runs: features x CNIs (Markdown or HTML)",
		Long: `Matrix reads the results files of several runs (one CNI, or one version of it, each) and writes a
support matrix: one row per feature, one column per run, with each cell's pass counts.`,
		Example: `  cnpc report matrix reports/published/*/results.json
  cnpc report matrix -o html --out-file matrix.html a/results.json b/results.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("report matrix: expected one or more results files\n%s", reportUsage)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return f.matrix(args, s) },
	}
	cmd.Flags().StringVarP(&f.format, "output", "o", "markdown", "output format: markdown or html")
	cmd.Flags().StringVar(&f.out, "out-file", "", "write to this file instead of stdout")
	alias(cmd, "format", "output")
	alias(cmd, "out", "out-file")
	return cmd
}

func (f reportFlags) matrix(files []string, s streams) error {
	if f.format != "markdown" && f.format != "html" {
		return usageErrorf("report matrix: --output: found %q, expected markdown or html", f.format)
	}
	var runs []*reports.Run
	var errs []error
	for _, path := range files {
		r, err := reports.Read(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		runs = append(runs, r)
	}
	if len(errs) > 0 {
		return inputError(errors.Join(errs...))
	}
	m, err := reports.NewMatrix(runs)
	if err != nil {
		return inputError(err)
	}
	return writeOutput(f.out, s, func(w io.Writer) error {
		if f.format == "html" {
			return reports.WriteMatrixHTML(w, m)
		}
		return reports.WriteMatrixMarkdown(w, m)
	})
}

// writeOutput runs write on the file out, or on stdout when out is empty. Failing to write is an
// environment error.
func writeOutput(out string, s streams, write func(io.Writer) error) error {
	if out == "" {
		if err := write(s.Out); err != nil {
			return envError(err)
		}
		return nil
	}
	f, err := os.Create(out)
	if err != nil {
		return envError(err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return envError(fmt.Errorf("write %s: %w", out, err))
	}
	return nil
}

func newReportCompareCommand(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "compare A.json B.json",
		Short: "compare two runs case by case: changed verdicts, cases only one has, suite times",
		Long: `Compare reads the results files of two runs and lists every case whose verdict differs, every case
only one of them has, every case one of them never ran (a run cut short records the cases it
did not reach as skipped: they are listed apart, not as changed verdicts), and both suites'
times with their ratio (A / B). It exits 1 when the runs disagree or do not cover the same
cases: use it to check that two consecutive runs, or a run with one lane and one with several,
gave the same verdicts.`,
		Example: `  cnpc report compare reports/out/lanes1/results.json reports/out/lanes4/results.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageErrorf("report compare: expected two results files, found %d arguments\n%s", len(args), reportUsage)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			a, errA := reports.Read(args[0])
			b, errB := reports.Read(args[1])
			if err := errors.Join(errA, errB); err != nil {
				return inputError(err)
			}
			cmp := reports.Compare(a, b, "A", "B")
			fmt.Fprintf(s.Out, "A = %s\nB = %s\n", args[0], args[1])
			if err := cmp.Write(s.Out); err != nil {
				return envError(err)
			}
			if !cmp.Agree() {
				return mismatchError(fmt.Errorf("the runs disagree: %d verdicts changed, %d cases only in A, %d only in B, %d not run in A, %d not run in B",
					len(cmp.Changed), len(cmp.OnlyA), len(cmp.OnlyB), len(cmp.NotRunA), len(cmp.NotRunB)))
			}
			return nil
		},
	}
}
