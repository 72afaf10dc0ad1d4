package engine

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// Target is one port of a destination, the unit of a truth table: "TCP/80". It is cases.Target,
// so a case's graded targets and the tables' targets are one type.
type Target = cases.Target

// ParseTarget parses "TCP/80"; the protocol may be written in any case ("tcp/80").
func ParseTarget(s string) (Target, error) {
	in := s
	if proto, port, ok := strings.Cut(s, "/"); ok {
		in = strings.ToUpper(proto) + "/" + port
	}
	t, err := cases.ParseTarget(in)
	if err != nil {
		return Target{}, fmt.Errorf("target %q: %w", s, err)
	}
	return t, nil
}

// Cell is one character of a truth table. Predicted, observed and diff tables share the type and
// the renderer; the legend under each table names only the cells it shows.
type Cell byte

const (
	// CellAllowed: predicted allowed, or observed connected, or (diff) the two agree.
	CellAllowed Cell = '.'
	// CellDenied: predicted denied, or observed timeout.
	CellDenied Cell = 'X'
	// CellRefused: observed refused (a reject).
	CellRefused Cell = 'R'
	// CellUnsupported: the probe could not be made here.
	CellUnsupported Cell = 'U'
	// CellError: the probe failed.
	CellError Cell = 'E'
	// CellMismatch: (diff) observed differs from predicted.
	CellMismatch Cell = '!'
	// CellFlaky: attempts disagreed.
	CellFlaky Cell = '~'
	// CellImplementationDefined: (diff) observed differs from predicted where the API leaves the
	// outcome to the plugin (ipBlock cidrs over pod IPs, traffic to self): neither a pass nor a fail.
	CellImplementationDefined Cell = '?'
	// CellNotGraded: (diff) the cell was probed but its case does not grade it (an upstream
	// parity case grades only what its upstream test probes); the observed table still shows it.
	CellNotGraded Cell = '_'
	// CellNone: the destination does not serve this target.
	CellNone Cell = '-'
)

var cellMeaning = map[Cell]string{
	CellAllowed:               "allowed/connected/match",
	CellDenied:                "denied/timeout",
	CellRefused:               "refused",
	CellUnsupported:           "unsupported here",
	CellError:                 "probe error",
	CellMismatch:              "mismatch",
	CellFlaky:                 "flaky",
	CellImplementationDefined: "implementation-defined",
	CellNotGraded:             "not graded",
	CellNone:                  "port not served, or not probed",
}

// OutcomeCell is the cell that shows an observed outcome.
func OutcomeCell(o cases.Outcome) Cell {
	switch o {
	case cases.Connected:
		return CellAllowed
	case cases.Refused:
		return CellRefused
	case cases.Timeout:
		return CellDenied
	case cases.Unsupported:
		return CellUnsupported
	case cases.Error:
		return CellError
	}
	return CellError
}

// Table is a truth table: rows are sources and columns destinations, both in topology order, with
// one sub-table per target. It is a plain value; it never fails a test by itself.
type Table struct {
	Peers   []cases.PeerKey
	Targets []Target
	index   map[cases.PeerKey]int
	tindex  map[Target]int
	cells   []Cell
}

// NewTable returns a table of peers x peers x targets with every cell CellNone.
func NewTable(peers []cases.PeerKey, targets []Target) *Table {
	t := &Table{
		Peers:   append([]cases.PeerKey(nil), peers...),
		Targets: append([]Target(nil), targets...),
		index:   make(map[cases.PeerKey]int, len(peers)),
		tindex:  make(map[Target]int, len(targets)),
		cells:   make([]Cell, len(peers)*len(peers)*len(targets)),
	}
	for i, p := range peers {
		t.index[p] = i
	}
	for i, tg := range targets {
		t.tindex[tg] = i
	}
	for i := range t.cells {
		t.cells[i] = CellNone
	}
	return t
}

// Equal reports whether t and o have the same peers, targets and cells (a nil table equals only
// a nil table).
func (t *Table) Equal(o *Table) bool {
	if t == nil || o == nil {
		return t == o
	}
	return slices.Equal(t.Peers, o.Peers) && slices.Equal(t.Targets, o.Targets) && slices.Equal(t.cells, o.cells)
}

