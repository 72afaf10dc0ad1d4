package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/cnpc-dev/cnpc/cases"
)

func init() {
	register("cases", "list, validate or generate conformance cases", runCases)
}

const casesUsage = `usage:
  cnpc cases list [--features f1,f2] [--generated]   list cases: name, steps, features
  cnpc cases validate PATH...                        check case files (a file or a directory of *.yaml)
  cnpc cases generate --out DIR                      write the generated cases as case files`

func runCases(args []string, s streams) error {
	if len(args) == 0 {
		return usageErrorf("cases: expected a subcommand (list, validate or generate)\n%s", casesUsage)
	}
	switch args[0] {
	case "list":
		return runCasesList(args[1:], s)
	case "validate":
		return runCasesValidate(args[1:], s)
	case "generate":
		return runCasesGenerate(args[1:], s)
	case "-h", "--help", "help":
		fmt.Fprintln(s.Out, casesUsage)
		return nil
	}
	return usageErrorf("cases: unknown subcommand %q, expected list, validate or generate", args[0])
}

// casesListFlags are the flags of `cnpc cases list`.
type casesListFlags struct {
	features  string
	generated bool
}

func runCasesList(args []string, s streams) error {
	var f casesListFlags
	flags := newFlagSet("cases list", s)
	flags.StringVar(&f.features, "features", "", "comma-separated features a case must all carry")
	flags.BoolVar(&f.generated, "generated", false, "list the generated cases instead of the catalog")
	rest, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("cases list: unexpected argument %q", rest[0])
	}
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

func runCasesValidate(args []string, s streams) error {
	flags := newFlagSet("cases validate", s)
	paths, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageErrorf("cases validate: expected a case file or a directory of case files")
	}
	var files []string
	for _, p := range paths {
		found, err := caseFiles(p)
		if err != nil {
			return inputError(fmt.Errorf("cases validate: %w", err))
		}
		files = append(files, found...)
	}
	var errs []error
	byName := map[string]string{}
	for _, file := range files {
		c, err := cases.LoadFile(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// Suites and reports key results by case name, so names must be unique.
		if other, ok := byName[c.Name]; ok {
			errs = append(errs, fmt.Errorf("%s: case name %q is already used by %s", file, c.Name, other))
			continue
		}
		byName[c.Name] = file
	}
	if len(errs) > 0 {
		return inputError(fmt.Errorf("%d of %d case files are invalid:\n%w", len(errs), len(files), errors.Join(errs...)))
	}
	fmt.Fprintf(s.Out, "%d case files valid\n", len(files))
	return nil
}

// caseFiles returns p itself when it is a file, or every *.yaml and *.yml file under the directory
// p in lexical order. A directory without case files is an error: validating nothing is a mistake.
func caseFiles(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (filepath.Ext(path) == ".yaml" || filepath.Ext(path) == ".yml") {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no case files (*.yaml, *.yml) found", p)
	}
	sort.Strings(out)
	return out, nil
}

func runCasesGenerate(args []string, s streams) error {
	flags := newFlagSet("cases generate", s)
	out := flags.String("out", "", "directory to write the generated case files into (created if missing)")
	rest, err := parseFlags(flags, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("cases generate: unexpected argument %q", rest[0])
	}
	if *out == "" {
		return usageErrorf("cases generate: --out DIR is required")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return envError(fmt.Errorf("cases generate: %w", err))
	}
	gen := cases.Generated()
	for _, c := range gen {
		data, err := cases.MarshalCase(c)
		if err != nil {
			return envError(fmt.Errorf("cases generate: %w", err))
		}
		if err := os.WriteFile(filepath.Join(*out, c.Name+".yaml"), data, 0o644); err != nil {
			return envError(fmt.Errorf("cases generate: %w", err))
		}
	}
	fmt.Fprintf(s.Err, "wrote %d generated cases to %s\n", len(gen), *out)
	return nil
}
