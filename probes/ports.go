package probes

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// ParsePorts parses a comma-separated port list such as "80/TCP,80/UDP,80/SCTP,81/TCP". Each item
// may also be written protocol first, "TCP/80", as cases.Port.String() prints it. A port without a
// protocol is TCP, as in a Kubernetes container port. Every bad item is reported.
func ParsePorts(s string) ([]cases.Port, error) {
	var ports []cases.Port
	var errs []error
	seen := map[cases.Port]bool{}
	for i, item := range strings.Split(s, ",") {
		p, err := parsePort(strings.TrimSpace(item))
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("ports item %d %q: %w", i+1, item, err))
		case seen[p]:
			errs = append(errs, fmt.Errorf("ports item %d %q: duplicate of an earlier item", i+1, item))
		default:
			seen[p] = true
			ports = append(ports, p)
		}
	}
	return ports, errors.Join(errs...)
}

func parsePort(item string) (cases.Port, error) {
	num, proto, found := strings.Cut(item, "/")
	if validProtocol(corev1.Protocol(strings.ToUpper(num))) {
		num, proto = proto, num
	}
	p := cases.Port{Protocol: corev1.ProtocolTCP}
	if found {
		p.Protocol = corev1.Protocol(strings.ToUpper(proto))
	}
	if !validProtocol(p.Protocol) {
		return cases.Port{}, fmt.Errorf("found protocol %q, expected TCP, UDP or SCTP", proto)
	}
	n, err := strconv.ParseUint(num, 10, 16)
	if err != nil || n == 0 {
		return cases.Port{}, fmt.Errorf("found port %q, expected 1-65535", num)
	}
	p.Port = int32(n)
	return p, nil
}
