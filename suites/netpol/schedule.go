package netpol

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/reports"
)

// CaseRun is what running one case left: its record, the failure text for Ginkgo ("" when the
// case was not failed), the reason it was skipped ("" when it ran), and its log.
type CaseRun struct {
	Rec     reports.Case
	Failure string
	Skip    string
	Log     []byte
	// Ran is false for a case whose lanes stopped before it began.
	Ran bool
}

// CaseFunc runs case number n on a lane. It must return when ctx is done.
type CaseFunc func(ctx context.Context, l *Lane, c *cases.Case, n int) CaseRun

// Schedule runs cases on lanes: in the order Ginkgo runs their specs, each on the first free
// lane, as many at once as there are lanes. The Ginkgo spec of a case waits for its run (Wait), so
// reports and progress stay in the specs' order while later cases already run on the other lanes.
// A spec that waits for a case not yet begun moves it to the front, so a spec never waits behind
// cases whose specs come later, whatever order Ginkgo chose.
type Schedule struct {
	cancel context.CancelCauseFunc
	jobs   []*job
	byCase map[*cases.Case]*job
	wg     sync.WaitGroup

	mu     sync.Mutex
	wanted []*job // waited for before they began, first first
}

type job struct {
	c     *cases.Case
	index int
	done  chan struct{}
	out   CaseRun
	// started is set under Schedule.mu when a lane takes the job.
	started bool
	// taken is set once Wait or Rest returned the run, so no run is recorded twice.
	mu    sync.Mutex
	taken bool
}

// SpecOrder sorts cases as Ginkgo orders specs declared at one code location, which the cases'
// specs are (registerCases): by their text, the case's name.
func SpecOrder(cs []*cases.Case) []*cases.Case {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b *cases.Case) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// StartSchedule starts running cs on lanes with run, in the order given. Each case gets at most
// timeout; run gets the case's number in that order (1 for the first).
func StartSchedule(lanes []*Lane, cs []*cases.Case, timeout time.Duration, run CaseFunc) *Schedule {
	ctx, cancel := context.WithCancelCause(context.Background())
	s := &Schedule{cancel: cancel, byCase: map[*cases.Case]*job{}}
	for i, c := range cs {
		j := &job{c: c, index: i, done: make(chan struct{})}
		s.jobs = append(s.jobs, j)
		s.byCase[c] = j
	}
	free := make(chan *Lane, len(lanes))
	for _, l := range lanes {
		free <- l
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			var l *Lane
			select {
			case l = <-free:
			case <-ctx.Done():
			}
			// A lane freed by the interruption itself must not begin another case: select
			// picks at random when both are ready.
			if ctx.Err() != nil {
				s.abandon()
				return
			}
			j := s.next()
			if j == nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				jctx, cancel := context.WithTimeout(ctx, timeout)
				j.out = run(jctx, l, j.c, j.index+1)
				j.out.Ran = true
				cancel()
				close(j.done)
				free <- l
			}()
		}
	}()
	return s
}

// next takes the next job to begin: the first one a spec waits for, else the first in order.
func (s *Schedule) next() *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.wanted) > 0 {
		j := s.wanted[0]
		s.wanted = s.wanted[1:]
		if !j.started {
			j.started = true
			return j
		}
	}
	for _, j := range s.jobs {
		if !j.started {
			j.started = true
			return j
		}
	}
	return nil
}

// abandon ends every job no lane took: the lanes stopped before them.
func (s *Schedule) abandon() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if !j.started {
			j.started = true
			close(j.done)
		}
	}
}

// Wait returns the run of c once it has ended. If ctx ends first (the spec was interrupted or
// timed out), every lane is stopped with ctx's cause, and Wait returns c's run as it ended then.
// ok is false for a case the schedule does not have or has already returned.
func (s *Schedule) Wait(ctx context.Context, c *cases.Case) (CaseRun, bool) {
	j, ok := s.byCase[c]
	if !ok {
		return CaseRun{}, false
	}
	s.mu.Lock()
	if !j.started {
		s.wanted = append(s.wanted, j)
	}
	s.mu.Unlock()
	select {
	case <-j.done:
	case <-ctx.Done():
		s.cancel(context.Cause(ctx))
		<-j.done
	}
	return j.take()
}

func (j *job) take() (CaseRun, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.taken {
		return CaseRun{}, false
	}
	j.taken = true
	return j.out, true
}

// Stop stops every lane (cause says why: the running cases record it) and waits for them.
func (s *Schedule) Stop(cause error) {
	if cause == nil {
		cause = errors.New("the suite ended")
	}
	s.cancel(cause)
	s.wg.Wait()
}

// Rest returns, in order, the runs that ended and that no Wait returned: after an interruption,
// the cases other lanes had finished or were running.
func (s *Schedule) Rest() []CaseRun {
	var out []CaseRun
	for _, j := range s.jobs {
		select {
		case <-j.done:
		default:
			continue
		}
		if !j.out.Ran {
			continue
		}
		if r, ok := j.take(); ok {
			out = append(out, r)
		}
	}
	return out
}