func (t *Table) offset(from, to cases.PeerKey, target Target) (int, error) {
	f, ok := t.index[from]
	if !ok {
		return 0, fmt.Errorf("table has no peer %q", from)
	}
	d, ok := t.index[to]
	if !ok {
		return 0, fmt.Errorf("table has no peer %q", to)
	}
	g, ok := t.tindex[target]
	if !ok {
		return 0, fmt.Errorf("table has no target %s", target)
	}
	n := len(t.Peers)
	return (g*n+f)*n + d, nil
}

// Set sets one cell.
func (t *Table) Set(from, to cases.PeerKey, target Target, c Cell) error {
	o, err := t.offset(from, to, target)
	if err != nil {
		return err
	}
	t.cells[o] = c
	return nil
}

// Get returns one cell.
func (t *Table) Get(from, to cases.PeerKey, target Target) (Cell, error) {
	o, err := t.offset(from, to, target)
	if err != nil {
		return 0, err
	}
	return t.cells[o], nil
}

// SetIndex and GetIndex address cells by position (target, from, to indexes), for hot loops.
func (t *Table) SetIndex(target, from, to int, c Cell) {
	n := len(t.Peers)
	t.cells[(target*n+from)*n+to] = c
}

// GetIndex returns the cell at (target, from, to) indexes.
func (t *Table) GetIndex(target, from, to int) Cell {
	n := len(t.Peers)
	return t.cells[(target*n+from)*n+to]
}

// Diff compares two tables of the same shape: the result has CellAllowed where they agree (or
// neither has the cell), CellMismatch where they differ, and CellNone where neither has the cell.
// A cell of "got" compares equal when Agree(want, got) says so.
func Diff(want, got *Table, agree func(want, got Cell) bool) (*Table, int, error) {
	if err := sameShape(want, got); err != nil {
		return nil, 0, err
	}
	out := NewTable(want.Peers, want.Targets)
	mismatches := 0
	for i := range want.cells {
		w, g := want.cells[i], got.cells[i]
		switch {
		case w == CellNone && g == CellNone:
		case agree(w, g):
			out.cells[i] = CellAllowed
		default:
			out.cells[i] = CellMismatch
			mismatches++
		}
	}
	return out, mismatches, nil
}

func sameShape(a, b *Table) error {
	if fmt.Sprint(a.Peers) != fmt.Sprint(b.Peers) {
		return fmt.Errorf("tables have different peers: %v and %v", a.Peers, b.Peers)
	}
	if fmt.Sprint(a.Targets) != fmt.Sprint(b.Targets) {
		return fmt.Errorf("tables have different targets: %v and %v", a.Targets, b.Targets)
	}
	return nil
}

// sub returns the cells of one target as a string, row by row, for grouping identical sub-tables.
func (t *Table) sub(g int) string {
	n := len(t.Peers)
	return string(t.cells[g*n*n : (g+1)*n*n])
}

// Render writes the table as text: targets whose sub-tables are identical share one grid, headed
// by their names ("TCP/80 UDP/80:"), then a header row of destinations, one row per source, and a
// legend of the cells shown.
func (t *Table) Render(w io.Writer) error {
	bw := bufio.NewWriter(w)
	width := len(`from\to`)
	for _, p := range t.Peers {
		if len(p) > width {
			width = len(p)
		}
	}
	done := make([]bool, len(t.Targets))
	n := len(t.Peers)
	for g := range t.Targets {
		if done[g] {
			continue
		}
		names := []string{t.Targets[g].String()}
		for h := g + 1; h < len(t.Targets); h++ {
			if !done[h] && t.sub(h) == t.sub(g) {
				done[h] = true
				names = append(names, t.Targets[h].String())
			}
		}
		fmt.Fprintf(bw, "%s:\n", strings.Join(names, " "))
		fmt.Fprintf(bw, "%-*s", width, `from\to`)
		for _, p := range t.Peers {
			fmt.Fprintf(bw, " %-*s", width, p)
		}
		bw.WriteString("\n")
		used := map[Cell]bool{}
		for f := 0; f < n; f++ {
			fmt.Fprintf(bw, "%-*s", width, t.Peers[f])
			for d := 0; d < n; d++ {
				c := t.GetIndex(g, f, d)
				used[c] = true
				fmt.Fprintf(bw, " %-*c", width, c)
			}
			bw.WriteString("\n")
		}
		bw.WriteString(legend(used))
		bw.WriteString("\n")
	}
	return bw.Flush()
}

