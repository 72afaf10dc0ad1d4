package clusters

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/images"
)

func TestSourceProfiles(t *testing.T) {
	t.Parallel()
	for _, name := range BuildableProfiles() {
		p, err := LookupProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		if p.NodeImage != images.NodeImage || !p.DisableDefaultCNI || len(p.Manifests) != 0 {
			t.Errorf("%s: node image %q, default CNI disabled %v, manifests %v; want cnpc's node image, no default CNI, manifests from the build", name, p.NodeImage, p.DisableDefaultCNI, p.Manifests)
		}
		if len(p.PostManifests) != 1 || !strings.Contains(string(p.PostManifests[0].Data), "kind: Deployment") {
			t.Errorf("%s: post manifests %v, want cnpc's CoreDNS", name, p.PostManifests)
		}
	}
	for _, line := range strings.Split(string(corednsManifest), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "forward") {
			t.Errorf("cnpc's CoreDNS has a forward plugin (%q): names outside the cluster would leave it", line)
		}
	}
	for _, want := range []string{"kube-router", "kube-router-nofw", "flannel", "calico", "calico-nft", "cilium"} {
		if p, _ := LookupProfile(want); p.Build == nil {
			t.Errorf("profile %s: not built from source", want)
		}
	}
}

func TestWithBuilt(t *testing.T) {
	t.Parallel()
	p := kubeRouter().WithBuilt(images.Built{NodeImage: "localhost/cnpc/kind-node:x", Images: []string{"localhost/cnpc/kube-router:y"}, Manifest: "/cache/kube-router.yaml", Version: "v1.3.2"})
	got := []any{p.NodeImage, p.Images, p.Manifests, p.Version}
	want := []any{"localhost/cnpc/kind-node:x", []string{"localhost/cnpc/kube-router:y"}, []Manifest{{Path: "/cache/kube-router.yaml"}}, "v1.3.2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WithBuilt (-want +got):\n%s", diff)
	}
}

func TestWithRelease(t *testing.T) {
	t.Parallel()
	p, err := kubeRouter().WithRelease()
	if err != nil {
		t.Fatal(err)
	}
	if p.Build != nil || p.NodeImage != "" || !p.NeedsRegistry || p.Version != "v2.5.0" || len(p.KubeadmPatchesJSON6902) != 0 || len(p.PostManifests) != 0 {
		t.Errorf("release profile = %+v; want kind's node image, kubeadm's CoreDNS, registry images, v2.5.0", p)
	}
	if len(p.Manifests) != 1 || !strings.HasPrefix(p.Manifests[0].URL, "https://") {
		t.Errorf("release manifests = %v, want the upstream URL", p.Manifests)
	}
	if _, err := kubeRouterNoFirewall().WithRelease(); err == nil || !strings.Contains(err.Error(), "no upstream release") {
		t.Errorf("kube-router-nofw WithRelease error = %v, want one saying it has no release", err)
	}
}
