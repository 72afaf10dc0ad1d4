package reports

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFixturesAreMarked keeps every run under testdata/runs honest: a file named *-real.json was
// recorded by the suite on a cluster and is not synthetic; every other one is made up and says so.
func TestFixturesAreMarked(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join("testdata", "runs", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no runs under testdata/runs: %v", err)
	}
	for _, p := range paths {
		name := filepath.Base(p)
		r := loadRun(t, name)
		want := testSynthetic
		if strings.HasSuffix(name, "-real.json") {
			want = ""
		}
		if r.Synthetic != want {
			t.Errorf("%s: synthetic %q, want %q", name, r.Synthetic, want)
		}
	}
}

// styleBlock is the page's stylesheet, which names the banner's classes on every page.
var styleBlock = regexp.MustCompile(`(?s)<style>.*?</style>`)

// syntheticMarks returns the lines of a writer's output that mention "synthetic", outside the
// stylesheet. A real run's output has none.
func syntheticMarks(out string) []string {
	var marks []string
	for _, l := range strings.Split(styleBlock.ReplaceAllString(out, "<style></style>"), "\n") {
		if strings.Contains(strings.ToLower(l), "synthetic") {
			marks = append(marks, l)
		}
	}
	return marks
}

// checkBanner checks that the line directly before banner is before, or that banner is the first
// line when before is "".
func checkBanner(t *testing.T, out, banner, before string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if l != banner {
			continue
		}
		switch {
		case before == "" && i != 0:
			t.Errorf("the banner is line %d, want it first", i+1)
		case before != "" && (i == 0 || lines[i-1] != before):
			t.Errorf("the banner is line %d, want it directly after %q", i+1, before)
		}
		return
	}
	t.Errorf("no banner line %q", banner)
}

// TestSyntheticRun renders the real kube-router run as it was recorded and again with only the
// synthetic field set: each writer marks the run exactly when the field is set.
func TestSyntheticRun(t *testing.T) {
	t.Parallel()
	const reason = "edited for a test"
	tests := []struct {
		format Format
		// want are the lines that mention "synthetic" when the field is set; banner is the one
		// that must come first, directly after before ("" for the document's first line).
		want           []string
		banner, before string
	}{
		{FormatMarkdown, []string{
			"> **Synthetic test data** — not a real run: edited for a test",
			"# cnpc: kube-router@v1.3.2 (synthetic)",
		}, "> **Synthetic test data** — not a real run: edited for a test", ""},
		{FormatHTML, []string{
			"<title>cnpc · kube-router@v1.3.2 (synthetic)</title>",
			`<div class="synthetic-banner" role="alert"><strong>Synthetic test data</strong> — not a real run: edited for a test</div>`,
			`  <h1><span class="brand">cnpc</span> kube-router <span class="version">v1.3.2</span> <span class="synthetic-tag">(synthetic)</span></h1>`,
		}, `<div class="synthetic-banner" role="alert"><strong>Synthetic test data</strong> — not a real run: edited for a test</div>`, "<body>"},
		{FormatJUnit, []string{
			`  <testsuite name="cnpc kube-router@v1.3.2 (synthetic)" tests="1" failures="0" errors="0" skipped="0" time="13.382" timestamp="2026-11-23T12:52:55Z">`,
			`      <property name="synthetic" value="edited for a test"></property>`,
		}, `      <property name="synthetic" value="edited for a test"></property>`, "    <properties>"},
		{FormatJSON, []string{
			`  "synthetic": "edited for a test",`,
		}, `  "synthetic": "edited for a test",`, `  "schemaVersion": "cnpc.dev/results/v1",`},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			t.Parallel()
			real := loadRun(t, "kube-router-real.json")
			synthetic := *real
			synthetic.Synthetic = reason
			for _, row := range []struct {
				name string
				run  *Run
				want []string
			}{{"real", real, nil}, {"synthetic", &synthetic, tt.want}} {
				var b bytes.Buffer
				if err := Render(&b, row.run, tt.format); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(row.want, syntheticMarks(b.String())); diff != "" {
					t.Errorf("%s run: lines that mention synthetic (-want +got):\n%s", row.name, diff)
				}
				if row.want != nil {
					checkBanner(t, b.String(), tt.banner, tt.before)
				}
				if tt.format == FormatJSON {
					back, err := Decode(&b)
					if err != nil {
						t.Fatal(err)
					}
					if back.Synthetic != row.run.Synthetic {
						t.Errorf("%s run: synthetic read back as %q, want %q", row.name, back.Synthetic, row.run.Synthetic)
					}
				}
			}
		})
	}
}

