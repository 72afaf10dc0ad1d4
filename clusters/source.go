package clusters

import (
	_ "embed"
	"fmt"

	"github.com/cnpc-dev/cnpc/images"
)

// From says where a profile's CNI comes from.
type From string

const (
	// FromSource builds the node image and the CNI's images from pinned sources (images.Recipe):
	// no registry is needed.
	FromSource From = "source"
	// FromRelease installs the CNI's upstream release: manifests by URL, pinned by sha256, and
	// images pulled from public registries by kind's own node image.
	FromRelease From = "release"
)

// ParseFrom returns the From named s.
func ParseFrom(s string) (From, error) {
	switch From(s) {
	case FromSource, FromRelease:
		return From(s), nil
	}
	return "", fmt.Errorf("unknown source %q, expected source or release", s)
}

// Release is the upstream release a profile installs with --from release.
type Release struct {
	Version   string
	Manifests []Manifest
	// VersionFrom, when set, replaces the profile's for the release.
	VersionFrom ContainerRef
}

// corednsManifest is cnpc's CoreDNS, applied on the source-built node image in place of
// kubeadm's addon (see coredns.yaml).
//
//go:embed coredns.yaml
var corednsManifest []byte

// fromSource returns p set up for cnpc's node image and the recipe's build: kind's default CNI
// off, kubeadm's CoreDNS addon skipped and cnpc's own applied after the CNI.
func fromSource(p Profile, r images.Recipe) Profile {
	p.Build = &r
	p.Version = r.Version
	p.NodeImage = images.NodeImage
	p.DisableDefaultCNI = true
	p.KubeadmPatchesJSON6902 = append(p.KubeadmPatchesJSON6902, skipCoreDNSAddon)
	p.PostManifests = append(p.PostManifests, Manifest{Name: "cnpc coredns (no upstream forward)", Data: corednsManifest})
	return p
}

// skipCoreDNSAddon removes kubeadm's addon/coredns phase. kind v0.33 renders kubeadm's v1beta3
// config for Kubernetes before 1.36 and always sets skipPhases: [preflight], so adding to the
// end of that list is valid.
var skipCoreDNSAddon = KubeadmPatch{
	Group:   "kubeadm.k8s.io",
	Version: "v1beta3",
	Kind:    "InitConfiguration",
	Patch:   "- op: add\n  path: /skipPhases/-\n  value: addon/coredns\n",
}

// WithBuilt returns the source profile with what the build produced: the node image, the images
// to load and the rendered manifest.
func (p Profile) WithBuilt(b images.Built) Profile {
	p.NodeImage = b.NodeImage
	p.Images = append(append([]string(nil), p.Images...), b.Images...)
	p.Manifests = []Manifest{{Path: b.Manifest}}
	p.Version = b.Version
	return p
}

// WithRelease returns the profile as its upstream release installs it, or an error when the
// profile has no release.
func (p Profile) WithRelease() (Profile, error) {
	if p.Release == nil {
		return Profile{}, fmt.Errorf("profile %s has no upstream release to install (--from release); it is built from source only", p.Name)
	}
	r := *p.Release
	p.Build = nil
	p.Version = r.Version
	p.NodeImage = ""
	p.NeedsRegistry = true
	p.KubeadmPatchesJSON6902 = nil
	p.PostManifests = nil
	p.Manifests = r.Manifests
	if r.VersionFrom.Name != "" {
		p.VersionFrom = r.VersionFrom
	}
	return p, nil
}

// BuildableProfiles lists the profiles that build from source, sorted.
func BuildableProfiles() []string {
	var out []string
	for _, n := range ProfileNames() {
		if profiles[n].Build != nil {
			out = append(out, n)
		}
	}
	return out
}
