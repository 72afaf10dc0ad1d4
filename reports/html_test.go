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

// TestHTMLServiceTables checks a step probed through Services: its Service tables stand beside its
// pod-IP tables under their titles, and the one mismatched Service cell of kindnet's run is shown
// in the Service diff only, next to the mismatched pod cell of the same case.
func TestHTMLServiceTables(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteHTML(&b, loadRun(t, "kindnet.json")); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, w := range []string{
		`<div class="tables by-via">`,
		`<div class="via-set"><h4 class="via">to each destination&#39;s own IP</h4>`,
		`<div class="via-set"><h4 class="via">through each pod&#39;s Service (ClusterIP)</h4>`,
		`<code>mismatch x/b -&gt; x/a UDP/80 via service (ClusterIP 10.96.0.10): predicted denied, observed connected (attempts: connected connected connected)</code>`,
	} {
		if !strings.Contains(page, w) {
			t.Errorf("kindnet's page lacks %s", w)
		}
	}
	mismatches := regexp.MustCompile(`<td class="cell mismatch" title="([^"]*)"`).FindAllStringSubmatch(page, -1)
	var titles []string
	for _, m := range mismatches {
		titles = append(titles, m[1])
	}
	want := []string{"y/a → x/a UDP/80: MISMATCH", "x/b → x/a via its Service UDP/80: MISMATCH"}
	if strings.Join(titles, "\n") != strings.Join(want, "\n") {
		t.Errorf("mismatched cells on kindnet's page: %q, want %q", titles, want)
	}
	b.Reset()
	if err := WriteHTML(&b, loadRun(t, "flannel.json")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `class="via-set"`) || strings.Contains(b.String(), "via its Service") {
		t.Errorf("flannel's run has no Service cells, but its page shows Service tables")
	}
}

// TestHTMLServiceRow checks the service bar of a run probed through Services: the last bar, with
// the counts of TestSummaryServiceRow, its legend under the bars, an entry in the feature filter,
// and the cases with Service cells tagged for that filter (data-features). A run without Service
// cells has none of these.
func TestHTMLServiceRow(t *testing.T) {
	t.Parallel()
	bar := regexp.MustCompile(`<tr class="feature-row" data-feature="([^"]+)">\s*<th>[^<]*</th>\s*<td class="bar-cell">.*</td>\s*<td class="rate-text">([^<]*)</td>\s*<td class="of">([^<]*)</td>`)
	tests := []struct {
		run     string
		lastBar string // the last bar's feature, rate and total
		tagged  int    // sections whose data-features name service
	}{
		{"calico", "service 100% 8 cases", 8},
		{"flannel", "upstream 0% 1 case", 0},
		{"kindnet", "service 83% 7 cases", 7},
	}
	for _, tt := range tests {
		t.Run(tt.run, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := WriteHTML(&b, loadRun(t, tt.run+".json")); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			bars := bar.FindAllStringSubmatch(page, -1)
			if len(bars) == 0 {
				t.Fatal("the page has no feature bars")
			}
			if last := bars[len(bars)-1]; strings.Join(last[1:], " ") != tt.lastBar {
				t.Errorf("last bar %q, want %q", strings.Join(last[1:], " "), tt.lastBar)
			}
			if got := regexp.MustCompile(`data-features="[^"]*\bservice"`).FindAllString(page, -1); len(got) != tt.tagged {
				t.Errorf("%d case sections carry the service filter, want %d", len(got), tt.tagged)
			}
			want := tt.tagged > 0
			for _, w := range []string{`<option value="service">service</option></select>`, `<p class="hint row-legend"><strong>service</strong>: the cases probed through`} {
				if strings.Contains(page, w) != want {
					t.Errorf("page contains %s: %v, want %v", w, !want, want)
				}
			}
		})
	}
}
