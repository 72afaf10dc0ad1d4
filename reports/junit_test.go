package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// xmllint validates doc against testdata/junit.xsd; it skips the test when xmllint is missing
// (make test-deps installs libxml2-utils).
func xmllint(t *testing.T, doc []byte) error {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not found (Debian package libxml2-utils; make test-deps installs it): cannot validate JUnit XML")
	}
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--schema", filepath.Join("testdata", "junit.xsd"), path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

func TestJUnit(t *testing.T) {
	for _, name := range []string{"calico", "flannel", "kindnet"} {
		t.Run(name, func(t *testing.T) {
			r := loadRun(t, name+".json")
			var b bytes.Buffer
			if err := WriteJUnit(&b, r); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("golden", name+".junit.xml"), b.Bytes())
			if err := xmllint(t, b.Bytes()); err != nil {
				t.Errorf("JUnit XML does not validate against testdata/junit.xsd: %v", err)
			}
			checkJUnitCounts(t, r, b.Bytes())
		})
	}
}

// checkJUnitCounts reads the XML back and checks its counts against the run's summary, and that
// each failure's text is the case's diff text.
func checkJUnitCounts(t *testing.T, r *Run, doc []byte) {
	t.Helper()
	var got junitSuites
	if err := xml.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	s := Summarize(r)
	want := [4]int{len(r.Cases), s.Counts[Fail], s.Counts[Error], s.Counts[Skipped] + s.Counts[Unsupported] + s.Counts[ImplementationDefined]}
	if diff := cmp.Diff(want, [4]int{got.Tests, got.Failures, got.Errors, got.Skipped}); diff != "" {
		t.Errorf("tests, failures, errors, skipped (-want +got):\n%s", diff)
	}
	for i, jc := range got.Suites[0].Cases {
		if jc.Failure == nil {
			continue
		}
		var text strings.Builder
		if err := WriteCaseText(&text, r.Cases[i]); err != nil {
			t.Fatal(err)
		}
		if jc.Failure.Text != text.String() {
			t.Errorf("case %s: failure text is not the case's diff text", jc.Name)
		}
		if !diffHeading.MatchString(jc.Failure.Text) || !strings.ContainsAny(jc.Failure.Text, "!~E") {
			t.Errorf("case %s: failure text has no diff table:\n%s", jc.Name, jc.Failure.Text)
		}
	}
}

// diffHeading matches the heading of a diff table in a case's text: "diff:", or "diff, through
// each pod's Service (ClusterIP):" in a step with both kinds of tables.
var diffHeading = regexp.MustCompile(`(?m)^diff(, [^:]+)?:$`)

// TestJUnitSchemaRejects checks that the schema check can fail: documents that break the schema
// in ways a CI reporter would trip on are rejected.
func TestJUnitSchemaRejects(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, loadRun(t, "kindnet.json")); err != nil {
		t.Fatal(err)
	}
	valid := b.String()
	tests := []struct{ name, old, new string }{
		{"testsuite without tests count", `<testsuite name="cnpc kindnet@v1.8.5 (synthetic)" tests="9"`, `<testsuite name="cnpc kindnet@v1.8.5 (synthetic)"`},
		{"negative count", `failures="2"`, `failures="-1"`},
		{"failure and skipped together", `<skipped message="skipped:`, `<failure message="x"></failure><skipped message="skipped:`},
		{"testcase without name", `<testcase name="deny-all-ingress"`, `<testcase`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(valid, tt.old) {
				t.Fatalf("the kindnet JUnit document no longer contains %q; update the test", tt.old)
			}
			if err := xmllint(t, []byte(strings.Replace(valid, tt.old, tt.new, 1))); err == nil {
				t.Errorf("xmllint accepted a document with %s", tt.name)
			}
		})
	}
}
