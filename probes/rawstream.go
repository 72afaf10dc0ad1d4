package probes

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Stream sockets that package net cannot open (SCTP) are made here with syscalls and handed to
// net as files: net sees a SOCK_STREAM socket and wraps it as a TCPListener or TCPConn, which
// gives deadlines and the poller. The protocol is a parameter so that tests can drive this exact
// machinery with IPPROTO_TCP on a kernel without SCTP.

// rawStreamSocket opens a non-blocking stream socket of proto. A kernel without the protocol
// answers EPROTONOSUPPORT (ESOCKTNOSUPPORT on some builds); both become an unsupportedError.
func rawStreamSocket(family, proto int) (int, error) {
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if errors.Is(err, unix.EPROTONOSUPPORT) || errors.Is(err, unix.ESOCKTNOSUPPORT) {
		return -1, &unsupportedError{fmt.Errorf("%s is not supported by this kernel: socket(%s, SOCK_STREAM, IPPROTO_%s): %w",
			protoName(proto), familyName(family), protoName(proto), err)}
	}
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// listenRawStream listens on host:port. An invalid host (the zero Addr) means every address: IPv6
// with IPV6_V6ONLY off where the host has IPv6 (it then also accepts IPv4), IPv4 only otherwise.
func listenRawStream(proto int, host netip.Addr, port int32) (net.Listener, error) {
	if host.IsValid() {
		family, sa := sockaddr(host, port)
		return listenRawStreamOn(proto, family, sa)
	}
	ln, err := listenRawStreamOn(proto, unix.AF_INET6, &unix.SockaddrInet6{Port: int(port)})
	if errors.Is(err, unix.EAFNOSUPPORT) {
		return listenRawStreamOn(proto, unix.AF_INET, &unix.SockaddrInet4{Port: int(port)})
	}
	return ln, err
}

func listenRawStreamOn(proto, family int, sa unix.Sockaddr) (net.Listener, error) {
	fd, err := rawStreamSocket(family, proto)
	if err != nil {
		return nil, err
	}
	if err := bindListen(fd, sa); err != nil {
		unix.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), protoName(proto)+" listener")
	defer f.Close() // FileListener holds its own duplicate
	return net.FileListener(f)
}

func bindListen(fd int, sa unix.Sockaddr) error {
	if _, ok := sa.(*unix.SockaddrInet6); ok {
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 0); err != nil {
			return os.NewSyscallError("setsockopt IPV6_V6ONLY", err)
		}
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return os.NewSyscallError("setsockopt SO_REUSEADDR", err)
	}
	if err := unix.Bind(fd, sa); err != nil {
		return os.NewSyscallError("bind", err)
	}
	return os.NewSyscallError("listen", unix.Listen(fd, 128))
}

// dialRawStream connects to ip:port with proto before deadline and reads the identity line.
func dialRawStream(proto int, ip netip.Addr, port int32, deadline time.Time) (Identity, error) {
	family, sa := sockaddr(ip, port)
	fd, err := rawStreamSocket(family, proto)
	if err != nil {
		return Identity{}, err
	}
	if err := unix.Connect(fd, sa); err != nil && !errors.Is(err, unix.EINPROGRESS) {
		unix.Close(fd)
		return Identity{}, os.NewSyscallError("connect", err)
	}
	f := os.NewFile(uintptr(fd), protoName(proto))
	conn, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return Identity{}, fmt.Errorf("%s socket: %w", protoName(proto), err)
	}
	defer conn.Close()
	if err := awaitConnect(conn, deadline); err != nil {
		return Identity{}, err
	}
	return readIdentity(conn, deadline)
}

// awaitConnect waits, through the poller, until a non-blocking connect finishes or deadline
// passes, as net does for TCP: writable, then SO_ERROR says how it ended.
func awaitConnect(conn net.Conn, deadline time.Time) error {
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	raw, err := conn.(syscall.Conn).SyscallConn()
	if err != nil {
		return err
	}
	var connErr error
	werr := raw.Write(func(fd uintptr) bool {
		v, err := unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR)
		switch {
		case err != nil:
			connErr = os.NewSyscallError("getsockopt SO_ERROR", err)
		case v != 0:
			connErr = os.NewSyscallError("connect", unix.Errno(v))
		default:
			if _, err := unix.Getpeername(int(fd)); err != nil {
				return false // still connecting: wait until writable
			}
		}
		return true
	})
	if werr != nil {
		return werr
	}
	return connErr
}

// sockaddr returns the socket family and address of ip:port; IPv4-mapped IPv6 addresses are IPv4.
func sockaddr(ip netip.Addr, port int32) (int, unix.Sockaddr) {
	ip = ip.Unmap()
	if ip.Is4() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(port), Addr: ip.As4()}
	}
	return unix.AF_INET6, &unix.SockaddrInet6{Port: int(port), Addr: ip.As16()}
}

func familyName(family int) string {
	if family == unix.AF_INET6 {
		return "AF_INET6"
	}
	return "AF_INET"
}

func protoName(proto int) string {
	switch proto {
	case unix.IPPROTO_SCTP:
		return "SCTP"
	case unix.IPPROTO_TCP:
		return "TCP"
	}
	return fmt.Sprintf("protocol %d", proto)
}
