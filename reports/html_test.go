package reports

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	for _, name := range []string{"calico", "flannel", "kindnet"} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteHTML(&b, loadRun(t, name+".json")); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("golden", name+".html"), b.Bytes())
			checkSelfContained(t, b.String())
		})
	}
}

// external matches anything that would make the page load a resource: a link element, a src or
// href with a scheme or a protocol-relative address, a CSS import or url().
var external = regexp.MustCompile(`(?i)<link\b|\b(src|href)\s*=\s*["']?(https?:|//)|@import|url\(`)

func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	if m := external.FindString(page); m != "" {
		t.Errorf("page loads an external resource: %q", m)
	}
}

func TestSelfContainedCheckFails(t *testing.T) {
	for _, bad := range []string{
		`<script src="https://cdn.example/x.js"></script>`,
		`<link rel="stylesheet" href="style.css">`,
		`<style>@import "x.css";</style>`,
		`<img src="//example.org/a.png">`,
		`<div style="background: url(a.png)"></div>`,
	} {
		if external.FindString(bad) == "" {
			t.Errorf("the self-contained check misses %s", bad)
		}
	}
}

// TestHTMLCasesCarryTheirVerdicts checks the page against the run: one case section per case with
// its verdict and features, and a mismatch cell for each mismatched cell in the diff.
func TestHTMLCasesCarryTheirVerdicts(t *testing.T) {
	r := loadRun(t, "flannel.json")
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, c := range r.Cases {
		want := `id="case-` + c.Name + `" data-verdict="` + string(c.Verdict) + `" data-features="` + strings.Join(featureNames(c), " ") + `"`
		if !strings.Contains(page, want) {
			t.Errorf("page has no section %s", want)
		}
	}
	if got, want := strings.Count(page, `<td class="cell mismatch"`), 0; got == want {
		t.Errorf("flannel's page shows no mismatched cell")
	}
	b.Reset()
	if err := WriteHTML(&b, loadRun(t, "calico.json")); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), `<td class="cell mismatch"`); n != 0 {
		t.Errorf("calico's page shows %d mismatched cells, want 0", n)
	}
}
