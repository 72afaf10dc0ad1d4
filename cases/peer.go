package cases

import (
	"fmt"
	"strings"
)

// PeerKey names one end of a connection: "namespace/name" for a pod, the bare name for an external
// host. Names of Kubernetes objects cannot contain "/", so the two never collide.
type PeerKey string

// PodKey returns the key of pod name in namespace ns.
func PodKey(ns, name string) PeerKey { return PeerKey(ns + "/" + name) }

// ExternalKey returns the key of the external host name.
func ExternalKey(name string) PeerKey { return PeerKey(name) }

func (k PeerKey) String() string { return string(k) }

// IsPod reports whether the key names a pod.
func (k PeerKey) IsPod() bool { return strings.Contains(string(k), "/") }

// Split returns the namespace and name of a pod key; for an external key the namespace is "".
func (k PeerKey) Split() (namespace, name string) {
	if ns, n, ok := strings.Cut(string(k), "/"); ok {
		return ns, n
	}
	return "", string(k)
}

// ParsePeerKey parses "namespace/name" (a pod) or "name" (an external host).
func ParsePeerKey(s string) (PeerKey, error) {
	if s == "" {
		return "", fmt.Errorf("empty peer: expected namespace/pod or an external host name")
	}
	parts := strings.Split(s, "/")
	switch {
	case len(parts) > 2:
		return "", fmt.Errorf("peer %q: expected namespace/pod or an external host name, found %d slashes", s, len(parts)-1)
	case len(parts) == 2 && (parts[0] == "" || parts[1] == ""):
		return "", fmt.Errorf("peer %q: expected namespace/pod with both parts non-empty", s)
	}
	return PeerKey(s), nil
}
