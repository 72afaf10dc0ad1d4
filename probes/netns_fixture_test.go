package probes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// netnsPair is a server and a client network namespace joined by a veth pair, with private
// addresses that exist only inside them (10.250.<r>.1 and .2/30, fd00:250:<r>::1 and ::2/64).
// Nothing else is reachable.
type netnsPair struct {
	server, client       string
	serverIP, clientIP   string
	serverIP6, clientIP6 string
}

var netnsSeq atomic.Int32

// newNetnsPair creates the namespaces and deletes them at cleanup. It skips, saying why, only when
// namespaces cannot be made here (not root, no ip or iptables, ip netns add refused).
func newNetnsPair(t testing.TB) *netnsPair {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("network namespace tests need root (euid %d); run as root to test DROP and REJECT", os.Geteuid())
	}
	for _, tool := range []string{"ip", "iptables", "ip6tables", "sysctl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("network namespace tests need %s (make test-deps installs it): %v", tool, err)
		}
	}
	n := netnsSeq.Add(1)
	p := &netnsPair{
		server: fmt.Sprintf("cnpc-probe-test-%d-%d-srv", os.Getpid(), n),
		client: fmt.Sprintf("cnpc-probe-test-%d-%d-cli", os.Getpid(), n),
	}
	if out, err := runCmd("ip", "netns", "add", p.server); err != nil {
		t.Skipf("cannot create network namespaces here: %v: %s", err, out)
	}
	t.Cleanup(func() { cleanupRun(t, "ip", "netns", "del", p.server) })
	mustRun(t, "ip", "netns", "add", p.client)
	t.Cleanup(func() { cleanupRun(t, "ip", "netns", "del", p.client) })
	vs, vc := fmt.Sprintf("cp%d-%ds", os.Getpid(), n), fmt.Sprintf("cp%d-%dc", os.Getpid(), n)
	mustRun(t, "ip", "link", "add", vs, "type", "veth", "peer", "name", vc)
	// Deleting the namespaces deletes the pair; this only matters if moving it failed.
	t.Cleanup(func() { _, _ = runCmd("ip", "link", "del", vs) })
	mustRun(t, "ip", "link", "set", vs, "netns", p.server)
	mustRun(t, "ip", "link", "set", vc, "netns", p.client)
	r := rand.IntN(256)
	p.serverIP, p.clientIP = fmt.Sprintf("10.250.%d.1", r), fmt.Sprintf("10.250.%d.2", r)
	p.serverIP6, p.clientIP6 = fmt.Sprintf("fd00:250:%x::1", r), fmt.Sprintf("fd00:250:%x::2", r)
	for _, side := range []struct{ ns, dev, ip, ip6 string }{{p.server, vs, p.serverIP, p.serverIP6}, {p.client, vc, p.clientIP, p.clientIP6}} {
		mustRun(t, "ip", "-n", side.ns, "addr", "add", side.ip+"/30", "dev", side.dev)
		// nodad: the address is usable at once, with no duplicate address detection to wait for.
		mustRun(t, "ip", "-n", side.ns, "addr", "add", side.ip6+"/64", "dev", side.dev, "nodad")
		mustRun(t, "ip", "-n", side.ns, "link", "set", side.dev, "up")
		mustRun(t, "ip", "-n", side.ns, "link", "set", "lo", "up")
	}
	return p
}

// iptables adds one rule in ns, e.g. iptables(t, ns, "-A", "INPUT", "-p", "tcp", ...).
func (p *netnsPair) iptables(t testing.TB, ns string, rule ...string) {
	t.Helper()
	mustRun(t, append([]string{"ip", "netns", "exec", ns, "iptables", "-w", "5"}, rule...)...)
}

// ip6tables adds one IPv6 rule in ns.
func (p *netnsPair) ip6tables(t testing.TB, ns string, rule ...string) {
	t.Helper()
	mustRun(t, append([]string{"ip", "netns", "exec", ns, "ip6tables", "-w", "5"}, rule...)...)
}

// serve starts a server whose sockets live in the server namespace, stopped at cleanup.
func (p *netnsPair) serve(t testing.TB, cfg ServerConfig) *Server {
	t.Helper()
	var srv *Server
	err := inNetns(p.server, func() error {
		var err error
		srv, err = Listen(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		return err
	})
	if err != nil {
		t.Fatalf("listen in %s: %v", p.server, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return srv
}

// inNetns runs fn on a locked OS thread moved into namespace ns. Sockets keep the namespace they
// were made in, so listeners opened by fn serve there from any thread afterwards. The thread is
// never unlocked: Go ends it with the goroutine, so no other goroutine runs in ns by accident.
func inNetns(ns string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		f, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			errc <- err
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// probeFromClient runs the prober in the client namespace (this test binary, re-executed in child
// mode by ip netns exec) and returns its response and the wall time of the whole exec.
func (p *netnsPair) probeFromClient(t testing.TB, b Batch) (Response, time.Duration) {
	t.Helper()
	in, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", p.client, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=probe")
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("prober in %s: %v\nstderr:\n%s", p.client, err, stderr.String())
	}
	var resp Response
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		t.Fatalf("prober output is not a Response: %v\n%s", err, stdout.String())
	}
	if len(resp.Results) != len(b.Targets) {
		t.Fatalf("prober returned %d results for %d targets", len(resp.Results), len(b.Targets))
	}
	return resp, wall
}

func runCmd(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func mustRun(t testing.TB, args ...string) {
	t.Helper()
	if out, err := runCmd(args...); err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
}

func cleanupRun(t testing.TB, args ...string) {
	t.Helper()
	if out, err := runCmd(args...); err != nil {
		t.Errorf("cleanup: %s: %v: %s", strings.Join(args, " "), err, out)
	}
}
