package cases

import (
	"fmt"
	"net"
	"net/netip"

	netutils "k8s.io/utils/net"
)

// ParseCIDR parses an ipBlock cidr or except the way the API server accepts one: without the
// alpha StrictIPCIDRValidation gate it parses with k8s.io/utils/net's ParseCIDRSloppy, so leading
// zeros are decimal (010.0.0.0/8 is 10.0.0.0/8) and host bits may be set (10.0.0.1/8). It returns
// the masked prefix. The loader validates with it and the engine matches with it, so a cidr that
// validates always predicts, and means the same to both.
// https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
func ParseCIDR(s string) (netip.Prefix, error) {
	_, n, err := netutils.ParseCIDRSloppy(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("found %q, expected a CIDR such as 10.0.0.0/24 or fd00::/64", s)
	}
	ip := n.IP
	if len(n.Mask) == net.IPv4len {
		ip = ip.To4()
	}
	addr, ok := netip.AddrFromSlice(ip)
	if !ok {
		return netip.Prefix{}, fmt.Errorf("found %q, expected a CIDR such as 10.0.0.0/24 or fd00::/64", s)
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(addr, ones).Masked(), nil
}

// ParseIP parses a peer's address, an IPv4 or IPv6 address without a zone, in the canonical form
// the kubelet reports pod IPs in (no leading zeros).
func ParseIP(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("found %q, expected an IPv4 or IPv6 address such as 10.244.1.10 or fd00::10", s)
	}
	return a, nil
}
