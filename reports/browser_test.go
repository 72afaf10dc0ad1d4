package reports

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var screenshot = flag.String("screenshot", "", "also write the browser test's screenshot of the kindnet page to this PNG file")

// chromium returns the path of Debian's chromium. When it is missing it runs hack/test-deps.sh
// (which installs it as root with apt-get) once, and skips with the reason if that fails.
func chromium(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join("..", "hack", "test-deps.sh")).CombinedOutput()
	if p, lerr := exec.LookPath("chromium"); lerr == nil {
		return p
	}
	t.Skipf("chromium is not installed and hack/test-deps.sh could not install it (%v): %s", err, out)
	return ""
}

// browse loads url in headless chromium with one extra mode flag (--dump-dom or --screenshot=...)
// and returns stdout and the browser's log. Every run gets a fresh profile and a time limit.
func browse(t *testing.T, bin, url string, mode ...string) (stdout, log string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
		"--virtual-time-budget=5000"}, mode...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", url, err, errb.String())
	}
	return out.String(), errb.String()
}

// pageState is what the page's scripts wrote into the DOM (html/guard.js and html/page.js).
type pageState struct {
	ready, jsErrors, lastError, summaryCheck, shown string
	counts                                          map[string]string
	passRate                                        string
}

var (
	htmlTag   = regexp.MustCompile(`<html[^>]*>`)
	attr      = regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	countAttr = regexp.MustCompile(`data-count-verdict="([a-z-]+)" data-count="(\d+)"`)
	passRate  = regexp.MustCompile(`id="pass-rate">([^<]*)<`)
)

func readState(dom string) pageState {
	s := pageState{counts: map[string]string{}}
	attrs := map[string]string{}
	for _, m := range attr.FindAllStringSubmatch(htmlTag.FindString(dom), -1) {
		attrs[m[1]] = m[2]
	}
	s.ready, s.jsErrors, s.lastError = attrs["data-ready"], attrs["data-js-errors"], attrs["data-js-last-error"]
	s.summaryCheck, s.shown = attrs["data-summary-check"], attrs["data-shown"]
	for _, m := range countAttr.FindAllStringSubmatch(dom, -1) {
		s.counts[m[1]] = m[2]
	}
	if m := passRate.FindStringSubmatch(dom); m != nil {
		s.passRate = m[1]
	}
	return s
}

// consoleLines returns the lines of chromium's log that report page console messages or
// uncaught exceptions; the page writes nothing to the console, so any line is a problem.
func consoleLines(log string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, ":CONSOLE") || strings.Contains(l, "Uncaught") {
			out = append(out, l)
		}
	}
	return out
}

// TestHTMLInBrowser loads each page from disk in headless chromium and checks that the scripts ran
// without errors, that the summary numbers in the DOM equal the run's, that the filters work, and
// it takes a screenshot.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	for _, name := range []string{"calico", "flannel", "kindnet"} {
		t.Run(name, func(t *testing.T) {
			r := loadRun(t, name+".json")
			path := filepath.Join(dir, name+".html")
			var b bytes.Buffer
			if err := WriteHTML(&b, r); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			checkPageInBrowser(t, bin, r, "file://"+path)
		})
	}
	t.Run("screenshot", func(t *testing.T) {
		out := *screenshot
		if out == "" {
			out = filepath.Join(dir, "screenshot.png")
		} else if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		_, _ = browse(t, bin, "file://"+filepath.Join(dir, "kindnet.html"), "--window-size=1400,2200", "--screenshot="+out)
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("screenshot %s: %v", out, err)
		}
		if b := img.Bounds(); b.Dx() != 1400 || b.Dy() != 2200 {
			t.Errorf("screenshot is %dx%d, want 1400x2200", b.Dx(), b.Dy())
		}
	})
}

func checkPageInBrowser(t *testing.T, bin string, r *Run, url string) {
	t.Helper()
	dom, log := browse(t, bin, url, "--dump-dom")
	st := readState(dom)
	if st.ready != "1" {
		t.Fatalf("the page's script did not finish (data-ready=%q); js errors %q: %s", st.ready, st.jsErrors, st.lastError)
	}
	if st.jsErrors != "0" {
		t.Errorf("%s script errors, last: %s", st.jsErrors, st.lastError)
	}
	if lines := consoleLines(log); len(lines) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(lines, "\n"))
	}
	if st.summaryCheck != "ok" {
		t.Errorf("the header's counts disagree with the cases on the page: %s", st.summaryCheck)
	}
	s := Summarize(r)
	want := map[string]string{}
	for _, v := range Verdicts {
		want[string(v)] = fmt.Sprint(s.Counts[v])
	}
	if fmt.Sprint(want) != fmt.Sprint(st.counts) {
		t.Errorf("summary counts in the DOM %v, the JSON says %v", st.counts, want)
	}
	wantRate := "n/a"
	if rate, ok := s.Counts.PassRate(); ok {
		wantRate = percent(rate)
	}
	if st.passRate != wantRate {
		t.Errorf("pass rate in the DOM %q, the JSON says %q", st.passRate, wantRate)
	}
	if st.shown != fmt.Sprint(len(r.Cases)) {
		t.Errorf("unfiltered page shows %s cases, want %d", st.shown, len(r.Cases))
	}
	dom, _ = browse(t, bin, url+"#failing=1", "--dump-dom")
	if got := readState(dom).shown; got != fmt.Sprint(len(r.Failing())) {
		t.Errorf("with failing only the page shows %s cases, want %d", got, len(r.Failing()))
	}
	for _, f := range []string{"sctp", string(FeatureService)} {
		want := s.featureTotal(f)
		if want == 0 {
			want = len(r.Cases) // a feature the page has no filter for selects every case
		}
		dom, _ = browse(t, bin, url+"#feature="+f, "--dump-dom")
		if got := readState(dom).shown; got != fmt.Sprint(want) {
			t.Errorf("filtered by feature %s the page shows %s cases, want %d", f, got, want)
		}
	}
}

func (s Summary) featureTotal(name string) int {
	for _, f := range s.Features {
		if string(f.Feature) == name {
			return f.Counts.Total()
		}
	}
	return 0
}

// TestBrowserChecksCanFail feeds chromium pages that are wrong on purpose: a header count that
// disagrees with the cases, and a script that throws. The checks the browser test relies on must
// report both.
func TestBrowserChecksCanFail(t *testing.T) {
	bin := chromium(t)
	var b bytes.Buffer
	if err := WriteHTML(&b, loadRun(t, "kindnet.json")); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	tests := []struct {
		name, old, new string
		check          func(pageState, string) bool
	}{
		{"tampered count", `data-count-verdict="pass" data-count="4"`, `data-count-verdict="pass" data-count="6"`,
			func(s pageState, _ string) bool { return s.summaryCheck == "pass: header 6, cases 4" }},
		{"script error", `<main>`, `<main><script>undefinedFunction();</script>`,
			func(s pageState, log string) bool { return s.jsErrors == "1" && len(consoleLines(log)) > 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(page, tt.old) {
				t.Fatalf("the kindnet page no longer contains %q; update the test", tt.old)
			}
			path := filepath.Join(t.TempDir(), "bad.html")
			if err := os.WriteFile(path, []byte(strings.Replace(page, tt.old, tt.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			dom, log := browse(t, bin, "file://"+path, "--dump-dom")
			if st := readState(dom); !tt.check(st, log) {
				t.Errorf("the check did not notice: state %+v\nconsole %q", st, consoleLines(log))
			}
		})
	}
}
