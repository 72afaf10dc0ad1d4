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

// SCTP has no support in Go's net package, so the server and the prober open one-to-one style
// sockets (SOCK_STREAM, IPPROTO_SCTP) with syscalls and hand them to net as files: net sees a
// stream socket and wraps it as a TCPListener or TCPConn, which gives deadlines and the poller.
//
// NOTE: this machine's kernel has no SCTP, so only the unsupported path (socket() failing with
// EPROTONOSUPPORT) has run here; the connected and refused paths are tested only on a kernel
// with SCTP (TestSCTP asserts them there).

// SCTPSupport returns nil when the kernel can open an SCTP socket, and otherwise the reason, as
// reported by a real socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) call.
func SCTPSupport() error {
	fd, err := sctpSocket(unix.AF_INET)
	if err != nil {
		return err
	}
	unix.Close(fd)
	return nil
}

// sctpSocket opens a non-blocking one-to-one SCTP socket. A kernel without SCTP answers
// EPROTONOSUPPORT (ESOCKTNOSUPPORT on some builds); both become an unsupportedError.
func sctpSocket(family int) (int, error) {
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_SCTP)
	if errors.Is(err, unix.EPROTONOSUPPORT) || errors.Is(err, unix.ESOCKTNOSUPPORT) {
		return -1, &unsupportedError{fmt.Errorf("SCTP is not supported by this kernel: socket(%s, SOCK_STREAM, IPPROTO_SCTP): %w", familyName(family), err)}
	}
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// listenSCTP listens on host:port. An invalid host (the empty string) means every address: IPv6
// with IPV6_V6ONLY off where the host has IPv6 (it then also accepts IPv4), IPv4 only otherwise.
func listenSCTP(host netip.Addr, port int32) (net.Listener, error) {
	if host.IsValid() {
		family, sa := sockaddr(host, port)
		return listenSCTPOn(family, sa, port)
	}
	ln, err := listenSCTPOn(unix.AF_INET6, &unix.SockaddrInet6{Port: int(port)}, port)
	if errors.Is(err, unix.EAFNOSUPPORT) {
		return listenSCTPOn(unix.AF_INET, &unix.SockaddrInet4{Port: int(port)}, port)
	}
	return ln, err
}

func listenSCTPOn(family int, sa unix.Sockaddr, port int32) (net.Listener, error) {
	fd, err := sctpSocket(family)
	if err != nil {
		return nil, err
	}
	if err := sctpBindListen(fd, sa); err != nil {
		unix.Close(fd)
		return nil, err
	}
	f := os.NewFile(uintptr(fd), fmt.Sprintf("sctp:%d", port))
	defer f.Close() // FileListener holds its own duplicate
	return net.FileListener(f)
}

func sctpBindListen(fd int, sa unix.Sockaddr) error {
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

// dialSCTP associates with ip:port before deadline and reads the identity line.
func dialSCTP(ip netip.Addr, port int32, deadline time.Time) (Identity, error) {
	family, sa := sockaddr(ip, port)
	fd, err := sctpSocket(family)
	if err != nil {
		return Identity{}, err
	}
	if err := unix.Connect(fd, sa); err != nil && !errors.Is(err, unix.EINPROGRESS) {
		unix.Close(fd)
		return Identity{}, os.NewSyscallError("connect", err)
	}
	f := os.NewFile(uintptr(fd), "sctp")
	conn, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return Identity{}, fmt.Errorf("sctp: %w", err)
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
				return false // still associating: wait until writable
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
