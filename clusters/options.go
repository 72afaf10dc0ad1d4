package clusters

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
)

// IPFamily is the IP family of a cluster's pod and service networks.
type IPFamily string

// The IP families kind supports (kind's networking.ipFamily).
const (
	IPv4 IPFamily = "ipv4"
	IPv6 IPFamily = "ipv6"
	Dual IPFamily = "dual"
)

// IPFamilies lists every IPFamily.
var IPFamilies = []IPFamily{IPv4, IPv6, Dual}

// ParseIPFamily returns the family named s.
func ParseIPFamily(s string) (IPFamily, error) {
	for _, f := range IPFamilies {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown ip family %q, expected one of %v", s, IPFamilies)
}

// DefaultWorkers is the number of workers the CLI asks for unless told otherwise.
const DefaultWorkers = 2

// Options say which cluster to create and how. The zero value of each field means its default
// (see Defaulted).
type Options struct {
	// Name of the kind cluster; default cnpc-<profile>.
	Name string
	// ControlPlanes counts the control-plane nodes; default 1.
	ControlPlanes int
	// Workers counts the worker nodes, taken as given (0 is a one-node cluster). Callers usually
	// start from DefaultWorkers, so pod-to-pod traffic both stays on a node and crosses nodes.
	Workers  int
	IPFamily IPFamily
	// NodeImage overrides the profile's node image (bring your own Kubernetes build).
	NodeImage string
	// Manifests replace the profile's manifests with local files (bring your own CNI build).
	Manifests []string
	// Images are local docker images to load into every node before the CNI is installed, on top
	// of the profile's own (bring your own CNI build).
	Images []string
	// Reuse keeps an existing cluster of the same name instead of deleting and recreating it.
	Reuse bool
	// Retain keeps the nodes of a failed creation for debugging.
	Retain bool
	// KubeconfigPath is where the cluster's kubeconfig is written; required.
	KubeconfigPath string
	// Logger receives progress and kind's own messages; nil discards them.
	Logger *slog.Logger
}

// dnsLabel is a DNS-1123 label; kind derives container and network names from the cluster name.
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Defaulted returns o with defaults filled in for profile p.
func (o Options) Defaulted(p Profile) Options {
	if o.Name == "" {
		o.Name = "cnpc-" + p.Name
	}
	if o.ControlPlanes == 0 {
		o.ControlPlanes = 1
	}
	if o.IPFamily == "" {
		o.IPFamily = IPv4
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Validate reports every problem with defaulted options for profile p at once.
func (o Options) Validate(p Profile) error {
	var errs []error
	if len(o.Name) > 50 || !dnsLabel.MatchString(o.Name) {
		errs = append(errs, fmt.Errorf("name %q: expected a DNS label of at most 50 characters", o.Name))
	}
	if o.ControlPlanes < 1 || o.ControlPlanes > 3 {
		errs = append(errs, fmt.Errorf("control planes: found %d, expected 1 to 3", o.ControlPlanes))
	}
	if o.Workers < 0 || o.Workers > 5 {
		errs = append(errs, fmt.Errorf("workers: found %d, expected 0 to 5", o.Workers))
	}
	if _, err := ParseIPFamily(string(o.IPFamily)); err != nil {
		errs = append(errs, err)
	} else if !p.SupportsFamily(o.IPFamily) {
		errs = append(errs, fmt.Errorf("ip family %s: profile %s supports only %v", o.IPFamily, p.Name, p.Families()))
	}
	if o.KubeconfigPath == "" {
		errs = append(errs, errors.New("kubeconfig path: empty, expected the file to write the cluster's kubeconfig to"))
	}
	if p.RequiresManifest && len(o.Manifests) == 0 {
		errs = append(errs, fmt.Errorf("profile %s: needs a local manifest (--manifest FILE)", p.Name))
	}
	if len(o.Manifests) == 0 {
		for _, m := range p.Manifests {
			if m.URL != "" && m.SHA256 == "" {
				errs = append(errs, fmt.Errorf("profile %s: manifest %s has no pinned sha256, and cnpc applies no unverified download: give the file with --manifest FILE", p.Name, m.URL))
			}
		}
	}
	return errors.Join(errs...)
}
