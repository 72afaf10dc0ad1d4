package reports

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	for _, name := range []string{"calico", "flannel", "kindnet"} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteMarkdown(&b, loadRun(t, name+".json"), 0); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("golden", name+".md"), b.Bytes())
		})
	}
}

// TestMarkdownLimit checks the cap: under a small limit the summary stays under it, keeps the
// header and feature table, and names the failing cases it cut.
func TestMarkdownLimit(t *testing.T) {
	r := loadRun(t, "flannel.json")
	var full bytes.Buffer
	if err := WriteMarkdown(&full, r, 0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		limit   int
		wantCut int
	}{
		{"everything fits", full.Len() + cutNoteReserve, 0},
		{"one case too many", full.Len() + cutNoteReserve - 1, 1},
		{"no room for any diff", 5 << 10, len(r.Failing())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteMarkdown(&b, r, tt.limit); err != nil {
				t.Fatal(err)
			}
			if b.Len() > tt.limit {
				t.Errorf("summary is %d bytes, limit %d", b.Len(), tt.limit)
			}
			if !strings.Contains(b.String(), "## Pass rate per feature") {
				t.Errorf("the feature table was cut")
			}
			got := strings.Count(b.String(), "\n### ")
			if want := len(r.Failing()) - tt.wantCut; got != want {
				t.Errorf("%d failing cases shown, want %d", got, want)
			}
			if hasNote := strings.Contains(b.String(), "**Cut:**"); hasNote != (tt.wantCut > 0) {
				t.Errorf("cut note present = %v, want %v", hasNote, tt.wantCut > 0)
			}
		})
	}
}

// TestMarkdownServiceRow checks the service row of the feature table: last, with kindnet's counts
// derived by hand (TestSummaryServiceRow) and its legend under the table, in a run probed through
// Services; absent, with no legend, from one that was not.
func TestMarkdownServiceRow(t *testing.T) {
	t.Parallel()
	legend := "\n**service**: the cases probed through the pods' ClusterIP Services, each with its verdict on those connections alone: " +
		"a case can pass here and fail on the pods' own IPs, or the reverse. Not a feature of the catalog.\n"
	tests := []struct {
		run     string
		lastRow string // the table's last row; "" for a run that must have no service row
	}{
		{"calico", "| service | 100% ██████████ | 8 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"},
		{"flannel", ""},
		{"kindnet", "| service | 83% ████████░░ | 5 | 5 | 1 | 0 | 0 | 1 | 0 | 0 |"},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := WriteMarkdown(&b, loadRun(t, tt.run+".json"), 0); err != nil {
				t.Fatal(err)
			}
			rows := featureTableRows(b.String())
			if len(rows) == 0 {
				t.Fatalf("no feature table:\n%s", b.String())
			}
			last, doc := rows[len(rows)-1], b.String()
			switch {
			case tt.lastRow != "" && last != tt.lastRow:
				t.Errorf("last row of the feature table %q, want %q", last, tt.lastRow)
			case tt.lastRow != "" && !strings.Contains(doc, last+"\n"+legend):
				t.Errorf("the service row is not followed by its legend %q", legend)
			case tt.lastRow == "" && (strings.Contains(doc, "| service |") || strings.Contains(doc, "**service**")):
				t.Errorf("a run without Service cells has a service row or legend:\n%s", doc)
			}
		})
	}
}

// featureTableRows are the body rows of the Markdown summary's feature table.
func featureTableRows(doc string) []string {
	_, table, _ := strings.Cut(doc, "## Pass rate per feature\n\n")
	var rows []string
	for i, l := range strings.Split(table, "\n") {
		if !strings.HasPrefix(l, "|") {
			break
		}
		if i >= 2 { // the heading and the separator
			rows = append(rows, l)
		}
	}
	return rows
}
