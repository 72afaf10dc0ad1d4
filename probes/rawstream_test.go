package probes

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cnpc-dev/cnpc/cases"
)

// TestRawStream drives the machinery SCTP uses (raw socket, bind and listen, FileListener and
// FileConn, non-blocking connect through the poller) with IPPROTO_TCP, which this kernel has, so
// that everything but the kernel's SCTP itself runs here.
func TestRawStream(t *testing.T) {
	loopback := netip.MustParseAddr("127.0.0.1")
	ln, err := listenRawStream(unix.IPPROTO_TCP, loopback, 0)
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{identity: "x/a", log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv.addStream(cases.Port{Protocol: "TCP"}, ln)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	port := srv.Ports()[0].Bound

	t.Run("raw dial, raw listener", func(t *testing.T) {
		id, err := dialRawStream(unix.IPPROTO_TCP, loopback, port, time.Now().Add(2*time.Second))
		if err != nil || id.Peer != "x/a" || id.Port != port {
			t.Fatalf("got %+v, %v; want x/a on port %d", id, err, port)
		}
	})
	t.Run("net dial, raw listener", func(t *testing.T) {
		id, err := dialTCP(context.Background(), hostPort("127.0.0.1", port), time.Now().Add(2*time.Second))
		if err != nil || id.Peer != "x/a" {
			t.Fatalf("got %+v, %v; want x/a", id, err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		_, err := dialRawStream(unix.IPPROTO_TCP, loopback, freePort(t, "TCP"), time.Now().Add(2*time.Second))
		if got := classify(err); got != cases.Refused || !strings.Contains(errString(err), "connection refused") {
			t.Fatalf("got %s (%v), want refused", got, err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		full := fullBacklogPort(t)
		start := time.Now()
		_, err := dialRawStream(unix.IPPROTO_TCP, loopback, full, start.Add(300*time.Millisecond))
		if got := classify(err); got != cases.Timeout || time.Since(start) > 2*time.Second {
			t.Fatalf("got %s (%v) after %s, want timeout after about 300ms", got, err, time.Since(start))
		}
	})
}

// fullBacklogPort returns a loopback port whose listener never accepts and whose accept queue is
// already full, so the kernel drops further SYNs: a connect there can only time out.
func fullBacklogPort(t *testing.T) int32 {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "full-backlog")
	t.Cleanup(func() { f.Close() })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	port := int32(sa.(*unix.SockaddrInet4).Port)
	// Backlog 0 still queues one connection; fill it.
	c, err := net.DialTimeout("tcp", hostPort("127.0.0.1", port), 2*time.Second)
	if err != nil {
		t.Fatalf("fill the backlog: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return port
}
