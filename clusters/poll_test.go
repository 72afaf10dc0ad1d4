package clusters

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestPollChecksAtOnce(t *testing.T) {
	t.Parallel()
	calls := 0
	// An interval far longer than the test: only the immediate check can finish it.
	err := poll(context.Background(), time.Hour, time.Hour, func(context.Context) (bool, string, error) {
		calls++
		return true, "", nil
	})
	if err != nil || calls != 1 {
		t.Errorf("poll = %v after %d calls, want nil after 1", err, calls)
	}
}

func TestPollTimeoutCarriesStatus(t *testing.T) {
	t.Parallel()
	err := poll(context.Background(), time.Millisecond, 20*time.Millisecond, func(context.Context) (bool, string, error) {
		return false, "node x not Ready", nil
	})
	if err == nil || err.Error() != "not done after 20ms: node x not Ready" {
		t.Errorf("poll error = %v, want the timeout with the last status", err)
	}
}

func TestPollStopsOnError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	calls := 0
	err := poll(context.Background(), time.Millisecond, time.Second, func(context.Context) (bool, string, error) {
		calls++
		if calls == 3 {
			return false, "", boom
		}
		return false, "waiting", nil
	})
	if !errors.Is(err, boom) || calls != 3 {
		t.Errorf("poll = %v after %d calls, want boom after 3", err, calls)
	}
}
