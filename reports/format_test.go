package reports

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWriteAll checks that every format lands in its file and equals its golden file (the JSON
// equals the recorded run it was read from).
func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	paths, err := WriteAll(dir, loadRun(t, "kindnet.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"results.json", "junit.xml", "summary.md", "report.html"}
	for i := range want {
		want[i] = filepath.Join(dir, want[i])
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Fatalf("paths (-want +got):\n%s", diff)
	}
	for path, gold := range map[string]string{
		"results.json": "runs/kindnet.json", "junit.xml": "golden/kindnet.junit.xml",
		"summary.md": "golden/kindnet.md", "report.html": "golden/kindnet.html",
	} {
		got, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("testdata", gold))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from testdata/%s", path, gold)
		}
	}
}

func TestParseFormat(t *testing.T) {
	if _, err := ParseFormat("pdf"); err == nil || err.Error() != `format "pdf", expected one of [json junit markdown html]` {
		t.Errorf("ParseFormat(pdf) error %v", err)
	}
	for _, f := range Formats {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%s) = %v, %v", f, got, err)
		}
	}
}
