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
