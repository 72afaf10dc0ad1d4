package probes

import (
	"context"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// TestServeStopsAndReleasesPorts: when its context ends, Serve returns and the ports can be bound
// again; probes afterwards are refused.
func TestServeStopsAndReleasesPorts(t *testing.T) {
	srv, err := Listen(ServerConfig{Identity: "x/a", Host: "127.0.0.1", Ports: []cases.Port{{Protocol: "TCP"}, {Protocol: "UDP"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.Serve(ctx); close(done) }()
	var ports []cases.Port
	for _, st := range srv.Ports() {
		ports = append(ports, cases.Port{Port: st.Bound, Protocol: st.Port.Protocol})
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return within 5s of its context ending")
	}
	again, err := Listen(ServerConfig{Identity: "x/a", Host: "127.0.0.1", Ports: ports}, nil)
	if err != nil {
		t.Fatalf("ports not released: %v", err)
	}
	again.closeAll()
	b := Batch{Timeout: Duration(2 * time.Second)}
	for _, p := range ports {
		b.Targets = append(b.Targets, Target{Name: "x/a", IP: "127.0.0.1", Port: p.Port, Protocol: p.Protocol, Expect: "x/a"})
	}
	resp, err := Probe(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resp.Results {
		if r.Outcome != cases.Refused {
			t.Errorf("%s/%d after stop: got %s %q, want refused", r.Protocol, r.Port, r.Outcome, r.Error)
		}
	}
}

// TestProbeCancelledIsError: a batch whose context ends yields error results, never refused or
// timeout, which would read as blocked.
func TestProbeCancelledIsError(t *testing.T) {
	_, bound := startLoopbackServer(t, "x/a", corev1.ProtocolTCP)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := Batch{Timeout: Duration(2 * time.Second), Targets: []Target{
		{Name: "x/a", IP: "127.0.0.1", Port: bound["TCP"], Protocol: "TCP", Expect: "x/a"},
		{Name: "x/a", IP: "127.0.0.1", Port: freePort(t, "UDP"), Protocol: "UDP", Expect: "x/a"},
	}}
	resp, err := Probe(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resp.Results {
		if r.Outcome != cases.Error || r.Error != "batch cancelled: context canceled" {
			t.Errorf("%s/%d: got %s %q, want error \"batch cancelled: context canceled\"", r.Protocol, r.Port, r.Outcome, r.Error)
		}
	}
}

// TestListenErrors: a bad identity or host, or a port in use, fails Listen with a message naming it.
func TestListenErrors(t *testing.T) {
	_, bound := startLoopbackServer(t, "x/a", corev1.ProtocolTCP)
	tests := []struct {
		name    string
		cfg     ServerConfig
		wantErr string
	}{
		{"bad identity", ServerConfig{Identity: "x/a/b"}, `server identity: peer "x/a/b": expected namespace/pod or an external host name, found 2 slashes`},
		{"bad host", ServerConfig{Identity: "x/a", Host: "localhost"}, `server host: found "localhost", expected an IP address or empty for all`},
		{"port in use", ServerConfig{Identity: "x/a", Host: "127.0.0.1", Ports: []cases.Port{{Protocol: "UDP"}, {Port: bound["TCP"], Protocol: "TCP"}}},
			"listen on TCP/" + itoa(bound["TCP"]) + ": listen tcp4 127.0.0.1:" + itoa(bound["TCP"]) + ": bind: address already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Listen(tt.cfg, nil)
			if got := errString(err); got != tt.wantErr {
				t.Errorf("error = %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }
