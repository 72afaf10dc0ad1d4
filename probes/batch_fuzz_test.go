package probes

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseBatch: any input either fails with an error or yields a valid batch that survives a
// round trip through its own JSON unchanged. It must never panic.
func FuzzParseBatch(f *testing.F) {
	f.Add([]byte(`{"timeout": "1s", "attempts": 1, "targets": [{"name": "y/b", "ip": "10.244.2.11", "port": 80, "protocol": "TCP", "expect": "y/b"}]}`))
	f.Add([]byte(`{"targets": [{"name": "ext", "ip": "fd00::1", "port": 53, "protocol": "UDP"}]}`))
	f.Add([]byte("{\"targets\": [\n{\"port\": \"80\"}]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBatch(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			return
		}
		if err := b.Validate(); err != nil {
			t.Fatalf("parsed batch does not validate: %v", err)
		}
		again, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		b2, err := ParseBatch(bytes.NewReader(again), "again.json")
		if err != nil {
			t.Fatalf("re-parse of %s: %v", again, err)
		}
		if diff := cmp.Diff(b, b2); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
