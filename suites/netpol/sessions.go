package netpol

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/cnpc-dev/cnpc/cases"
)

// Sessions keeps one prober running in every probe pod that probes (cnpc-probe probe --stream),
// each over one exec: a round writes its batch as one line and reads one response line, so it
// costs no exec. An exec per source and round (the API server, the kubelet, the runtime and the
// prober starting each time) was what kept both cores of a 2-core machine busy during a case.
//
// What makes a response trustworthy stays as it was: each response must echo its batch's round
// (decodeResponse), a session that fails, times out or answers out of turn is closed and never
// read again, and every cell of a round that could not be read is an error, never a verdict.
type Sessions struct {
	// Start runs the streaming prober as src until ctx ends or the prober exits, with the
	// given streams; it returns how it ended.
	Start func(ctx context.Context, src cases.PeerKey, stdin io.Reader, stdout, stderr io.Writer) error

	mu   sync.Mutex
	open map[cases.PeerKey]*session
	// ips holds the probe pods' IPs as the last reconcile of their namespaces found them (Sync).
	ips map[cases.PeerKey]string
}

// session is one running prober.
type session struct {
	ip     string // the pod's IP when it opened (Sync closes it when the pod has another)
	turn   sync.Mutex
	stdin  *io.PipeWriter
	lines  chan []byte
	done   chan struct{} // closed once the exec has ended; err says how
	err    error
	stderr *tailBuffer
	cancel context.CancelFunc
}

// Run sends one batch (a JSON object without newlines) to src's prober and returns its response
// line. A session that has ended is opened again first; one that fails now is closed.
func (s *Sessions) Run(ctx context.Context, src cases.PeerKey, batch []byte) (ExecResult, error) {
	if bytes.ContainsAny(batch, "\r\n") {
		return ExecResult{}, fmt.Errorf("batch for %s spans lines: a session takes one line per batch", src)
	}
	line := append(append(make([]byte, 0, len(batch)+1), batch...), '\n')
	res, err := s.roundTrip(ctx, src, line)
	if errors.Is(err, errEnded) && ctx.Err() == nil {
		// The prober had exited (idle, or its pod replaced) before it read the batch, or while it
		// probed: send the batch once more, to a new one. The old session is closed, so nothing
		// it wrote is ever read, and the new answer must echo this batch's round.
		res, err = s.roundTrip(ctx, src, line)
	}
	return res, err
}

// errEnded marks a round that found its session's exec ended.
var errEnded = errors.New("the prober's exec ended")

// roundTrip is one try of Run: line is the batch and its newline.
func (s *Sessions) roundTrip(ctx context.Context, src cases.PeerKey, line []byte) (ExecResult, error) {
	sess := s.session(src)
	sess.turn.Lock()
	defer sess.turn.Unlock()
	written := make(chan error, 1)
	go func() {
		_, err := sess.stdin.Write(line)
		written <- err
	}()
	var answer []byte
	var err error
	select {
	case answer = <-sess.lines:
	case <-sess.done:
		err = fmt.Errorf("prober session in %s: %w: %v%s", src, errEnded, sess.err, tail(sess.stderr.Bytes()))
	case <-ctx.Done():
		err = fmt.Errorf("prober session in %s: no response: %w", src, ctx.Err())
	}
	if err == nil {
		if werr := <-written; werr != nil {
			err = fmt.Errorf("prober session in %s: write batch: %w", src, werr)
		}
	}
	if err != nil {
		s.close(src, sess)
		return ExecResult{Stderr: sess.stderr.Bytes()}, err
	}
	return ExecResult{Stdout: answer}, nil
}

// session returns src's running session, opening one if there is none or it has ended.
func (s *Sessions) session(src cases.PeerKey) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess, ok := s.open[src]; ok {
		select {
		case <-sess.done:
			sess.cancel()
		default:
			return sess
		}
	}
	if s.open == nil {
		s.open = map[cases.PeerKey]*session{}
	}
	sess := s.start(src, s.ips[src])
	s.open[src] = sess
	return sess
}

// start opens a session: the exec runs until the session is closed. Sessions outlive the round
// that opened them, so their context is their own.
func (s *Sessions) start(src cases.PeerKey, ip string) *session {
	ctx, cancel := context.WithCancel(context.Background())
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	sess := &session{ip: ip, stdin: inW, lines: make(chan []byte), done: make(chan struct{}), stderr: &tailBuffer{}, cancel: cancel}
	go func() {
		err := s.Start(ctx, src, inR, outW, sess.stderr)
		if err == nil {
			err = errors.New("the prober exited")
		}
		sess.err = err
		outW.CloseWithError(err)
		// Close the writing end, not the reading one: the exec's stdin copier, which may still
		// be reading, then sees the end of input instead of an error it would log.
		inW.Close()
		close(sess.done)
	}()
	go func() {
		r := bufio.NewReaderSize(outR, 1<<16)
		for {
			line, err := r.ReadBytes('\n')
			if len(line) > 0 {
				select {
				case sess.lines <- line:
				case <-sess.done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return sess
}

// close ends sess and forgets it, if it is still src's.
func (s *Sessions) close(src cases.PeerKey, sess *session) {
	s.mu.Lock()
	if s.open[src] == sess {
		delete(s.open, src)
	}
	s.mu.Unlock()
	sess.cancel()
	sess.stdin.Close()
}

// Sync closes the sessions of pods in namespaces whose IP is no longer the one in ips (the pod
// was re-created, or is gone): a reconcile calls it, so no round writes to a prober in a pod that
// is being replaced.
func (s *Sessions) Sync(namespaces []cases.Namespace, ips map[cases.PeerKey]string) {
	in := map[string]bool{}
	for _, ns := range namespaces {
		in[ns.Name] = true
	}
	s.mu.Lock()
	if s.ips == nil {
		s.ips = map[cases.PeerKey]string{}
	}
	for k := range s.ips {
		if ns, _ := k.Split(); in[ns] {
			delete(s.ips, k)
		}
	}
	for k, ip := range ips {
		s.ips[k] = ip
	}
	var stale []cases.PeerKey
	for k, sess := range s.open {
		ns, _ := k.Split()
		if in[ns] && ips[k] != sess.ip {
			stale = append(stale, k)
		}
	}
	s.mu.Unlock()
	for _, k := range stale {
		s.closeKey(k)
	}
}

// CloseAll ends every session (the end of the suite).
func (s *Sessions) CloseAll() {
	s.mu.Lock()
	keys := make([]cases.PeerKey, 0, len(s.open))
	for k := range s.open {
		keys = append(keys, k)
	}
	s.mu.Unlock()
	for _, k := range keys {
		s.closeKey(k)
	}
}

func (s *Sessions) closeKey(k cases.PeerKey) {
	s.mu.Lock()
	sess, ok := s.open[k]
	s.mu.Unlock()
	if ok {
		s.close(k, sess)
	}
}

// tailBuffer keeps the last 8 KiB written to it, for error messages; safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

const tailLimit = 8 << 10

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > tailLimit {
		b.buf = append([]byte(nil), b.buf[len(b.buf)-tailLimit:]...)
	}
	return len(p), nil
}

// Bytes returns a copy of what is kept.
func (b *tailBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf...)
}
