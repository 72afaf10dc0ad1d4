package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// The page's style and script are embedded and inlined, so the file opens offline: no external
// scripts, fonts or stylesheets.
var (
	//go:embed html/page.css
	pageCSS string
	//go:embed html/page.js
	pageJS string
	//go:embed html/guard.js
	guardJS string
	//go:embed html/run.tmpl
	runTemplate string
)

var runPage = template.Must(template.New("run").Funcs(template.FuncMap{
	"lower": strings.ToLower,
}).Parse(runTemplate))

// htmlRun is what the run page's template reads; all of it is computed from the Run.
type htmlRun struct {
	Run *Run
	// Synthetic is the banner of a synthetic run, nil for a real one.
	Synthetic *htmlBanner
	Title     string
	Meta      []string
	// Scope is the run's scope on one line; Partial says why the run is partial, or "".
	Scope, Partial string
	PassRate       string
	Judged         int
	// PartlyUnsupported is how many passes had cells unsupported here.
	PartlyUnsupported int
	Verdicts          []htmlCount
	Features          []htmlFeature
	RowLegends        []RowLegend // explain the rows of Features that are not catalog features
	Cases             []htmlCase
	Generated         string
	CSS               template.CSS
	Guard, JS         template.JS
}

// htmlBanner is the synthetic-data banner at the top of a page (html/page.css styles it so any
// screenshot of the page's top shows it, and keeps it in view while scrolling).
type htmlBanner struct {
	Heading, Text string
}

func newHTMLBanner(text string) *htmlBanner {
	if text == "" {
		return nil
	}
	return &htmlBanner{Heading: syntheticHeading, Text: text}
}

type htmlCount struct {
	Verdict Verdict
	Count   int
}

// htmlFeature is one pass bar: a segment per verdict, widths in percent of the feature's cases.
type htmlFeature struct {
	Name     cases.Feature
	Rate     string
	Total    int
	Segments []htmlSegment
}

type htmlSegment struct {
	Verdict Verdict
	Count   int
	Width   string
}

type htmlCase struct {
	Case
	// VerdictText is Case.VerdictText: "pass (SCTP: 54 cells unsupported here)".
	VerdictText string
	ID          string
	Features    string // the rows the case counts in (Case.rowNames): what the feature filter matches
	Message     string
	Open        bool
	Steps       []htmlStep
}

type htmlStep struct {
	Step
	// Sets are the step's tables: those of the connections to the destinations' own IPs, then,
	// when the step was also probed through Services, those of the Services, side by side.
	Sets []htmlTableSet
	// Notes are the first notesShown wrong cells; More holds the rest, folded away.
	Notes, More []htmlNote
}

// htmlTableSet is the predicted, observed and diff tables of one way of reaching the destinations;
// Title names it when the step has two (StepTables.Title).
type htmlTableSet struct {
	Title  string
	Tables []htmlTable
}

// notesShown is how many wrong cells a step lists before folding the rest: a CNI that enforces
// nothing gets hundreds, and the tables already show where they are.
const notesShown = 6

// htmlNote is one cell a reader must look at: a wrong or implementation-defined cell.
type htmlNote struct {
	Class       Class
	Line        string
	Explanation string
	Detail      string
}

// WriteHTML writes the run as one self-contained HTML page: a summary header, a pass bar per
// feature, and every case with the truth tables of each step beside the policies in force (those
// through the pods' Services beside the others, for a step probed through them), the explanation
// of each wrong cell, and filters by feature and by failing only.
func WriteHTML(w io.Writer, r *Run) error {
	s := Summarize(r)
	page := htmlRun{Run: r, Synthetic: newHTMLBanner(syntheticBanner(r)), Title: "cnpc · " + r.Label(), Judged: s.Counts.Judged(),
		PartlyUnsupported: s.PartlyUnsupported, RowLegends: s.RowLegends(),
		CSS: template.CSS(pageCSS), Guard: template.JS(guardJS), JS: template.JS(pageJS)}
	page.Meta = []string{
		"Kubernetes " + orDash(r.Cluster.KubernetesVersion), "kind " + orDash(r.Cluster.KindVersion),
		fmt.Sprintf("%d nodes", r.Cluster.Nodes), orDash(r.Cluster.IPFamily), "kernel " + orDash(r.Cluster.Kernel),
		fmt.Sprintf("cnpc %s (%s)", orDash(r.Tool.Version), orDash(r.Tool.Commit)),
		r.Start.UTC().Format("2006-01-02 15:04 UTC"), r.End.Sub(r.Start).Round(time.Second).String(),
	}
	for _, n := range r.CNI.Notes {
		page.Meta = append(page.Meta, "CNI: "+n)
	}
	page.Meta = append(page.Meta, "judged with "+r.Judging().String())
	if r.Interrupted != "" {
		page.Meta = append([]string{"INTERRUPTED: " + r.Interrupted + ": these are the cases done so far"}, page.Meta...)
	}
	scope := r.Scope()
	page.Scope, page.Partial = scope.Line(), scope.Partial()
	page.PassRate = "n/a"
	if rate, ok := s.Counts.PassRate(); ok {
		page.PassRate = percent(rate)
	}
	for _, v := range Verdicts {
		page.Verdicts = append(page.Verdicts, htmlCount{v, s.Counts[v]})
	}
	for _, f := range s.Features {
		page.Features = append(page.Features, featureBar(f))
	}
	for _, c := range r.Cases {
		hc, err := newHTMLCase(c)
		if err != nil {
			return err
		}
		page.Cases = append(page.Cases, hc)
	}
	return runPage.Execute(w, page)
}

