package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
)

// DefaultMarkdownLimit caps the Markdown summary's size. GitHub refuses a job summary over 1 MiB;
// a summary is meant to be read at a glance, so the default is far below that.
const DefaultMarkdownLimit = 64 << 10

// WriteMarkdown writes the run's summary: header, totals, pass rate per feature, the failing
// cases with their diffs and the cases that were not judged. Failing cases are added in run
// order while the document stays under limit bytes (DefaultMarkdownLimit when limit <= 0); the
// ones that do not fit are named at the end with a note saying what was cut.
func WriteMarkdown(w io.Writer, r *Run, limit int) error {
	if limit <= 0 {
		limit = DefaultMarkdownLimit
	}
	var head, tail bytes.Buffer
	s := Summarize(r)
	markdownHeader(&head, r, s)
	markdownFeatures(&head, s)
	markdownPartlyUnsupported(&tail, r)
	markdownNotJudged(&tail, r)
	failing := r.Failing()
	if len(failing) > 0 {
		head.WriteString("\n## Failing cases\n")
	}
	var cut []string
	body := head.Bytes()
	for _, c := range failing {
		sec, err := markdownCase(c)
		if err != nil {
			return err
		}
		if len(cut) == 0 && len(body)+len(sec)+tail.Len()+cutNoteReserve <= limit {
			body = append(body, sec...)
			continue
		}
		cut = append(cut, c.Name)
	}
	if len(cut) > 0 {
		body = append(body, cutNote(cut, limit)...)
	}
	body = append(body, tail.Bytes()...)
	_, err := w.Write(body)
	return err
}

// cutNoteReserve is room kept for the note that names the cut cases.
const cutNoteReserve = 2 << 10

func cutNote(names []string, limit int) string {
	shown := names
	more := ""
	if len(shown) > 20 {
		shown, more = shown[:20], fmt.Sprintf(" and %d more", len(names)-20)
	}
	return fmt.Sprintf("\n> **Cut:** the diffs of %d failing cases were left out to keep this summary under %d KiB: %s%s. "+
		"The HTML report and the JUnit XML have every case.\n", len(names), limit>>10, "`"+strings.Join(shown, "`, `")+"`", more)
}

func markdownHeader(b *bytes.Buffer, r *Run, s Summary) {
	// The banner is the first line, so no excerpt of the summary can leave it out.
	if text := syntheticBanner(r); text != "" {
		fmt.Fprintf(b, "> **%s** — %s\n\n", syntheticHeading, mdEscape(text))
	}
	fmt.Fprintf(b, "# cnpc: %s\n\n", mdEscape(r.Label()))
	if r.Interrupted != "" {
		fmt.Fprintf(b, "> **Interrupted** — %s: these are the cases done so far.\n\n", mdEscape(r.Interrupted))
	}
	fmt.Fprintf(b, "Kubernetes %s · kind %s · %d nodes · %s · kernel %s · cnpc %s (%s) · %s, %s\n\n",
		orDash(r.Cluster.KubernetesVersion), orDash(r.Cluster.KindVersion), r.Cluster.Nodes, orDash(r.Cluster.IPFamily),
		orDash(r.Cluster.Kernel), orDash(r.Tool.Version), orDash(r.Tool.Commit),
		r.Start.UTC().Format("2006-01-02 15:04 UTC"), r.End.Sub(r.Start).Round(time.Second))
	for _, n := range r.CNI.Notes {
		fmt.Fprintf(b, "CNI: %s\n\n", mdEscape(n))
	}
	scope := r.Scope()
	fmt.Fprintf(b, "Scope: %s\n\n", mdEscape(scope.Line()))
	if why := scope.Partial(); why != "" {
		fmt.Fprintf(b, "> **Partial run:** %s. Its pass rates cover only these cases.\n\n", mdEscape(why))
	}
	if rate, ok := s.Counts.PassRate(); ok {
		fmt.Fprintf(b, "**%d of %d judged cases passed (%s)", s.Counts[Pass], s.Counts.Judged(), percent(rate))
		if s.PartlyUnsupported > 0 {
			fmt.Fprintf(b, ", %d of them with cells unsupported here", s.PartlyUnsupported)
		}
		b.WriteString("**")
	} else {
		b.WriteString("**No case was judged**")
	}
	for _, v := range Verdicts[1:] {
		if s.Counts[v] > 0 {
			fmt.Fprintf(b, " · %d %s", s.Counts[v], v)
		}
	}
	fmt.Fprintf(b, " · %s in all\n\nJudged with %s\n", plural(s.Counts.Total(), "case"), mdEscape(r.Judging().String()))
	if len(r.Unsupported) > 0 {
		b.WriteString("\nUnsupported here (cells that need these are unsupported, never passes; a case whose every deciding cell needs one is unsupported):\n\n")
		for _, u := range r.Unsupported {
			fmt.Fprintf(b, "- %s\n", mdEscape(u))
		}
	}
}

func markdownFeatures(b *bytes.Buffer, s Summary) {
	if len(s.Features) == 0 {
		return
	}
	b.WriteString("\n## Pass rate per feature\n\n| feature | pass rate | pass | of them with unsupported cells | fail | flaky | error | unsupported | impl.-defined | skipped |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, f := range s.Features {
		c := f.Counts
		fmt.Fprintf(b, "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d |\n", f.Feature, rateCell(c),
			c[Pass], f.PartlyUnsupported, c[Fail], c[Flaky], c[Error], c[Unsupported], c[ImplementationDefined], c[Skipped])
	}
	for _, l := range s.RowLegends() {
		fmt.Fprintf(b, "\n**%s**: %s\n", l.Row, mdEscape(l.Text))
	}
}

// rateCell is "80% ████░" (ten-character bar), or "n/a" when no case was judged.
func rateCell(c Counts) string {
	rate, ok := c.PassRate()
	if !ok {
		return "n/a"
	}
	full := int(rate*10 + 0.5)
	return percent(rate) + " " + strings.Repeat("█", full) + strings.Repeat("░", 10-full)
}

func markdownCase(c Case) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\n### %s: %s\n\n", mdEscape(c.Name), c.Verdict)
	if c.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", mdEscape(c.Description))
	}
	fmt.Fprintf(&b, "Features: %s", strings.Join(featureNames(c), ", "))
	if c.Reason != "" {
		fmt.Fprintf(&b, " · Reason: %s", mdEscape(c.Reason))
	}
	if msg := failureMessage(c); msg != "" && msg != c.Reason {
		fmt.Fprintf(&b, " · %s", msg)
	}
	b.WriteString("\n\n```text\n")
	if err := WriteCaseText(&b, c); err != nil {
		return nil, err
	}
	b.WriteString("```\n")
	return b.Bytes(), nil
}

// markdownPartlyUnsupported names the passes that had cells unsupported here, so a reader sees
// which passes rest on fewer cells than their case has. A run of every case has hundreds, so the
// list is one paragraph, cut after partlyShown names.
func markdownPartlyUnsupported(b *bytes.Buffer, r *Run) {
	var names []string
	for _, c := range r.Cases {
		if c.PartlyUnsupported() {
			names = append(names, fmt.Sprintf("`%s` (%s)", c.Name, mdEscape(strings.TrimSuffix(strings.TrimPrefix(c.VerdictText(), "pass ("), ")"))))
		}
	}
	if len(names) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Passed with cells unsupported here\n\n%s passed on their other cells: ", plural(len(names), "case"))
	more := ""
	if len(names) > partlyShown {
		names, more = names[:partlyShown], fmt.Sprintf(" and %d more (the HTML report and the JUnit XML have every case)", len(names)-partlyShown)
	}
	b.WriteString(strings.Join(names, ", ") + more + ".\n")
}

// partlyShown is how many passes with unsupported cells the Markdown summary names.
const partlyShown = 40

func markdownNotJudged(b *bytes.Buffer, r *Run) {
	first := true
	for _, c := range r.Cases {
		if c.Verdict.Judged() {
			continue
		}
		if first {
			b.WriteString("\n## Not judged\n\n")
			first = false
		}
		fmt.Fprintf(b, "- `%s`: %s", c.Name, c.Verdict)
		if c.Reason != "" {
			fmt.Fprintf(b, " (%s)", mdEscape(c.Reason))
		}
		b.WriteString("\n")
	}
}

func featureNames(c Case) []string {
	out := make([]string, len(c.Features))
	for i, f := range c.Features {
		out[i] = string(f)
	}
	return out
}

// plural is "1 case", "2 cases".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func percent(rate float64) string { return fmt.Sprintf("%.0f%%", rate*100) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdEscape keeps text from turning into Markdown or HTML: it escapes the characters that start
// markup, including the table separator.
var mdReplacer = strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`)

func mdEscape(s string) string { return mdReplacer.Replace(s) }