// TestSyntheticMatrix checks the matrix's column headings and banner: a matrix of real runs has
// no mark; add one synthetic run and its column, and only its column, is marked, under a banner.
func TestSyntheticMatrix(t *testing.T) {
	t.Parallel()
	real, calico := loadRun(t, "kube-router-real.json"), loadRun(t, "calico.json")
	const banner = "> **Synthetic test data** — not a real result: 1 of 2 columns (calico@v3.30.2) come from synthetic runs that no cluster produced; do not cite their cells"
	const htmlBanner = `<div class="synthetic-banner" role="alert"><strong>Synthetic test data</strong> — not a real result: 1 of 2 columns (calico@v3.30.2) come from synthetic runs that no cluster produced; do not cite their cells</div>`
	tests := []struct {
		name             string
		runs             []*Run
		wantMD, wantHTML []string
	}{
		{"real runs only", []*Run{real}, nil, nil},
		{"one synthetic column", []*Run{real, calico}, []string{
			banner,
			// The real run is partial too (one case, by focus); that mark is not the synthetic one.
			"| feature | kube-router@v1.3.2 (partial) | calico@v3.30.2 (synthetic) |",
			`- **calico@v3.30.2 (synthetic)**: Kubernetes v1.35.0, 3 nodes, ipv4, kernel 6.8.0-48-generic, cnpc v0.1.0, run 2026-11-20; synthetic: made up by reports/testrun\_test.go for the golden tests; no cluster was run; scope: cases catalog · focus none · labels none · converge timeout 30s · probe timeout 1s, 3 attempts · via pod IPs and each pod's ClusterIP Service`,
		}, []string{
			"<title>cnpc NetworkPolicy support matrix (synthetic test data)</title>",
			htmlBanner,
			`  <thead><tr><th>feature</th><th>kube-router@v1.3.2 <span class="partial-tag" title="partial: focus deny-all-ingress$">(partial)</span><span class="sub">Kubernetes v1.34.4 · ipv4 · 2026-11-23</span>` +
				`<span class="sub" title="scope">cases not recorded · focus deny-all-ingress$ · labels none · converge timeout 30s · probe timeout 1s, 1 attempts</span></th>` +
				`<th class="synthetic">calico@v3.30.2 <span class="synthetic-tag">(synthetic)</span><span class="sub">Kubernetes v1.35.0 · ipv4 · 2026-11-20</span>` +
				`<span class="sub" title="scope">cases catalog · focus none · labels none · converge timeout 30s · probe timeout 1s, 3 attempts · via pod IPs and each pod&#39;s ClusterIP Service</span></th></tr></thead>`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := NewMatrix(tt.runs)
			if err != nil {
				t.Fatal(err)
			}
			var md, page bytes.Buffer
			if err := WriteMatrixMarkdown(&md, m); err != nil {
				t.Fatal(err)
			}
			if err := WriteMatrixHTML(&page, m); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantMD, syntheticMarks(md.String())); diff != "" {
				t.Errorf("Markdown lines that mention synthetic (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantHTML, syntheticMarks(page.String())); diff != "" {
				t.Errorf("HTML lines that mention synthetic (-want +got):\n%s", diff)
			}
			if tt.wantMD != nil {
				checkBanner(t, md.String(), banner, "")
				checkBanner(t, page.String(), htmlBanner, "<body>")
			}
		})
	}
}
