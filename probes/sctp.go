package probes

import (
	"net"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// SCTP has no support in Go's net package: the server and the prober use one-to-one style sockets
// (SOCK_STREAM, IPPROTO_SCTP) through rawstream.go.
//
// NOTE: this machine's kernel has no SCTP, so with IPPROTO_SCTP only the unsupported path
// (socket() failing with EPROTONOSUPPORT) has run here. The rest of the machinery is tested with
// IPPROTO_TCP (TestRawStream), and TestSCTP asserts connected and refused on a kernel with SCTP.

// SCTPSupport returns nil when the kernel can open an SCTP socket, and otherwise the reason, as
// reported by a real socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) call.
func SCTPSupport() error {
	fd, err := rawStreamSocket(unix.AF_INET, unix.IPPROTO_SCTP)
	if err != nil {
		return err
	}
	unix.Close(fd)
	return nil
}

func listenSCTP(host netip.Addr, port int32) (net.Listener, error) {
	return listenRawStream(unix.IPPROTO_SCTP, host, port)
}

func dialSCTP(ip netip.Addr, port int32, deadline time.Time) (Identity, error) {
	return dialRawStream(unix.IPPROTO_SCTP, ip, port, deadline)
}
