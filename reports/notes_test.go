package reports

import (
	"bytes"
	"strings"
	"testing"
)

// TestCNINotes checks that a profile's notes reach the Markdown and HTML reports, and that a
// run without notes shows none.
func TestCNINotes(t *testing.T) {
	t.Parallel()
	const note = "built without CAP_SYS_RESOURCE for cilium-agent"
	for _, withNote := range []bool{false, true} {
		r := loadRun(t, "kube-router-real.json")
		if withNote {
			r.CNI.Notes = []string{note}
		}
		var md, html bytes.Buffer
		if err := WriteMarkdown(&md, r, DefaultMarkdownLimit); err != nil {
			t.Fatal(err)
		}
		if err := WriteHTML(&html, r); err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]string{md.String(): "CNI: " + mdEscape(note), html.String(): "CNI: " + note} {
			if got := strings.Contains(name, want); got != withNote {
				t.Errorf("with notes %v: output shows %q: %v", withNote, want, got)
			}
		}
	}
}
