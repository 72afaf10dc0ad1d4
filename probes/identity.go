package probes

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// identityMagic starts every identity line, so a prober can tell a cnpc server from anything else
// that happens to listen on a recycled IP and port.
const identityMagic = "cnpc"

// maxIdentityLine bounds how much the prober reads: a real line is well under 300 bytes
// (a peer key is at most 253+1+63 characters).
const maxIdentityLine = 512

// Identity is what a server says about itself on every connection and datagram: who it is, and the
// protocol and port that answered. On the wire it is one line: "cnpc x/a TCP 80\n".
type Identity struct {
	Peer     cases.PeerKey
	Protocol corev1.Protocol
	Port     int32
}

// Line returns the identity's wire form, ending in a newline.
func (id Identity) Line() string {
	return fmt.Sprintf("%s %s %s %d\n", identityMagic, id.Peer, id.Protocol, id.Port)
}

// ParseIdentity parses one identity line, with or without its trailing newline.
func ParseIdentity(line string) (Identity, error) {
	f := strings.Fields(strings.TrimRight(line, "\r\n"))
	if len(f) != 4 || f[0] != identityMagic {
		return Identity{}, fmt.Errorf("found %q, expected a cnpc identity line %q", truncate(line, 80), "cnpc <peer> <protocol> <port>")
	}
	peer, err := cases.ParsePeerKey(f[1])
	if err != nil {
		return Identity{}, fmt.Errorf("identity line %q: %w", truncate(line, 80), err)
	}
	proto := corev1.Protocol(f[2])
	if !validProtocol(proto) {
		return Identity{}, fmt.Errorf("identity line %q: found protocol %q, expected TCP, UDP or SCTP", truncate(line, 80), f[2])
	}
	port, err := strconv.ParseUint(f[3], 10, 16)
	if err != nil {
		return Identity{}, fmt.Errorf("identity line %q: found port %q, expected 0-65535", truncate(line, 80), f[3])
	}
	return Identity{Peer: peer, Protocol: proto, Port: int32(port)}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
