package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Format names one writer of a run: a closed vocabulary.
type Format string

const (
	FormatJSON     Format = "json"
	FormatJUnit    Format = "junit"
	FormatMarkdown Format = "markdown"
	FormatHTML     Format = "html"
)

// Formats lists every Format, each with the file name WriteAll gives it.
var Formats = []Format{FormatJSON, FormatJUnit, FormatMarkdown, FormatHTML}

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("format %q, expected one of %v", s, Formats)
}

// FileName is the name WriteAll writes the format to.
func (f Format) FileName() string {
	switch f {
	case FormatJSON:
		return "results.json"
	case FormatJUnit:
		return "junit.xml"
	case FormatMarkdown:
		return "summary.md"
	case FormatHTML:
		return "report.html"
	}
	return "report." + string(f)
}

// Render renders the run in format f. The Markdown summary is capped at DefaultMarkdownLimit.
func Render(w io.Writer, r *Run, f Format) error {
	switch f {
	case FormatJSON:
		return Encode(w, r)
	case FormatJUnit:
		return WriteJUnit(w, r)
	case FormatMarkdown:
		return WriteMarkdown(w, r, DefaultMarkdownLimit)
	case FormatHTML:
		return WriteHTML(w, r)
	}
	return fmt.Errorf("format %q, expected one of %v", f, Formats)
}

// WriteAll writes every format into dir (created if missing) under its FileName and returns the
// paths written. It tries every format and joins the errors.
func WriteAll(dir string, r *Run) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	var errs []error
	for _, f := range Formats {
		path := filepath.Join(dir, f.FileName())
		if err := writeFile(path, r, f); err != nil {
			errs = append(errs, fmt.Errorf("write %s: %w", path, err))
			continue
		}
		paths = append(paths, path)
	}
	return paths, errors.Join(errs...)
}

// writeFile renders into path, removing a half-written file on error.
func writeFile(path string, r *Run, f Format) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Render(out, r, f); err != nil {
		out.Close()
		os.Remove(path)
		return err
	}
	return out.Close()
}
