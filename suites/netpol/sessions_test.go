package netpol

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/probes"
)

// fakeStream is a streaming prober: it answers each batch line with a response line echoing the
// round, after delay(exec, n) for the n-th batch (from 1) of its exec-th start (from 1); it exits
// after exitAfter batches (0: never).
type fakeStream struct {
	starts    atomic.Int32
	delay     func(exec, n int) time.Duration
	exitAfter int
}

func (f *fakeStream) start(ctx context.Context, _ cases.PeerKey, stdin io.Reader, stdout, stderr io.Writer) error {
	exec := int(f.starts.Add(1))
	r := bufio.NewReader(stdin)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return nil
		}
		var b probes.Batch
		if err := json.Unmarshal(line, &b); err != nil {
			return err
		}
		if f.delay != nil {
			select {
			case <-time.After(f.delay(exec, n)):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		out, _ := json.Marshal(probes.Response{Round: b.Round})
		if _, err := stdout.Write(append(out, '\n')); err != nil {
			return err
		}
		if f.exitAfter > 0 && n == f.exitAfter {
			fmt.Fprintln(stderr, "fake prober: done")
			return nil
		}
	}
}

// roundTrip sends one numbered batch through s as src and returns the round its response echoed.
func roundTrip(ctx context.Context, s *Sessions, src cases.PeerKey, round string) (string, error) {
	in, _ := json.Marshal(probes.Batch{Round: round})
	res, err := s.Run(ctx, src, in)
	if err != nil {
		return "", err
	}
	var resp probes.Response
	if err := json.Unmarshal(res.Stdout, &resp); err != nil {
		return "", err
	}
	return resp.Round, nil
}

func TestSessionsKeepOneExec(t *testing.T) {
	t.Parallel()
	f := &fakeStream{}
	s := &Sessions{Start: f.start}
	defer s.CloseAll()
	for i := range 5 {
		got, err := roundTrip(context.Background(), s, "x/a", fmt.Sprint(i))
		if err != nil || got != fmt.Sprint(i) {
			t.Fatalf("round %d: %q, %v", i, got, err)
		}
	}
	if _, err := roundTrip(context.Background(), s, "x/b", "b"); err != nil {
		t.Fatal(err)
	}
	if n := f.starts.Load(); n != 2 {
		t.Errorf("%d execs for 6 rounds of 2 sources, want 2", n)
	}
	if _, err := s.Run(context.Background(), "x/a", []byte("{}\n{}")); err == nil {
		t.Error("a batch of two lines was sent")
	}
}

func TestSessionEndedIsReopened(t *testing.T) {
	t.Parallel()
	f := &fakeStream{exitAfter: 2}
	s := &Sessions{Start: f.start}
	defer s.CloseAll()
	var errs int
	for i := range 6 {
		if _, err := roundTrip(context.Background(), s, "x/a", fmt.Sprint(i)); err != nil {
			errs++
		}
	}
	// The prober exits after answering its second batch; the session is found ended before the
	// next round, or while the round writes to it (then the batch goes to a new one), and opened
	// again, so no round fails: 3 execs, or one more each time a round meets the exit.
	if n := f.starts.Load(); errs != 0 || n < 3 || n > 5 {
		t.Errorf("%d failed rounds, %d execs; want 0 and 3 to 5", errs, n)
	}
}

// A round that times out closes its session: the late answer is never read by the next round,
// which gets its own answer from a new exec.
func TestSessionTimeoutNeverLeaksALateAnswer(t *testing.T) {
	t.Parallel()
	f := &fakeStream{delay: func(exec, _ int) time.Duration {
		if exec == 1 {
			return 300 * time.Millisecond
		}
		return 0
	}}
	s := &Sessions{Start: f.start}
	defer s.CloseAll()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := roundTrip(ctx, s, "x/a", "late"); err == nil || !strings.Contains(err.Error(), "no response") {
		t.Fatalf("error %v, want no response", err)
	}
	got, err := roundTrip(context.Background(), s, "x/a", "next")
	if err != nil || got != "next" {
		t.Errorf("next round: %q, %v; want its own answer", got, err)
	}
	if n := f.starts.Load(); n != 2 {
		t.Errorf("%d execs, want 2 (the timed-out session is not reused)", n)
	}
}

func TestSessionsSync(t *testing.T) {
	t.Parallel()
	f := &fakeStream{}
	s := &Sessions{Start: f.start}
	defer s.CloseAll()
	ns := []cases.Namespace{{Name: "x"}}
	s.Sync(ns, map[cases.PeerKey]string{"x/a": "10.0.0.1", "x/b": "10.0.0.2"})
	for _, src := range []cases.PeerKey{"x/a", "x/b", "y/c"} {
		if _, err := roundTrip(context.Background(), s, src, "1"); err != nil {
			t.Fatal(err)
		}
	}
	// x/a re-created with another IP, x/b gone; y is not reconciled here.
	s.Sync(ns, map[cases.PeerKey]string{"x/a": "10.0.0.9"})
	for _, src := range []cases.PeerKey{"x/a", "x/b", "y/c"} {
		if _, err := roundTrip(context.Background(), s, src, "2"); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.starts.Load(); n != 5 {
		t.Errorf("%d execs, want 5: x/a and x/b opened again, y/c kept", n)
	}
}

// Rounds of many sources at once, as Observe makes them, each get their own answers.
func TestSessionsConcurrentSources(t *testing.T) {
	t.Parallel()
	f := &fakeStream{delay: func(int, int) time.Duration { return time.Millisecond }}
	s := &Sessions{Start: f.start}
	defer s.CloseAll()
	var wg sync.WaitGroup
	errc := make(chan error, 90)
	for round := range 10 {
		for p := range 9 {
			src := cases.PodKey("x", fmt.Sprint("p", p))
			wg.Go(func() {
				want := fmt.Sprint(src, "#", round)
				got, err := roundTrip(context.Background(), s, src, want)
				if err == nil && got != want {
					err = errors.New("answer " + got + " for " + want)
				}
				if err != nil {
					errc <- err
				}
			})
		}
		wg.Wait()
	}
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if n := f.starts.Load(); n != 9 {
		t.Errorf("%d execs for 10 rounds of 9 sources, want 9", n)
	}
}
