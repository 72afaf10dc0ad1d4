package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cnpc-dev/cnpc/cases"
)

// TestCaseByName: wherever a case file is taken, a catalog or generated case's name works too,
// with the same result as its file.
func TestCaseByName(t *testing.T) {
	t.Parallel()
	const file = "../../cases/catalog/apps/three-tier.yaml"
	byFile, errOut, code := runCLI(t, "predict", file, "-o", "json")
	if code != 0 {
		t.Fatalf("predict %s: exit %d, stderr %s", file, code, errOut)
	}
	byName, errOut, code := runCLI(t, "predict", "three-tier", "-o", "json")
	if code != 0 {
		t.Fatalf("predict three-tier: exit %d, stderr %s", code, errOut)
	}
	if byName != byFile || !strings.Contains(byName, `"case": "three-tier"`) {
		t.Errorf("predict three-tier differs from predict %s:\n%s", file, byName)
	}
	out, errOut, code := runCLI(t, "explain", "upstream-default-deny-ingress", "--from", "y/a", "--to", "x/a", "--port", "80")
	if code != 0 || !strings.Contains(out, "y/a -> x/a TCP/80: denied") {
		t.Errorf("explain by name: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "predict", "gen-ingress-all-any-any-port")
	if code != 0 || !strings.HasPrefix(out, "case gen-ingress-all-any-any-port: 1 step(s)\n") {
		t.Errorf("predict of a generated case by name: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	_, errOut, code = runCLI(t, "predict", "three-tierz")
	if code != 2 || !strings.Contains(errOut, `read case: open three-tierz: no such file or directory; no catalog or generated case is named "three-tierz" either`) {
		t.Errorf("predict of an unknown name: exit %d, stderr %q", code, errOut)
	}
}

// A file of that name in the working directory wins over the catalog case (not parallel: it
// changes the working directory).
func TestCaseFileWinsOverName(t *testing.T) {
	dir := writeCaseFiles(t, map[string]string{"three-tier": validCase})
	t.Chdir(dir)
	out, errOut, code := runCLI(t, "predict", "three-tier")
	if code != 0 || !strings.HasPrefix(out, "case ok: 1 step(s)\n") {
		t.Errorf("predict three-tier with a file of that name: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestCasesShow(t *testing.T) {
	t.Parallel()
	want, err := os.ReadFile("../../cases/catalog/apps/three-tier.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "cases", "show", "three-tier")
	if code != 0 || out != string(want) {
		t.Errorf("cases show three-tier: exit %d, stderr %q, stdout is the catalog file: %v", code, errOut, out == string(want))
	}
	// A generated case is shown as a case file that loads to the same case.
	out, errOut, code = runCLI(t, "cases", "show", "gen-ingress-a-pod-named")
	if code != 0 {
		t.Fatalf("cases show gen-ingress-a-pod-named: exit %d, stderr %q", code, errOut)
	}
	c, err := cases.Load(filepath.Join("shown", "gen.yaml"), []byte(out))
	if err != nil || c.Name != "gen-ingress-a-pod-named" {
		t.Errorf("the shown generated case does not load back: %v", err)
	}
	_, errOut, code = runCLI(t, "cases", "show", "no-such-case")
	if code != 2 || !strings.Contains(errOut, `cases show: no catalog or generated case is named "no-such-case"`) {
		t.Errorf("cases show no-such-case: exit %d, stderr %q", code, errOut)
	}
	out, _, code = runCLI(t, "__complete", "cases", "show", "three-")
	if code != 0 || !strings.HasPrefix(out, "three-tier\n") {
		t.Errorf("completion of a case name: exit %d, output %q", code, out)
	}
}

// An engine error (which a validated case should never meet) names the step's file:line:col.
func TestStepWhere(t *testing.T) {
	t.Parallel()
	c, err := cases.Load("two.yaml", []byte(validCase+"  - name: second\n    delete: [{namespace: x, name: deny}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"two.yaml:6:5", "two.yaml:12:5"} {
		if got := stepWhere(c, i); got != want {
			t.Errorf("stepWhere(%d) = %q, want %q", i, got, want)
		}
	}
	if got := stepWhere(cases.Generated()[0], 0); got != "case "+cases.Generated()[0].Name {
		t.Errorf("stepWhere(generated) = %q", got)
	}
}
