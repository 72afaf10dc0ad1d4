package cases

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// FieldError is one problem in a case: where it is (file, line, column and field path) and what is
// wrong. Line and Column are 0 when the position is unknown, e.g. for a case built in code or for a
// problem found by Bind.
type FieldError struct {
	File   string
	Line   int
	Column int
	// Field is the path of the offending field, e.g. steps[0].apply[0].spec.podSelector.
	Field   string
	Message string
}

// Error formats the problem as path:line:col: field: message.
func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		switch {
		case e.Line > 0 && e.Column > 0:
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
		case e.Line > 0:
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// ErrorList is every problem found in one case, sorted by position. Callers can range over it to
// inspect positions; Error joins the lines.
type ErrorList []*FieldError

func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sorted orders the list by line and column. Errors at one position, and errors without positions
// (cases built in code), keep the order in which they were found, which follows the case.
func (l ErrorList) sorted() ErrorList {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Line != l[j].Line {
			return l[i].Line < l[j].Line
		}
		return l[i].Column < l[j].Column
	})
	return l
}

// orNil returns nil for an empty list so that callers can return it as an error.
func (l ErrorList) orNil() error {
	if len(l) == 0 {
		return nil
	}
	return l.sorted()
}

// reporter collects the problems of one case. nodes maps field paths to the YAML nodes they were
// read from; it is empty for cases that were not loaded from a file, and then errors carry no
// line and column.
type reporter struct {
	file  string
	nodes map[string]*yaml.Node
	errs  ErrorList
	// warns are problems that do not make the case invalid (features of a user's case).
	warns ErrorList
	// bad holds fields that could not be read (wrong kind, bad placeholder). Checks of their
	// meaning skip them and their descendants, since the value they would check is not the one
	// written in the file.
	bad map[string]bool
	// expanding holds the anchors being expanded on the current path, aliases counts expansions.
	expanding map[*yaml.Node]bool
	aliases   int
}

func newReporter(file string) *reporter {
	return &reporter{file: file, nodes: map[string]*yaml.Node{}, bad: map[string]bool{}, expanding: map[*yaml.Node]bool{}}
}

// addf reports a problem at field, positioned at the field's node or its nearest known ancestor,
// unless the field or an ancestor could not be read.
func (r *reporter) addf(fieldPath, format string, args ...any) {
	for p := fieldPath; ; p = parentPath(p) {
		if r.bad[p] {
			return
		}
		if p == "" {
			break
		}
	}
	r.addAt(r.node(fieldPath), fieldPath, format, args...)
}

// warnf records a warning at field, positioned as addf positions errors.
func (r *reporter) warnf(fieldPath, format string, args ...any) {
	e := &FieldError{File: r.file, Field: fieldPath, Message: fmt.Sprintf(format, args...)}
	if n := r.node(fieldPath); n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	r.warns = append(r.warns, e)
}

// badf reports that a field could not be read, at node n, and marks the field so that checks of
// its meaning are skipped.
func (r *reporter) badf(n *yaml.Node, fieldPath, format string, args ...any) {
	r.addAt(n, fieldPath, format, args...)
	r.bad[fieldPath] = true
}

// addAt reports a problem at an explicit node (e.g. a mapping key); n may be nil.
func (r *reporter) addAt(n *yaml.Node, fieldPath, format string, args ...any) {
	e := &FieldError{File: r.file, Field: fieldPath, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	r.errs = append(r.errs, e)
}

// node returns the node of fieldPath or of its nearest recorded ancestor.
func (r *reporter) node(fieldPath string) *yaml.Node {
	for p := fieldPath; p != ""; p = parentPath(p) {
		if n, ok := r.nodes[p]; ok {
			return n
		}
	}
	return r.nodes[""]
}

// parentPath strips the last element of a field path: a.b[2] -> a.b, a.b -> a, a -> "".
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndex(p, "["); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndex(p, "."); i >= 0 {
		return p[:i]
	}
	return ""
}

// join appends a child field name to a path.
func join(p, child string) string {
	if p == "" {
		return child
	}
	return p + "." + child
}

// index appends a list index to a path.
func index(p string, i int) string { return fmt.Sprintf("%s[%d]", p, i) }

// key appends a map key to a path, as apimachinery's field.Path.Key does.
func key(p, k string) string { return fmt.Sprintf("%s[%s]", p, k) }
