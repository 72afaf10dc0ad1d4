package probes

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// childEnv makes the test binary act as the prober instead of running tests: the netns tests
// re-execute it inside the client namespace (ip netns exec), because a prober's sockets are made
// on many threads and only a whole process can be moved into a namespace reliably.
const childEnv = "CNPC_PROBE_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "probe" {
		os.Exit(childProbe())
	}
	os.Exit(m.Run())
}

// childProbe does what "cnpc-probe probe" does: batch on stdin, one JSON document on stdout.
func childProbe() int {
	b, err := ParseBatch(os.Stdin, "<stdin>")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	resp, err := Probe(context.Background(), b)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := json.NewEncoder(os.Stdout).Encode(resp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	return 0
}
