package probes

import (
	"net"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// datagramConn is a UDP server socket that answers from the address each datagram was sent to.
// A socket bound to every address would otherwise let the kernel pick the reply's source by
// route, and on a host with several addresses a probe of a secondary one would get its answer from
// the primary: the prober's connected socket drops that, and an open port reads as timeout.
//
// The destination comes from IPV6_PKTINFO on a dual-stack socket (Linux reports IPv4 datagrams
// there as IPv4-mapped and accepts a mapped source back) or IP_PKTINFO on an IPv4 socket. The
// control messages are built here because golang.org/x/net/ipv6 leaves out a mapped source.
type datagramConn struct {
	uc *net.UDPConn
	// family is AF_INET6 or AF_INET when the kernel reports destinations, 0 when it does not
	// (replies then fall back to the kernel's choice of source).
	family int
}

func newDatagramConn(uc *net.UDPConn) datagramConn {
	d := datagramConn{uc: uc}
	raw, err := uc.SyscallConn()
	if err != nil {
		return d
	}
	_ = raw.Control(func(fd uintptr) {
		if unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_RECVPKTINFO, 1) == nil {
			d.family = unix.AF_INET6
		} else if unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_PKTINFO, 1) == nil {
			d.family = unix.AF_INET
		}
	})
	return d
}

// readFrom reads one datagram into b, and its control messages into oob, and returns the address
// it was sent to, invalid when unknown.
func (d datagramConn) readFrom(b, oob []byte) (int, netip.Addr, netip.AddrPort, error) {
	n, oobn, _, from, err := d.uc.ReadMsgUDPAddrPort(b, oob)
	if err != nil || d.family == 0 {
		return n, netip.Addr{}, from, err
	}
	msgs, perr := unix.ParseSocketControlMessage(oob[:oobn])
	if perr != nil {
		return n, netip.Addr{}, from, nil
	}
	for _, m := range msgs {
		switch {
		case m.Header.Level == unix.IPPROTO_IPV6 && m.Header.Type == unix.IPV6_PKTINFO && len(m.Data) >= unix.SizeofInet6Pktinfo:
			return n, netip.AddrFrom16([16]byte(m.Data[:16])), from, nil
		case m.Header.Level == unix.IPPROTO_IP && m.Header.Type == unix.IP_PKTINFO && len(m.Data) >= unix.SizeofInet4Pktinfo:
			// struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr; }
			return n, netip.AddrFrom4([4]byte(m.Data[8:12])), from, nil
		}
	}
	return n, netip.Addr{}, from, nil
}

// writeTo sends b to `to` from src, or from the kernel's choice when src is invalid.
func (d datagramConn) writeTo(b []byte, src netip.Addr, to netip.AddrPort) error {
	var oob []byte
	switch {
	case !src.IsValid():
	case d.family == unix.AF_INET6:
		oob = pktinfoCmsg(unix.IPPROTO_IPV6, unix.IPV6_PKTINFO, unix.SizeofInet6Pktinfo)
		a := src.As16() // Inet6Pktinfo: the source address, then the interface index (0: any)
		copy(oob[unix.CmsgLen(0):], a[:])
	case d.family == unix.AF_INET:
		oob = pktinfoCmsg(unix.IPPROTO_IP, unix.IP_PKTINFO, unix.SizeofInet4Pktinfo)
		a := src.Unmap().As4() // Inet4Pktinfo: interface index, then spec_dst (the source)
		copy(oob[unix.CmsgLen(0)+4:], a[:])
	}
	_, _, err := d.uc.WriteMsgUDPAddrPort(b, oob, to)
	return err
}

// pktinfoCmsg returns a zeroed control message of the given level and type with room for size
// bytes of data.
func pktinfoCmsg(level, typ int32, size int) []byte {
	b := make([]byte, unix.CmsgSpace(size))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = level, typ
	h.SetLen(unix.CmsgLen(size))
	return b
}