func featureBar(f FeatureSummary) htmlFeature {
	hf := htmlFeature{Name: f.Feature, Rate: "n/a", Total: f.Counts.Total()}
	if rate, ok := f.Counts.PassRate(); ok {
		hf.Rate = percent(rate)
	}
	for _, v := range Verdicts {
		if n := f.Counts[v]; n > 0 {
			hf.Segments = append(hf.Segments, htmlSegment{v, n, fmt.Sprintf("%.2f%%", 100*float64(n)/float64(hf.Total))})
		}
	}
	return hf
}

func newHTMLCase(c Case) (htmlCase, error) {
	hc := htmlCase{Case: c, VerdictText: c.VerdictText(), ID: "case-" + htmlID(c.Name), Features: strings.Join(c.rowNames(), " "),
		Open: c.Verdict == Fail || c.Verdict == Error}
	if c.Verdict == Fail {
		hc.Message = failureMessage(c)
	}
	for _, s := range c.Steps {
		hs, err := newHTMLStep(s)
		if err != nil {
			return hc, fmt.Errorf("case %s step %d: %w", c.Name, s.Index, err)
		}
		hc.Steps = append(hc.Steps, hs)
	}
	return hc, nil
}

func newHTMLStep(s Step) (htmlStep, error) {
	sets, err := s.TableSets()
	if err != nil {
		return htmlStep{}, err
	}
	hs := htmlStep{Step: s}
	for _, st := range sets {
		set := htmlTableSet{Tables: []htmlTable{newHTMLTable("predicted", st.Via, st.Predicted), newHTMLTable("observed", st.Via, st.Observed)}}
		if len(sets) > 1 {
			set.Title = st.Title()
		}
		// A passing step's diff says only "match": leave it out, it is a third of the page.
		if s.Verdict != Pass {
			set.Tables = append(set.Tables, newHTMLTable("diff", st.Via, st.Diff))
		}
		hs.Sets = append(hs.Sets, set)
	}
	for _, cell := range s.Cells {
		if !cell.Class.Wrong() && cell.Class != ClassImplementationDefined {
			continue
		}
		note := htmlNote{cell.Class, cellLine(cell, s.ServiceIPs), cell.Explanation, cell.Detail}
		if len(hs.Notes) < notesShown {
			hs.Notes = append(hs.Notes, note)
		} else {
			hs.More = append(hs.More, note)
		}
	}
	return hs, nil
}

var notID = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// htmlID turns a case name into a fragment identifier.
func htmlID(s string) string { return notID.ReplaceAllString(s, "-") }

// cellClass is the CSS class of a truth-table cell; the colours are in html/page.css.
func cellClass(c engine.Cell) string {
	switch c {
	case engine.CellAllowed:
		return "allowed"
	case engine.CellDenied:
		return "denied"
	case engine.CellRefused:
		return "refused"
	case engine.CellUnsupported:
		return "unsupported"
	case engine.CellError:
		return "error"
	case engine.CellMismatch:
		return "mismatch"
	case engine.CellFlaky:
		return "flaky"
	case engine.CellImplementationDefined:
		return "impl"
	case engine.CellNotGraded:
		return "not-graded"
	case engine.CellNone:
		return "none"
	}
	return "error"
}
