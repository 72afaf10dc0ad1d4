package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/cases"
)

func matrixRuns(t *testing.T) []*Run {
	return []*Run{loadRun(t, "calico.json"), loadRun(t, "flannel.json"), loadRun(t, "kindnet.json")}
}

func TestMatrixGolden(t *testing.T) {
	m, err := NewMatrix(matrixRuns(t))
	if err != nil {
		t.Fatal(err)
	}
	var md, page bytes.Buffer
	if err := WriteMatrixMarkdown(&md, m); err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("golden", "matrix.md"), md.Bytes())
	if err := WriteMatrixHTML(&page, m); err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("golden", "matrix.html"), page.Bytes())
	checkSelfContained(t, page.String())
	for _, a := range []string{"fail-flannel-v0-27-4-deny-all", "fail-kindnet-v1-8-5-label-change"} {
		if !strings.Contains(page.String(), `href="#`+a+`"`) || !strings.Contains(page.String(), `id="`+a+`"`) {
			t.Errorf("matrix page has no link to and target %s", a)
		}
	}
}

// TestMatrixCells checks cells derived by hand from the recorded runs (testrun_test.go).
func TestMatrixCells(t *testing.T) {
	m, err := NewMatrix(matrixRuns(t))
	if err != nil {
		t.Fatal(err)
	}
	cell := func(feature string, col int) string {
		for i, f := range m.Features {
			if string(f) == feature {
				return m.Cells[i][col].Text()
			}
		}
		return "no row"
	}
	tests := []struct {
		feature string
		col     int
		want    string
	}{
		{"deny-all", 0, "100% (2/2)"},
		{"deny-all", 1, "0% (0/2)"},
		{"deny-all", 2, "50% (1/2; 1 with unsupported cells)"},
		{"sctp", 1, "0% (0/2)"},
		// allow-sctp-80-only passes on its TCP and UDP cells with its SCTP cells unsupported, so
		// it counts as a pass under ingress but n/a under sctp; allow-tcp-udp-only denies only
		// SCTP, so it is unsupported.
		{"sctp", 2, "n/a (2 unsupported)"},
		{"ingress", 2, "60% (3/5; 3 with unsupported cells)"},
		{"numeric-port", 2, "50% (1/2; 1 with unsupported cells)"},
		{"allow-all", 1, "100% (1/1)"},
		{"label-change", 2, "0% (0/1)"},
		{"tcp", 2, "0% (0/1)"},
		{"udp", 0, "100% (1/1)"},
		{"ip-block", 0, "n/a (1 skipped)"},
		{"ipv6", 0, "no row"},
		// Through Services calico matches every cell; flannel's run did not probe Services; on
		// kindnet allow-tcp-80-only fails on its Service cell x/b -> x/a UDP/80, deny-all-egress
		// passes (its flaky cell is a pod cell), allow-tcp-udp-only denies only SCTP (unsupported),
		// and every pass has SCTP Service cells unsupported.
		{"service", 0, "100% (8/8)"},
		{"service", 1, ""},
		{"service", 2, "83% (5/6; 5 with unsupported cells)"},
	}
	for _, tt := range tests {
		if got := cell(tt.feature, tt.col); got != tt.want {
			t.Errorf("%s in %s: %q, want %q", tt.feature, m.CNIs[tt.col].CNI, got, tt.want)
		}
	}
	for _, tt := range []struct {
		feature cases.Feature
		want    []MatrixFailure
	}{
		{"pod-selector", []MatrixFailure{{"pod-label-change", Error, "setup: set labels of x/b: timed out after 30s waiting for the pod to be ready"}}},
		{FeatureService, []MatrixFailure{{"allow-tcp-80-only", Fail, "1 mismatched of 27 Service cells"}}},
	} {
		i := slices.Index(m.Features, tt.feature)
		if i < 0 {
			t.Errorf("no row %s", tt.feature)
			continue
		}
		if diff := cmp.Diff(tt.want, m.Cells[i][2].Failing); diff != "" {
			t.Errorf("kindnet %s failures (-want +got):\n%s", tt.feature, diff)
		}
	}
	if last := m.Features[len(m.Features)-1]; last != FeatureService {
		t.Errorf("last row %s, want %s", last, FeatureService)
	}
}

// TestMatrixServiceRowOnlyWithServices: a matrix of runs that never probed Services has no
// service row and no legend for it.
func TestMatrixServiceRowOnlyWithServices(t *testing.T) {
	t.Parallel()
	m, err := NewMatrix([]*Run{loadRun(t, "flannel.json")})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(m.Features, FeatureService) || m.RowLegends() != nil {
		t.Errorf("rows %v, legends %v: want no service row", m.Features, m.RowLegends())
	}
	var md bytes.Buffer
	if err := WriteMatrixMarkdown(&md, m); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "| service |") || strings.Contains(md.String(), "**service**") {
		t.Errorf("the matrix of a run without Service cells shows a service row:\n%s", md.String())
	}
}

func TestMatrixRejectsTwoRunsOfOneVersion(t *testing.T) {
	_, err := NewMatrix([]*Run{loadRun(t, "calico.json"), loadRun(t, "flannel.json"), loadRun(t, "calico.json")})
	want := "runs 1 and 3 are both of calico@v3.30.2; give one run per CNI version"
	if err == nil || err.Error() != want {
		t.Errorf("NewMatrix error %v, want %q", err, want)
	}
}

func TestMatrixInBrowser(t *testing.T) {
	bin := chromium(t)
	m, err := NewMatrix(matrixRuns(t))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteMatrixHTML(&b, m); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "matrix.html")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, log := browse(t, bin, "file://"+path, "--dump-dom")
	if st := readState(dom); st.jsErrors != "0" {
		t.Errorf("matrix page: js errors %q: %s", st.jsErrors, st.lastError)
	}
	if lines := consoleLines(log); len(lines) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(lines, "\n"))
	}
	if *screenshot != "" {
		out := strings.TrimSuffix(*screenshot, ".png") + "-matrix.png"
		_, _ = browse(t, bin, "file://"+path, "--window-size=1200,900", "--screenshot="+out)
	}
}
