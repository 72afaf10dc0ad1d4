package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

// smallRun is a minimal valid run: one case, one step, two peers, one target.
func smallRun() *Run {
	return &Run{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Version: "v0.1.0", Commit: "abc1234"},
		CNI:           CNI{Name: "kindnet", Version: "v1.2.3"},
		Cluster:       Cluster{KubernetesVersion: "v1.35.0", Nodes: 2, IPFamily: "ipv4"},
		Start:         time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC),
		End:           time.Date(2026, 11, 23, 12, 5, 0, 0, time.UTC),
		Options:       Options{ConvergeTimeout: Duration(30 * time.Second), ProbeTimeout: Duration(time.Second), Attempts: 3},
		Cases: []Case{{
			Name: "deny-all", Features: []cases.Feature{cases.FeatureDenyAll}, Verdict: Pass, Duration: Duration(2 * time.Second),
			Steps: []Step{{
				Peers: []cases.PeerKey{"x/a", "x/b"}, Targets: []string{"TCP/80"}, Verdict: Pass, Polls: 1,
				Cells: []Cell{{From: "x/a", To: "x/b", Port: 80, Protocol: "TCP", Predicted: engine.Denied,
					Observed: cases.Timeout, Attempts: []cases.Outcome{cases.Timeout}, Class: Match}},
			}},
		}},
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	t.Parallel()
	want := smallRun()
	path := filepath.Join(t.TempDir(), "run.json")
	if err := Write(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	var valid bytes.Buffer
	if err := Encode(&valid, smallRun()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(string) string
		want string
	}{
		{"other schema version", func(s string) string {
			return strings.Replace(s, SchemaVersion, "cnpc.dev/results/v9", 1)
		}, `schemaVersion: found "cnpc.dev/results/v9", expected "cnpc.dev/results/v1"`},
		{"bad outcome and class together", func(s string) string {
			s = strings.Replace(s, `"observed": "timeout"`, `"observed": "blocked"`, 1)
			return strings.Replace(s, `"class": "match"`, `"class": "ok"`, 1)
		}, `cases[0].steps[0].cells[0].observed: found "blocked", expected one of [connected refused timeout unsupported error]` + "\n" +
			`cases[0].steps[0].cells[0].class: found "ok", expected one of [match mismatch unsupported implementation-defined flaky error not-graded]`},
		{"cell outside the peers", func(s string) string {
			return strings.Replace(s, `"to": "x/b"`, `"to": "y/b"`, 1)
		}, `cases[0].steps[0].cells[0].to: found "y/b", expected one of the step's peers`},
		{"wrong JSON type, with position", func(s string) string {
			return strings.Replace(s, `"nodes": 2`, `"nodes": "two"`, 1)
		}, `13:14: cluster.nodes: found JSON string, expected int`},
		{"unknown field", func(s string) string {
			return strings.Replace(s, `"nodes": 2`, `"nodes": 2, "zone": "a"`, 1)
		}, `json: unknown field "zone"`},
		{"blank synthetic", func(s string) string {
			return strings.Replace(s, `"tool"`, `"synthetic": " ",`+"\n"+`  "tool"`, 1)
		}, `synthetic: found " ", expected the reason the run is synthetic, or no field for a real run`},
		{"bad duration", func(s string) string {
			return strings.Replace(s, `"duration": "2s"`, `"duration": "2 seconds"`, 1)
		}, `duration: found "2 seconds", expected a string such as "1.5s"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode(strings.NewReader(tt.edit(valid.String())))
			if err == nil {
				t.Fatalf("Decode: no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode error:\n%s\nwant it to contain:\n%s", err, tt.want)
			}
		})
	}
}

// TestDurationKeepsPrecision: people see milliseconds, the JSON keeps every nanosecond.
func TestDurationKeepsPrecision(t *testing.T) {
	t.Parallel()
	d := Duration(3877247723 * time.Nanosecond)
	if got, want := d.String(), "3.877s"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	b, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `"3.877247723s"`; got != want {
		t.Errorf("MarshalJSON() = %s, want %s", got, want)
	}
	var back Duration
	if err := back.UnmarshalJSON(b); err != nil || back != d {
		t.Errorf("UnmarshalJSON(%s) = %v, %v; want %v", b, time.Duration(back), err, time.Duration(d))
	}
}

// Write replaces the file whole: no temporary file is left beside it, and a file that was there
// is replaced, not appended to or truncated in place.
func TestWriteReplacesWhole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "results.json")
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	r := &Run{Tool: Tool{Version: "v"}, CNI: CNI{Name: "kindnet"}, Cases: []Case{}}
	if err := Write(path, r); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	if back.CNI.Name != "kindnet" {
		t.Errorf("read back %+v", back.CNI)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("%d files in the directory, want only results.json", len(entries))
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v (%v), want 0644", st.Mode().Perm(), err)
	}
}
