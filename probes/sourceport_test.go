package probes

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// udpRecorder answers every datagram as x/a would and records the source port it came from.
type udpRecorder struct {
	conn  *net.UDPConn
	mu    sync.Mutex
	ports []int
}

func startUDPRecorder(t *testing.T) *udpRecorder {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	r := &udpRecorder{conn: conn}
	port := conn.LocalAddr().(*net.UDPAddr).Port
	go func() {
		buf := make([]byte, 512)
		for {
			_, from, err := conn.ReadFromUDP(buf)
			if err != nil {
				return
			}
			r.mu.Lock()
			r.ports = append(r.ports, from.Port)
			r.mu.Unlock()
			_, _ = conn.WriteToUDP([]byte(fmt.Sprintf("cnpc x/a UDP %d\n", port)), from)
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return r
}

func (r *udpRecorder) seen() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]int(nil), r.ports...)
	sort.Ints(out)
	return out
}

func TestUDPSourcePortBase(t *testing.T) {
	srv := startUDPRecorder(t)
	port := int32(srv.conn.LocalAddr().(*net.UDPAddr).Port)
	target := Target{Name: "x/a", IP: "127.0.0.1", Port: port, Protocol: corev1.ProtocolUDP, Expect: "x/a"}
	// Occupy the port the last attempt of the second target would use: that attempt must fall back
	// to a kernel-chosen port and still connect.
	const base = 23456
	taken, err := net.ListenUDP("udp", &net.UDPAddr{Port: base + 3})
	if err != nil {
		t.Skipf("cannot hold UDP port %d for the test: %v", base+3, err)
	}
	defer taken.Close()

	b := Batch{Timeout: Duration(2 * time.Second), Attempts: 2, Concurrency: 1, UDPSourcePortBase: base,
		Targets: []Target{target, target}}
	resp, err := Probe(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range resp.Results {
		if r.Outcome != cases.Connected {
			t.Errorf("target %d: outcome %s (%s), want connected", i, r.Outcome, r.Error)
		}
	}
	got := srv.seen()
	if len(got) != 4 {
		t.Fatalf("server saw %d datagrams from ports %v, want 4", len(got), got)
	}
	// Attempt k of target i uses base + k*2 + i: base, base+1, base+2; base+3 was taken.
	if diff := cmp.Diff([]int{base, base + 1, base + 2}, got[:3]); diff != "" {
		t.Errorf("source ports (-want +got):\n%s", diff)
	}
	if got[3] == base+3 {
		t.Errorf("the fourth attempt used port %d, which another socket held", base+3)
	}
}

func TestUDPSourcePortBaseValidation(t *testing.T) {
	tests := []struct {
		name string
		base int
		want string
	}{
		{"below 1024", 80, "udpSourcePortBase: found 80 (ports 80-81 for 1 attempts of 2 targets), expected every port within 1024-65535"},
		{"past 65535", 65535, "udpSourcePortBase: found 65535 (ports 65535-65536 for 1 attempts of 2 targets), expected every port within 1024-65535"},
		{"fits", 65534, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tg := Target{Name: "x/a", IP: "127.0.0.1", Port: 80, Protocol: corev1.ProtocolUDP}
			err := Batch{UDPSourcePortBase: tt.base, Targets: []Target{tg, tg}}.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}
