package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestRecordedRuns keeps the synthetic runs under testdata/runs equal to their builders, and checks
// that reading then writing a file reproduces it byte for byte (the JSON writer round-trips).
func TestRecordedRuns(t *testing.T) {
	for name, run := range recordedRuns() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Encode(&b, run); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("runs", name), b.Bytes())
			read, err := Read(filepath.Join("testdata", "runs", name))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(run, read); diff != "" {
				t.Errorf("Read (-built +read):\n%s", diff)
			}
			var again bytes.Buffer
			if err := Encode(&again, read); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(b.String(), again.String()); diff != "" {
				t.Errorf("re-encoding changed the document (-first +second):\n%s", diff)
			}
		})
	}
}

// loadRun reads one recorded run.
func loadRun(t *testing.T, name string) *Run {
	t.Helper()
	r, err := Read(filepath.Join("testdata", "runs", name))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRealRun renders a run the suite recorded on a real kind cluster with kube-router (one case,
// deny-all ingress, SCTP missing from the kernel): every writer accepts what the suite writes.
func TestRealRun(t *testing.T) {
	r := loadRun(t, "kube-router-real.json")
	s := Summarize(r)
	if s.Counts[Pass] != 1 || s.Counts.Total() != 1 || len(r.Unsupported) != 1 {
		t.Errorf("counts %v, unsupported %v; want one passing case and SCTP unsupported", s.Counts, r.Unsupported)
	}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := Render(&b, r, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if f == FormatJUnit {
			if err := xmllint(t, b.Bytes()); err != nil {
				t.Errorf("JUnit XML does not validate: %v", err)
			}
		}
	}
}
