package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/cnpc-dev/cnpc/cases"
)

// loadCase loads the case arg names: the case file at that path or, when there is no such file
// and arg could be a case name (a DNS-1123 label: no dot, no slash), the catalog or generated case
// of that name. A file wins over a name, so a file in the working directory is never shadowed.
// Its warnings go to s.Err.
func loadCase(arg string, s streams) (*cases.Case, error) {
	c, err := cases.LoadFile(arg)
	if err == nil {
		warn(s, c)
	}
	if err == nil || !errors.Is(err, fs.ErrNotExist) || len(validation.IsDNS1123Label(arg)) > 0 {
		return c, inputErrorOrNil(err)
	}
	named, lookupErr := caseByName(arg)
	switch {
	case lookupErr != nil:
		return nil, inputError(lookupErr)
	case named == nil:
		return nil, inputError(fmt.Errorf("%w; no catalog or generated case is named %q either (cnpc cases list, cnpc cases list --generated)", err, arg))
	}
	return named, nil
}

// caseByName returns the catalog or generated case called name, or nil.
func caseByName(name string) (*cases.Case, error) {
	c, _, ok, err := cases.CatalogSource(name)
	if err != nil {
		return nil, fmt.Errorf("load the embedded catalog: %w", err)
	}
	if ok {
		return c, nil
	}
	for _, g := range cases.Generated() {
		if g.Name == name {
			return g, nil
		}
	}
	return nil, nil
}

// warn prints the warnings of a loaded case on stderr, one a line.
func warn(s streams, c *cases.Case) {
	for _, w := range c.Warnings {
		fmt.Fprintf(s.Err, "cnpc: warning: %v\n", w)
	}
}

func inputErrorOrNil(err error) error {
	if err == nil {
		return nil
	}
	return inputError(err)
}

// completeCases completes a case argument with the catalog's names, and files (the shell's own
// completion) beside them.
func completeCases(_ *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
	all, _ := cases.Catalog()
	var out []string
	for _, c := range all {
		if strings.HasPrefix(c.Name, prefix) {
			out = append(out, c.Name)
		}
	}
	return out, cobra.ShellCompDirectiveDefault
}

// stepWhere names step i of a case in messages: file:line:col of the step, or caseWhere.
func stepWhere(c *cases.Case, i int) string {
	if i < len(c.Steps) && c.File != "" && c.Steps[i].Line > 0 {
		return fmt.Sprintf("%s:%d:%d", c.File, c.Steps[i].Line, c.Steps[i].Column)
	}
	return caseWhere(c)
}

// caseWhere names a case in messages: its file, or "case NAME" for a generated one.
func caseWhere(c *cases.Case) string {
	if c.File != "" {
		return c.File
	}
	return "case " + c.Name
}
