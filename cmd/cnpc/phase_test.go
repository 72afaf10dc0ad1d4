package main

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPhases(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(1500 * time.Millisecond); return clock }
	var b bytes.Buffer
	p := &phases{w: &b, now: now}
	boom := errors.New("boom")
	if err := p.run("Creating", func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	p.note("reused %d", 1)
	if err := p.run("Installing", func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("run returned %v, want the phase's error", err)
	}
	want := " • Creating ...\n ✓ Creating (1.5s)\n   reused 1\n • Installing ...\n ✗ Installing (1.5s)\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	var quiet bytes.Buffer
	q := &phases{w: &quiet, quiet: true, now: now}
	q.run("Creating", func() error { return nil })
	q.note("x")
	if quiet.Len() != 0 {
		t.Errorf("quiet phases wrote %q", quiet.String())
	}
}
