package probes

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// startLoopbackServer serves identity on 127.0.0.1 on free ports, one per protocol given, and
// stops it at cleanup. It returns the bound port of each protocol (0 when unsupported).
func startLoopbackServer(t testing.TB, identity cases.PeerKey, protos ...corev1.Protocol) (*Server, map[corev1.Protocol]int32) {
	t.Helper()
	var ports []cases.Port
	for _, p := range protos {
		ports = append(ports, cases.Port{Port: 0, Protocol: p})
	}
	srv, err := Listen(ServerConfig{Identity: identity, Ports: ports, Host: "127.0.0.1"}, nil)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	bound := map[corev1.Protocol]int32{}
	for _, st := range srv.Ports() {
		bound[st.Port.Protocol] = st.Bound
	}
	return srv, bound
}

// freePort returns a loopback port of proto that nothing listens on: bound, then closed again.
func freePort(t testing.TB, proto corev1.Protocol) int32 {
	t.Helper()
	if proto == corev1.ProtocolUDP {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		return boundPort(pc.LocalAddr())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return boundPort(ln.Addr())
}

func TestLoopback(t *testing.T) {
	_, bound := startLoopbackServer(t, "x/a", corev1.ProtocolTCP, corev1.ProtocolUDP)
	closedTCP, closedUDP := freePort(t, corev1.ProtocolTCP), freePort(t, corev1.ProtocolUDP)
	tests := []struct {
		name    string
		target  Target
		want    cases.Outcome
		wantErr string
	}{
		{"tcp connected", Target{Port: bound["TCP"], Protocol: "TCP", Expect: "x/a"}, cases.Connected, ""},
		{"udp connected", Target{Port: bound["UDP"], Protocol: "UDP", Expect: "x/a"}, cases.Connected, ""},
		{"tcp any identity", Target{Port: bound["TCP"], Protocol: "TCP"}, cases.Connected, ""},
		{"tcp wrong identity", Target{Port: bound["TCP"], Protocol: "TCP", Expect: "y/b"}, cases.Error, "answered by x/a, expected y/b"},
		{"udp wrong identity", Target{Port: bound["UDP"], Protocol: "UDP", Expect: "y/b"}, cases.Error, "answered by x/a, expected y/b"},
		{"tcp closed port", Target{Port: closedTCP, Protocol: "TCP", Expect: "x/a"}, cases.Refused, "connect: connection refused"},
		{"udp closed port", Target{Port: closedUDP, Protocol: "UDP", Expect: "x/a"}, cases.Refused, "read: connection refused"},
	}
	batch := Batch{Timeout: Duration(2 * time.Second), Attempts: 2}
	for _, tt := range tests {
		tt.target.Name, tt.target.IP = tt.name, "127.0.0.1"
		batch.Targets = append(batch.Targets, tt.target)
	}
	resp, err := Probe(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Results) != len(tests) {
		t.Fatalf("got %d results for %d targets", len(resp.Results), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := resp.Results[i]
			if r.Outcome != tt.want || !strings.Contains(r.Error, tt.wantErr) || len(r.Attempts) != 2 || r.Flaky {
				t.Errorf("got outcome %s, error %q, %d attempts, flaky %v; want %s, error containing %q, 2 attempts, not flaky",
					r.Outcome, r.Error, len(r.Attempts), r.Flaky, tt.want, tt.wantErr)
			}
		})
	}
}

// TestNotACNPCServer: something that accepts but is not our server is error, never connected
// and never refused.
func TestNotACNPCServer(t *testing.T) {
	tests := []struct {
		name    string
		answer  string
		wantErr string
	}{
		{"other protocol", "SSH-2.0-OpenSSH_9.2\r\n", `connected, but: found "SSH-2.0-OpenSSH_9.2\r\n", expected a cnpc identity line`},
		{"silent close", "", "connected, but the peer closed without an identity line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					io.WriteString(c, tt.answer)
					c.Close()
				}
			}()
			b := Batch{Timeout: Duration(2 * time.Second), Targets: []Target{{Name: "x/a", IP: "127.0.0.1", Port: boundPort(ln.Addr()), Protocol: "TCP", Expect: "x/a"}}}
			resp, err := Probe(context.Background(), b)
			if err != nil {
				t.Fatal(err)
			}
			r := resp.Results[0]
			if r.Outcome != cases.Error || !strings.HasPrefix(r.Error, tt.wantErr) {
				t.Errorf("got %s %q, want error %q", r.Outcome, r.Error, tt.wantErr)
			}
		})
	}
}

// TestSilentServerTimesOutAsError: a TCP peer that accepts and says nothing is error (connected
// but unidentified), not timeout, which would read as a DROP.
func TestSilentServerTimesOutAsError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	b := Batch{Timeout: Duration(200 * time.Millisecond), Targets: []Target{{Name: "x/a", IP: "127.0.0.1", Port: boundPort(ln.Addr()), Protocol: "TCP"}}}
	resp, err := Probe(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Results[0]
	if r.Outcome != cases.Error || !strings.Contains(r.Error, "connected, but no identity line") || !strings.Contains(r.Error, "i/o timeout") {
		t.Errorf("got %s %q, want error about a missing identity line after an i/o timeout", r.Outcome, r.Error)
	}
}

// TestSCTP asserts what this kernel can do: unsupported without SCTP, connected and refused with it.
// The server must keep serving its other ports either way.
func TestSCTP(t *testing.T) {
	srv, bound := startLoopbackServer(t, "x/a", corev1.ProtocolSCTP, corev1.ProtocolTCP)
	support := SCTPSupport()
	t.Logf("SCTPSupport() = %v", support)
	st := srv.Ports()[0]
	target := Target{Name: "x/a", IP: "127.0.0.1", Port: bound["SCTP"], Protocol: "SCTP", Expect: "x/a"}
	want := []cases.Outcome{cases.Connected, cases.Refused, cases.Connected}
	if support != nil {
		var uns *unsupportedError
		if !errors.As(support, &uns) || !errors.Is(support, syscall.EPROTONOSUPPORT) {
			t.Fatalf("SCTPSupport() = %v, want an unsupported error carrying EPROTONOSUPPORT", support)
		}
		if st.Serving() || st.Reason != support.Error() {
			t.Fatalf("server SCTP port status = %+v, want unsupported with reason %q", st, support)
		}
		target.Port = 80
		want = []cases.Outcome{cases.Unsupported, cases.Unsupported, cases.Connected}
	}
	closed := target
	closed.Port = freePort(t, corev1.ProtocolTCP) // almost surely free for SCTP too
	tcp := Target{Name: "x/a", IP: "127.0.0.1", Port: bound["TCP"], Protocol: "TCP", Expect: "x/a"}
	resp, err := Probe(context.Background(), Batch{Timeout: Duration(2 * time.Second), Targets: []Target{target, closed, tcp}})
	if err != nil {
		t.Fatal(err)
	}
	var got []cases.Outcome
	for _, r := range resp.Results {
		got = append(got, r.Outcome)
		t.Logf("%s/%d: %s %s", r.Protocol, r.Port, r.Outcome, r.Error)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes of SCTP open, SCTP closed, TCP (-want +got):\n%s", diff)
	}
}
