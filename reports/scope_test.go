package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestScope(t *testing.T) {
	t.Parallel()
	opts := Options{ConvergeTimeout: Duration(30 * time.Second), ProbeTimeout: Duration(time.Second), Attempts: 1}
	with := func(f func(*Options)) Options { o := opts; f(&o); return o }
	tests := []struct {
		name    string
		opts    Options
		cases   []Case
		line    string
		partial string
	}{
		{"the catalog", with(func(o *Options) { o.Cases = []string{"catalog"} }), nil,
			"cases catalog · focus none · labels none · converge timeout 30s · probe timeout 1s, 1 attempts", ""},
		{"the catalog beside your own, filtered", with(func(o *Options) { o.Cases = []string{"catalog", "own"}; o.Labels = "egress" }), nil,
			"cases catalog, own · focus none · labels egress · converge timeout 30s · probe timeout 1s, 1 attempts", "labels egress"},
		{"your own and a case by name", with(func(o *Options) { o.Cases = []string{"own"}; o.Named = []string{"three-tier"} }), nil,
			"cases own · cases by name three-tier · focus none · labels none · converge timeout 30s · probe timeout 1s, 1 attempts", "cases own"},
		{"names only", with(func(o *Options) { o.Named = []string{"three-tier"} }), nil,
			"cases none · cases by name three-tier · focus none · labels none · converge timeout 30s · probe timeout 1s, 1 attempts", "cases none"},
		{"an old catalog run: --cases was the label filter", with(func(o *Options) { o.Labels = "!generated" }), nil,
			"cases catalog · focus none · labels none · converge timeout 30s · probe timeout 1s, 1 attempts", ""},
		{"an old run of generated cases with labels", with(func(o *Options) { o.Labels = "generated && (sctp || udp)" }), nil,
			"cases generated · focus none · labels sctp || udp · converge timeout 30s · probe timeout 1s, 1 attempts", "cases generated; labels sctp || udp"},
		{"an old run without a selection", with(func(o *Options) { o.Focus = "^upstream-" }), nil,
			"cases not recorded · focus ^upstream- · labels none · converge timeout 30s · probe timeout 1s, 1 attempts", "focus ^upstream-"},
		{"probed through Services too", with(func(o *Options) { o.Cases = []string{"catalog"}; o.Via = ViaBoth }), nil,
			"cases catalog · focus none · labels none · converge timeout 30s · probe timeout 1s, 1 attempts · via pod IPs and each pod's ClusterIP Service", ""},
		{"through Services, hairpin not probed", with(func(o *Options) { o.Cases = []string{"catalog"}; o.Via = ViaBoth; o.SkipHairpin = true }), nil,
			"cases catalog · focus none · labels none · converge timeout 30s · probe timeout 1s, 1 attempts · via pod IPs and each pod's ClusterIP Service, but not a pod's own (hairpin not probed)", ""},
		{"probed at pod IPs, said so", with(func(o *Options) { o.Cases = []string{"catalog"}; o.Via = ViaPods }), nil,
			"cases catalog · focus none · labels none · converge timeout 30s · probe timeout 1s, 1 attempts", ""},
		{"side by side in 4 lanes", with(func(o *Options) { o.Cases = []string{"catalog"}; o.Lanes = 4 }), nil,
			"cases catalog · focus none · labels none · converge timeout 30s · probe timeout 1s, 1 attempts · lanes 4 (cases side by side, each in its own copy of its namespaces)", ""},
		{"cut short", with(func(o *Options) { o.Cases = []string{"catalog"} }),
			[]Case{{Name: "a", Verdict: Pass}, {Name: "b", Verdict: Error, Reason: "never ran: the suite stopped before it"}, {Name: "c", Verdict: Error, Reason: "set up: boom"}},
			"cases catalog · focus none · labels none · converge timeout 30s · probe timeout 1s, 1 attempts", "1 cases never ran"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := (&Run{Options: tt.opts, Cases: tt.cases}).Scope()
			if got := s.Line(); got != tt.line {
				t.Errorf("Line() = %q, want %q", got, tt.line)
			}
			if got := s.Partial(); got != tt.partial {
				t.Errorf("Partial() = %q, want %q", got, tt.partial)
			}
		})
	}
}

// TestMatrixScopes: a column of a partial run is marked, and columns of different scopes get a
// warning that names each difference; runs of one scope get none. A run probed through Services
// and one probed at pod IPs only differ in scope.
func TestMatrixScopes(t *testing.T) {
	t.Parallel()
	calico, flannel, kindnet := loadRun(t, "calico.json"), loadRun(t, "flannel.json"), loadRun(t, "kindnet.json")
	m, err := NewMatrix([]*Run{calico, kindnet})
	if err != nil {
		t.Fatal(err)
	}
	if w := m.ScopeWarning(); w != nil {
		t.Errorf("runs of one scope: warning %v", w)
	}
	m, err = NewMatrix([]*Run{calico, flannel})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"via: calico@v3.30.2 pod IPs and each pod's ClusterIP Service, flannel@v0.27.4 pod IPs"}
	if diff := cmp.Diff(want, m.ScopeWarning()); diff != "" {
		t.Errorf("runs via Services and via pod IPs: scope warning (-want +got):\n%s", diff)
	}
	focused := *kindnet
	focused.Options.Focus, focused.Options.ConvergeTimeout = "^deny-", Duration(10*time.Second)
	m, err = NewMatrix([]*Run{calico, &focused})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"focus: calico@v3.30.2 none, kindnet@v1.8.5 ^deny-", "converge timeout: calico@v3.30.2 30s, kindnet@v1.8.5 10s"}
	if diff := cmp.Diff(want, m.ScopeWarning()); diff != "" {
		t.Errorf("scope warning (-want +got):\n%s", diff)
	}
	var md, page bytes.Buffer
	if err := WriteMatrixMarkdown(&md, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteMatrixHTML(&page, m); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"> **The columns have different scopes**, so their pass rates do not compare:\n> - focus: calico@v3.30.2 none, kindnet@v1.8.5 ^deny-\n",
		"| feature | calico@v3.30.2 (synthetic) | kindnet@v1.8.5 (synthetic) (partial) |",
		"; **partial**: focus ^deny-\n",
	} {
		if !strings.Contains(md.String(), w) {
			t.Errorf("matrix Markdown lacks %q", w)
		}
	}
	for _, w := range []string{
		"<li>focus: calico@v3.30.2 none, kindnet@v1.8.5 ^deny-</li><li>converge timeout: calico@v3.30.2 30s, kindnet@v1.8.5 10s</li>",
		`<span class="partial-tag" title="partial: focus ^deny-">(partial)</span>`,
	} {
		if !strings.Contains(page.String(), w) {
			t.Errorf("matrix HTML lacks %q", w)
		}
	}
}

// A partial run says so in its Markdown and HTML reports.
func TestPartialRunReports(t *testing.T) {
	t.Parallel()
	run := loadRun(t, "kube-router-real.json")
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, run, 0); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&page, run); err != nil {
		t.Fatal(err)
	}
	if w := "> **Partial run:** focus deny-all-ingress$. Its pass rates cover only these cases.\n"; !strings.Contains(md.String(), w) {
		t.Errorf("Markdown lacks %q", w)
	}
	if w := `<p class="meta partial"><strong>Partial run:</strong> focus deny-all-ingress$. Its pass rates cover only these cases.</p>`; !strings.Contains(page.String(), w) {
		t.Errorf("HTML lacks %q", w)
	}
}
