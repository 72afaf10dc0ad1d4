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

// TestRecordedRuns keeps the recorded runs under testdata/runs equal to their builders, and checks
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
