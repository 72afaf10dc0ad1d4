package probes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// Limits and defaults of a Batch. The concurrency default is high on purpose: a batch whose
// denied targets all time out must still finish in about one timeout, not one per wave.
const (
	DefaultTimeout     = time.Second
	MaxTimeout         = time.Minute
	DefaultAttempts    = 1
	MaxAttempts        = 10
	DefaultConcurrency = 512
	MaxConcurrency     = 4096
	MaxTargets         = 100000
	// MinSourcePort is the lowest UDP source port a batch may ask for: below it are the well-known
	// and registered ports servers use.
	MinSourcePort = 1024
)

// Batch is one prober invocation: every target one source probes in one step.
type Batch struct {
	// Timeout bounds each attempt: connect plus reading the identity line. Default 1s.
	Timeout Duration `json:"timeout,omitempty"`
	// Attempts is how many times each target is probed; every attempt is made and recorded.
	// Default 1, at most MaxAttempts.
	Attempts int `json:"attempts,omitempty"`
	// Concurrency bounds how many targets are probed at once. Default DefaultConcurrency.
	Concurrency int `json:"concurrency,omitempty"`
	// UDPSourcePortBase, when set, makes attempt k of target i send from UDP source port
	// base + k*len(targets) + i instead of a port the kernel picks. Conntrack remembers a UDP flow
	// for up to two minutes after its last packet, and a CNI that accepts ESTABLISHED traffic before
	// its policy rules lets a new probe that happens to reuse an old flow's 5-tuple through, even
	// after a policy denies it. A caller that moves the base on every round never reuses a recent
	// 5-tuple. If a port is taken, that attempt falls back to a kernel-chosen port.
	UDPSourcePortBase int `json:"udpSourcePortBase,omitempty"`
	// Round, when set, is echoed in the response (Response.Round), so that a caller sending
	// several batches over one stream (cnpc-probe probe --stream) can tell which batch a response
	// answers and never takes one round's results for another's.
	Round   string   `json:"round,omitempty"`
	Targets []Target `json:"targets"`
}

// Target is one destination: an IP, a port and a protocol, and who should answer there.
type Target struct {
	// Name labels the target in results, e.g. the destination's peer key "y/b". Several targets
	// may share a name (one per port and protocol).
	Name     string          `json:"name"`
	IP       string          `json:"ip"`
	Port     int32           `json:"port"`
	Protocol corev1.Protocol `json:"protocol"`
	// Expect is the identity that must answer ("y/b"). Another identity makes the outcome error.
	// Empty accepts any cnpc identity; the suites always set it.
	Expect string `json:"expect,omitempty"`
}

// ParseBatch reads a batch from r, applies the defaults and validates it. source names the input in
// errors ("<stdin>" or a path); every problem is reported at once as source:line:col: path: message.
func ParseBatch(r io.Reader, source string) (Batch, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Batch{}, fmt.Errorf("read batch %s: %w", source, err)
	}
	var b Batch
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Batch{}, decodeError(data, source, err)
	}
	if dec.More() {
		return Batch{}, fmt.Errorf("%s:%s: found more data after the batch, expected one JSON object", source, lineCol(data, dec.InputOffset()))
	}
	b.defaults()
	pos := newJSONPositions(data)
	var errs []error
	for _, p := range b.problems() {
		errs = append(errs, fmt.Errorf("%s:%s: %s: %s", source, pos.at(p.path), p.path, p.msg))
	}
	return b, errors.Join(errs...)
}

// decodeError turns encoding/json's offsets into source:line:col.
func decodeError(data []byte, source string, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the offending byte itself.
		return fmt.Errorf("%s:%s: invalid JSON: %v", source, lineCol(data, max(syn.Offset-1, 0)), syn)
	case errors.As(err, &typ):
		path, at := newJSONPositions(data).valueBefore(typ.Offset)
		return fmt.Errorf("%s:%s: %s: found %s, expected %s", source, at, path, typ.Value, typ.Type)
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: empty input, expected a JSON batch object", source)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s:%s: invalid JSON: unexpected end of input", source, lineCol(data, int64(len(data))))
	}
	// Unknown fields and the Duration decoder's errors carry no offset.
	return fmt.Errorf("%s: %v", source, err)
}

func (b *Batch) defaults() {
	if b.Timeout == 0 {
		b.Timeout = Duration(DefaultTimeout)
	}
	if b.Attempts == 0 {
		b.Attempts = DefaultAttempts
	}
	if b.Concurrency == 0 {
		b.Concurrency = DefaultConcurrency
	}
}

type problem struct{ path, msg string }

// Validate reports every problem of b after defaulting a copy, for callers that build batches in Go.
func (b Batch) Validate() error {
	b.defaults()
	var errs []error
	for _, p := range b.problems() {
		errs = append(errs, fmt.Errorf("%s: %s", p.path, p.msg))
	}
	return errors.Join(errs...)
}

func (b Batch) problems() []problem {
	var ps []problem
	if t := time.Duration(b.Timeout); t <= 0 || t > MaxTimeout {
		ps = append(ps, problem{"timeout", fmt.Sprintf("found %s, expected more than 0s and at most %s", t, MaxTimeout)})
	}
	if b.Attempts < 1 || b.Attempts > MaxAttempts {
		ps = append(ps, problem{"attempts", fmt.Sprintf("found %d, expected 1-%d", b.Attempts, MaxAttempts)})
	}
	if b.Concurrency < 1 || b.Concurrency > MaxConcurrency {
		ps = append(ps, problem{"concurrency", fmt.Sprintf("found %d, expected 1-%d", b.Concurrency, MaxConcurrency)})
	}
	if base := b.UDPSourcePortBase; base != 0 {
		last := base + b.Attempts*len(b.Targets) - 1
		if base < MinSourcePort || last > 65535 {
			ps = append(ps, problem{"udpSourcePortBase", fmt.Sprintf("found %d (ports %d-%d for %d attempts of %d targets), expected every port within %d-65535", base, base, last, b.Attempts, len(b.Targets), MinSourcePort)})
		}
	}
	if len(b.Targets) > MaxTargets {
		ps = append(ps, problem{"targets", fmt.Sprintf("found %d targets, expected at most %d", len(b.Targets), MaxTargets)})
	}
	for i, t := range b.Targets {
		ps = append(ps, t.problems(fmt.Sprintf("targets[%d]", i))...)
	}
	return ps
}

func (t Target) problems(path string) []problem {
	var ps []problem
	if t.Name == "" {
		ps = append(ps, problem{path + ".name", "missing, expected the target's name such as y/b"})
	}
	if a, err := netip.ParseAddr(t.IP); err != nil || a.Zone() != "" {
		ps = append(ps, problem{path + ".ip", fmt.Sprintf("found %q, expected an IPv4 or IPv6 address", t.IP)})
	}
	if t.Port < 1 || t.Port > 65535 {
		ps = append(ps, problem{path + ".port", fmt.Sprintf("found %d, expected 1-65535", t.Port)})
	}
	if !validProtocol(t.Protocol) {
		ps = append(ps, problem{path + ".protocol", fmt.Sprintf("found %q, expected TCP, UDP or SCTP", t.Protocol)})
	}
	if t.Expect != "" {
		if _, err := cases.ParsePeerKey(t.Expect); err != nil {
			ps = append(ps, problem{path + ".expect", err.Error()})
		}
	}
	return ps
}

func validProtocol(p corev1.Protocol) bool {
	switch p {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return true
	}
	return false
}
