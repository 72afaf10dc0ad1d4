package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs the CLI in process and returns stdout, stderr (with the error as main prints it)
// and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(args, streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	if err != nil {
		errOut.WriteString("cnpc: " + err.Error() + "\n")
	}
	return out.String(), errOut.String(), exitCode(err)
}