func legend(used map[Cell]bool) string {
	var cells []Cell
	for c := range used {
		cells = append(cells, c)
	}
	sort.Slice(cells, func(i, j int) bool { return cells[i] < cells[j] })
	parts := make([]string, len(cells))
	for i, c := range cells {
		parts[i] = fmt.Sprintf("%c %s", c, cellMeaning[c])
	}
	return "legend: " + strings.Join(parts, ", ") + "\n"
}

// String renders the table.
func (t *Table) String() string {
	var b strings.Builder
	_ = t.Render(&b)
	return b.String()
}

// ParseTable reads tables in the format Render writes (legend lines and blank lines are ignored),
// so hand-derived expectations can be kept as text. Every target of every heading gets the grid that
// follows it. Errors name the line.
func ParseTable(r io.Reader) (*Table, error) {
	type grid struct {
		targets []Target
		peers   []cases.PeerKey
		rows    map[cases.PeerKey][]Cell
		order   []cases.PeerKey
	}
	var grids []*grid
	var cur *grid
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		fields := strings.Fields(text)
		switch {
		case text == "" || strings.HasPrefix(text, "legend:") || strings.HasPrefix(text, "#"):
			continue
		case strings.HasSuffix(text, ":"):
			cur = &grid{rows: map[cases.PeerKey][]Cell{}}
			for _, f := range strings.Fields(strings.TrimSuffix(text, ":")) {
				tg, err := ParseTarget(f)
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				cur.targets = append(cur.targets, tg)
			}
			grids = append(grids, cur)
		case cur == nil:
			return nil, fmt.Errorf("line %d: expected a heading such as \"TCP/80:\", found %q", line, text)
		case fields[0] == `from\to`:
			for _, f := range fields[1:] {
				k, err := cases.ParsePeerKey(f)
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				cur.peers = append(cur.peers, k)
			}
		default:
			if cur.peers == nil {
				return nil, fmt.Errorf("line %d: expected a header row starting with from\\to before the rows", line)
			}
			k, err := cases.ParsePeerKey(fields[0])
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			if len(fields)-1 != len(cur.peers) {
				return nil, fmt.Errorf("line %d: row %s has %d cells, expected %d", line, k, len(fields)-1, len(cur.peers))
			}
			var row []Cell
			for _, f := range fields[1:] {
				if len(f) != 1 || cellMeaning[Cell(f[0])] == "" {
					return nil, fmt.Errorf("line %d: cell %q, expected one of . X R U E ! ~ ? _ -", line, f)
				}
				row = append(row, Cell(f[0]))
			}
			cur.rows[k] = row
			cur.order = append(cur.order, k)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(grids) == 0 {
		return nil, fmt.Errorf("no tables found")
	}
	peers := grids[0].peers
	var targets []Target
	for _, g := range grids {
		if fmt.Sprint(g.peers) != fmt.Sprint(peers) || fmt.Sprint(g.order) != fmt.Sprint(peers) {
			return nil, fmt.Errorf("table %v: rows and columns must both list %v", g.targets, peers)
		}
		targets = append(targets, g.targets...)
	}
	sort.SliceStable(targets, func(i, j int) bool { return lessTarget(targets[i], targets[j]) })
	t := NewTable(peers, targets)
	for _, g := range grids {
		for _, tg := range g.targets {
			for _, f := range peers {
				for di, d := range peers {
					if err := t.Set(f, d, tg, g.rows[f][di]); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	return t, nil
}

var protoOrder = map[corev1.Protocol]int{corev1.ProtocolTCP: 0, corev1.ProtocolUDP: 1, corev1.ProtocolSCTP: 2}

// lessTarget orders targets by port, then protocol (TCP, UDP, SCTP): TCP/80 UDP/80 SCTP/80 TCP/81...
func lessTarget(a, b Target) bool {
	if a.Port != b.Port {
		return a.Port < b.Port
	}
	return protoOrder[a.Protocol] < protoOrder[b.Protocol]
}

// SortTargets sorts targets into table order.
func SortTargets(ts []Target) {
	sort.Slice(ts, func(i, j int) bool { return lessTarget(ts[i], ts[j]) })
}
