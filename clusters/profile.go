package clusters

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/cnpc-dev/cnpc/images"
)

// Profile describes one CNI: its pinned version, how to install it, the images it needs, where its
// workloads run (for readiness), what it declares unsupported and how to read its running version.
// Each profile lives in its own file and registers itself in profiles from init.
type Profile struct {
	Name string
	// Version is the pinned upstream version the manifests install.
	Version     string
	Description string
	// Enforces is false for a negative control: a CNI that ignores NetworkPolicy, so every deny
	// case must fail against it.
	Enforces bool
	// NeedsRegistry says that the node image or the manifests' images come from public
	// registries; such a profile cannot run on a machine without registry access unless the user
	// brings local images (Options.Images) and manifests.
	NeedsRegistry bool
	// RequiresManifest says the profile has no pinned manifest; the user must give one.
	RequiresManifest bool
	// NodeImage is the default node image; empty means kind's default.
	NodeImage string
	// IPFamilies the CNI supports; empty means all.
	IPFamilies []IPFamily
	// Kind config for the profile.
	DisableDefaultCNI bool
	PodSubnet         string
	ServiceSubnet     string
	// KubeProxyMode is kind's networking.kubeProxyMode ("" for kind's default, iptables).
	KubeProxyMode string
	// KubeadmPatchesJSON6902 are added to the kind config (e.g. to skip a kubeadm phase).
	KubeadmPatchesJSON6902 []KubeadmPatch
	// Manifests install the CNI, in order: URLs pinned by sha256, or local files.
	Manifests []Manifest
	// PostManifests are applied after the Manifests (and the user's --manifest files), e.g. the
	// CoreDNS that cnpc's node image needs.
	PostManifests []Manifest
	// Build builds the node image, the CNI's images and its manifest from pinned sources; nil
	// for a profile installed from release manifests only. cnpc run builds what is missing and
	// fills NodeImage, Images and Manifests from it (WithBuilt).
	Build *images.Recipe
	// Release is the upstream release --from release installs instead of the Build; nil when
	// there is none.
	Release *Release
	// Images are local docker images to load into every node before the manifests are applied.
	Images []string
	// Namespaces hold the profile's workloads; every DaemonSet and Deployment in them must be
	// rolled out before the cluster counts as ready. kube-system is always checked.
	Namespaces []string
	// Unsupported lists the features (cnpc's feature names, e.g. "sctp") the CNI declares it does
	// not support, with the reason.
	Unsupported map[string]string
	// AgentHealthy, when set, is a command that must succeed in the CNI agent's container on
	// every node before the cluster counts as ready (e.g. cilium-dbg status).
	AgentHealthy *AgentCommand
	// Notes say how the profile departs from the CNI's upstream defaults; reports show them.
	Notes []string
	// HairpinNotes are shown too when a run probes every pod through its own Service (--via both
	// without --skip-hairpin): what that traffic is known to do to the CNI's other verdicts.
	HairpinNotes []string
	// VersionFrom names the container whose image tag is the CNI's running version.
	VersionFrom ContainerRef
	// PostInstall runs after the manifests, e.g. to patch the CNI's DaemonSet; nil for none.
	PostInstall func(ctx context.Context, c *Cluster) error
}

// AgentCommand is a command run in the container of that name on each node.
type AgentCommand struct {
	Container string
	Command   []string
}

// KubeadmPatch is a JSON 6902 patch to one kubeadm config kind renders.
type KubeadmPatch struct {
	Group   string
	Version string
	Kind    string
	Patch   string
}

// ContainerRef names one container of a workload.
type ContainerRef struct {
	// Kind is DaemonSet or Deployment.
	Kind      string
	Namespace string
	Name      string
	Container string
}

func (r ContainerRef) String() string {
	return fmt.Sprintf("%s %s/%s container %s", strings.ToLower(r.Kind), r.Namespace, r.Name, r.Container)
}

// SupportsFamily reports whether the profile's CNI supports family f.
func (p Profile) SupportsFamily(f IPFamily) bool {
	if len(p.IPFamilies) == 0 {
		return true
	}
	for _, g := range p.IPFamilies {
		if g == f {
			return true
		}
	}
	return false
}

// Families returns the IP families the profile supports.
func (p Profile) Families() []IPFamily {
	if len(p.IPFamilies) == 0 {
		return IPFamilies
	}
	return p.IPFamilies
}

var profiles = map[string]Profile{}

func register(p Profile) { profiles[p.Name] = p }

// LookupProfile returns the profile called name, or an error listing the known ones.
func LookupProfile(name string) (Profile, error) {
	p, ok := profiles[name]
	if !ok {
		return Profile{}, fmt.Errorf("unknown cni %q, expected one of %s", name, strings.Join(ProfileNames(), ", "))
	}
	return p, nil
}

// ProfileNames lists the known profiles, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
