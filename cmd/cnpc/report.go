package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cnpc-dev/cnpc/reports"
)

func init() {
	register("report", "render a results file (JSON, JUnit, Markdown, HTML) or a matrix of several", runReport)
}

const reportUsage = `usage:
  cnpc report RESULTS.json [--format json|junit|markdown|html] [--out FILE]   one format (default markdown, to stdout)
  cnpc report RESULTS.json --out-dir DIR                                      every format: results.json junit.xml summary.md report.html
  cnpc report matrix RESULTS.json... [--format markdown|html] [--out FILE]    support matrix: features x CNIs`

// reportFlags are the flags of `cnpc report`.
type reportFlags struct {
	format        string
	out           string
	outDir        string
	markdownLimit int
}

func runReport(args []string, s streams) error {
	if len(args) > 0 && args[0] == "matrix" {
		return runReportMatrix(args[1:], s)
	}
	var f reportFlags
	flags := newFlagSet("report", s)
	flags.StringVar(&f.format, "format", "markdown", "output format: json, junit, markdown or html")
	flags.StringVar(&f.out, "out", "", "write to this file instead of stdout")
	flags.StringVar(&f.outDir, "out-dir", "", "write every format into this directory")
	flags.IntVar(&f.markdownLimit, "markdown-limit", reports.DefaultMarkdownLimit, "cap of the Markdown summary in bytes; failing cases beyond it are named, not shown")
	rest, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErrorf("report: expected one results file, found %d arguments\n%s", len(rest), reportUsage)
	}
	format, err := reports.ParseFormat(f.format)
	if err != nil {
		return usageErrorf("report: --format: %v", err)
	}
	if f.outDir != "" && (f.out != "" || explicit(flags, "format")) {
		return usageErrorf("report: --out-dir writes every format; it cannot be combined with --out or --format")
	}
	run, err := reports.Read(rest[0])
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

func runReportMatrix(args []string, s streams) error {
	var f reportFlags
	flags := newFlagSet("report matrix", s)
	flags.StringVar(&f.format, "format", "markdown", "output format: markdown or html")
	flags.StringVar(&f.out, "out", "", "write to this file instead of stdout")
	rest, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usageErrorf("report matrix: expected one or more results files\n%s", reportUsage)
	}
	if f.format != "markdown" && f.format != "html" {
		return usageErrorf("report matrix: --format: found %q, expected markdown or html", f.format)
	}
	var runs []*reports.Run
	var errs []error
	for _, path := range rest {
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

// explicit reports whether the flag name was given on the command line.
func explicit(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}
