package probes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// dialTCP connects to addr before deadline and reads the server's identity line. Errors while
// connecting are returned as they are, for classify; errors after connecting are answerErrors.
func dialTCP(ctx context.Context, addr string, deadline time.Time) (Identity, error) {
	d := net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return Identity{}, err
	}
	defer conn.Close()
	return readIdentity(conn, deadline)
}

// dialUDP sends one request datagram and waits for the identity reply. The socket is connected,
// so the kernel reports an ICMP port-unreachable as ECONNREFUSED on the read. One datagram per
// attempt: resending would spend the peer's ICMP rate limit and blur refused into timeout.
//
// sourcePort, when not 0, is the local port to send from; if it is taken (another socket of this
// pod, such as one of its own servers, holds it) the kernel picks one instead.
func dialUDP(ctx context.Context, addr, name string, deadline time.Time, sourcePort int) (Identity, error) {
	d := net.Dialer{Deadline: deadline, Control: recvErr}
	if sourcePort != 0 {
		d.LocalAddr = &net.UDPAddr{Port: sourcePort}
	}
	conn, err := d.DialContext(ctx, "udp", addr)
	if err != nil && sourcePort != 0 && errors.Is(err, syscall.EADDRINUSE) {
		d.LocalAddr = nil
		conn, err = d.DialContext(ctx, "udp", addr)
	}
	if err != nil {
		return Identity{}, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return Identity{}, err
	}
	if _, err := fmt.Fprintf(conn, "cnpc-probe %s\n", truncate(name, 256)); err != nil {
		return Identity{}, err
	}
	buf := make([]byte, maxIdentityLine)
	n, err := conn.Read(buf)
	if err != nil {
		return Identity{}, err
	}
	id, err := ParseIdentity(string(buf[:n]))
	if err != nil {
		return Identity{}, &answerError{fmt.Errorf("reply: %w", err)}
	}
	return id, nil
}

// recvErr sets IP_RECVERR (IPV6_RECVERR) on a UDP socket. Without it Linux reports only "hard"
// ICMP errors to a connected UDP socket and drops host-unreachable (RFC 1122 4.1.3.3 leaves it to
// the application), so a REJECT with icmp-host-unreachable would read as timeout for UDP while
// TCP reads it as refused. With it, both protocols give the same verdict for the same rule.
func recvErr(network, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		if network == "udp6" {
			serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_RECVERR, 1)
			return
		}
		serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_RECVERR, 1)
	})
	if err != nil {
		return err
	}
	return os.NewSyscallError("setsockopt IP_RECVERR", serr)
}

// readIdentity reads one identity line from a connected stream (TCP or SCTP). Everything that goes
// wrong here happens after the connection was accepted, so it is an answerError.
func readIdentity(conn net.Conn, deadline time.Time) (Identity, error) {
	if err := conn.SetDeadline(deadline); err != nil {
		return Identity{}, &answerError{err}
	}
	buf := make([]byte, 0, maxIdentityLine)
	for len(buf) < maxIdentityLine {
		n, err := conn.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			return parseAnswer(string(buf[:i+1]))
		}
		if errors.Is(err, io.EOF) {
			return parseAnswer(string(buf))
		}
		if err != nil {
			return Identity{}, &answerError{fmt.Errorf("connected, but no identity line: %w", err)}
		}
	}
	return Identity{}, &answerError{fmt.Errorf("connected, but no identity line in the first %d bytes", maxIdentityLine)}
}

func parseAnswer(line string) (Identity, error) {
	if line == "" {
		return Identity{}, &answerError{errors.New("connected, but the peer closed without an identity line")}
	}
	id, err := ParseIdentity(line)
	if err != nil {
		return Identity{}, &answerError{fmt.Errorf("connected, but: %w", err)}
	}
	return id, nil
}

func hostPort(ip string, port int32) string {
	return net.JoinHostPort(ip, strconv.Itoa(int(port)))
}
