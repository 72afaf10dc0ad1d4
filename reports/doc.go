// Package reports holds the results model of a run (Run, a versioned, JSON-serialisable document;
// reports/README.md is its schema) and every writer that renders it: JSON, JUnit XML, Markdown,
// a self-contained HTML page and the multi-CNI support matrix. Writers read only the model, so an
// old run can be re-rendered without a cluster.
//
// It may import only cnpc's cases and engine (value types: Table, Target, Cell, Verdict), never
// client-go, kind or e2e-framework. It does no cluster I/O and never prints: writers take an
// io.Writer.
package reports
