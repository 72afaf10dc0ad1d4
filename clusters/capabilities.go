package clusters

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Support says whether the cluster can exercise a feature. A feature that is not supported here
// is reported as "unsupported here", never as a pass or a failure (STYLE.md §6).
type Support string

const (
	Supported   Support = "supported"
	Unsupported Support = "unsupported"
	// Unknown: not detected before the run; the probes report unsupported per connection.
	Unknown Support = "unknown"
)

// Capability is one detected capability and why it was judged so.
type Capability struct {
	Support Support
	Reason  string
}

// Capabilities are what the cluster can exercise, detected before the run.
type Capabilities struct {
	SCTP Capability
	IPv6 Capability
}

// DetectCapabilities detects SCTP and IPv6 support. kind nodes are containers on this host's
// kernel, so for a cluster cnpc created SCTP support is that of this kernel (HostSCTP). For an
// existing cluster it is Unknown. IPv6 is supported when some node has an IPv6 pod CIDR.
func (c *Cluster) DetectCapabilities(ctx context.Context) (Capabilities, error) {
	var caps Capabilities
	if c.provider != nil {
		caps.SCTP = HostSCTP()
	} else {
		caps.SCTP = Capability{Unknown, "not detected on a cluster cnpc did not create"}
	}
	cs, err := c.Clientset()
	if err != nil {
		return caps, fmt.Errorf("detect capabilities: %w", err)
	}
	nodes, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return caps, fmt.Errorf("detect capabilities: list nodes: %w", err)
	}
	caps.IPv6 = Capability{Unsupported, "no node has an IPv6 pod CIDR"}
	for _, n := range nodes.Items {
		for _, cidr := range n.Spec.PodCIDRs {
			if ip, _, err := net.ParseCIDR(cidr); err == nil && ip.To4() == nil {
				caps.IPv6 = Capability{Supported, fmt.Sprintf("node %s has IPv6 pod CIDR %s", n.Name, cidr)}
				return caps, nil
			}
		}
	}
	return caps, nil
}

// HostSCTP reports whether this machine's kernel can open an SCTP socket. Opening one sends no
// traffic; it may make the kernel load its sctp module, as a pod's first SCTP socket would.
func HostSCTP() Capability {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, syscall.IPPROTO_SCTP)
	if err != nil {
		if errors.Is(err, syscall.EPROTONOSUPPORT) || errors.Is(err, syscall.ESOCKTNOSUPPORT) {
			return Capability{Unsupported, "this kernel has no SCTP: " + err.Error()}
		}
		return Capability{Unknown, "opening an SCTP socket failed: " + err.Error()}
	}
	syscall.Close(fd)
	return Capability{Supported, "this kernel opened an SCTP socket"}
}
