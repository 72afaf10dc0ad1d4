package reports

import (
	"strings"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// htmlTable is one truth table of a step as HTML grids. Like engine.Table.Render, targets whose
// sub-tables are identical share one grid, headed by all their names.
type htmlTable struct {
	Name  string
	Grids []htmlGrid
}

type htmlGrid struct {
	Targets string
	Peers   []cases.PeerKey
	Rows    []htmlRow
}

type htmlRow struct {
	Peer  cases.PeerKey
	Cells []htmlCell
}

type htmlCell struct {
	Char  string
	Class string
	Title string
}

// cellWords says what a cell means in each kind of table, for the cell's tooltip.
var cellWords = map[string]map[engine.Cell]string{
	"predicted": {engine.CellAllowed: "predicted allowed", engine.CellDenied: "predicted denied"},
	"observed": {engine.CellAllowed: "connected", engine.CellDenied: "timeout", engine.CellRefused: "refused",
		engine.CellUnsupported: "unsupported here", engine.CellError: "probe error", engine.CellFlaky: "flaky: attempts disagreed"},
	"diff": {engine.CellAllowed: "match", engine.CellMismatch: "MISMATCH", engine.CellUnsupported: "unsupported here",
		engine.CellError: "probe error", engine.CellFlaky: "flaky", engine.CellImplementationDefined: "implementation-defined: the API allows either outcome",
		engine.CellNotGraded: "not graded: the case's upstream test does not probe this target"},
}

// newHTMLTable turns table t (a predicted, observed or diff table, by name) of the connections
// made via (Cell.Via) into grids.
func newHTMLTable(name, via string, t *engine.Table) htmlTable {
	ht := htmlTable{Name: name}
	n := len(t.Peers)
	through := ""
	if via == ViaService {
		through = " via its Service"
	}
	done := make([]bool, len(t.Targets))
	for g := range t.Targets {
		if done[g] {
			continue
		}
		names := []string{t.Targets[g].String()}
		for h := g + 1; h < len(t.Targets); h++ {
			if !done[h] && sameSub(t, g, h) {
				done[h] = true
				names = append(names, t.Targets[h].String())
			}
		}
		grid := htmlGrid{Targets: strings.Join(names, " "), Peers: t.Peers}
		for f := 0; f < n; f++ {
			row := htmlRow{Peer: t.Peers[f]}
			for d := 0; d < n; d++ {
				c := t.GetIndex(g, f, d)
				title := string(t.Peers[f]) + " → " + string(t.Peers[d]) + through + " " + grid.Targets + ": "
				if w := cellWords[name][c]; w != "" {
					title += w
				} else {
					// A Service table's diagonal is empty too when hairpin probes were left out.
					title += "port not served, or not probed"
				}
				row.Cells = append(row.Cells, htmlCell{Char: string(rune(c)), Class: cellClass(c), Title: title})
			}
			grid.Rows = append(grid.Rows, row)
		}
		ht.Grids = append(ht.Grids, grid)
	}
	return ht
}

func sameSub(t *engine.Table, g, h int) bool {
	n := len(t.Peers)
	for f := 0; f < n; f++ {
		for d := 0; d < n; d++ {
			if t.GetIndex(g, f, d) != t.GetIndex(h, f, d) {
				return false
			}
		}
	}
	return true
}
