package images

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const testManifest = `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: kube-system}
data: {a: b}
---
# a comment-only document is skipped
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  template:
    spec:
      initContainers:
      - {name: init, image: "quay.io/x/agent:v1@sha256:0123"}
      containers:
      - {name: agent, image: "quay.io/x/agent:v1", imagePullPolicy: Always}
      - {name: sidecar, image: "docker.io/y/side"}
`

func TestRender(t *testing.T) {
	t.Parallel()
	m := ManifestSource{Images: map[string]string{"quay.io/x/agent": "localhost/cnpc/agent:v1", "docker.io/y/side": "localhost/cnpc/side:v2"}}
	out, err := Render([]byte(testManifest), m, "10.244.0.0/16")
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeAll(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("rendered %d objects, want 2", len(objs))
	}
	got := containerImages(objs)
	want := []string{"init localhost/cnpc/agent:v1 Never", "agent localhost/cnpc/agent:v1 Never", "sidecar localhost/cnpc/side:v2 Never"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("containers (-want +got):\n%s", diff)
	}
	// An image without a local build is an error naming the object and container.
	delete(m.Images, "docker.io/y/side")
	_, err = Render([]byte(testManifest), m, "")
	if err == nil || !strings.Contains(err.Error(), `DaemonSet kube-system/agent: container sidecar: image "docker.io/y/side" has no local build`) {
		t.Errorf("unmapped image: error = %v", err)
	}
}

// containerImages lists "name image pullPolicy" of every container in pod templates, in order.
func containerImages(objs []map[string]any) []string {
	var out []string
	for _, o := range objs {
		spec, _ := o["spec"].(map[string]any)
		tmpl, _ := spec["template"].(map[string]any)
		pod, _ := tmpl["spec"].(map[string]any)
		for _, key := range []string{"initContainers", "containers"} {
			list, _ := pod[key].([]any)
			for _, c := range list {
				ctr := c.(map[string]any)
				out = append(out, ctr["name"].(string)+" "+ctr["image"].(string)+" "+ctr["imagePullPolicy"].(string))
			}
		}
	}
	return out
}

func TestImageRepository(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"quay.io/x/agent:v1":                    "quay.io/x/agent",
		"quay.io/x/agent:v1@sha256:0123":        "quay.io/x/agent",
		"localhost:5000/x/agent":                "localhost:5000/x/agent",
		"localhost:5000/x/agent:v2":             "localhost:5000/x/agent",
		"docker.io/cloudnativelabs/kube-router": "docker.io/cloudnativelabs/kube-router",
	} {
		if got := ImageRepository(in); got != want {
			t.Errorf("ImageRepository(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRecipeManifests renders every recipe's manifest from its real, pinned source module (the
// go command downloads it when the module cache lacks it): every container must run a local
// image that the recipe builds, and nothing may be pulled.
func TestRecipeManifests(t *testing.T) {
	b, pins := repoBuilder(t)
	for _, r := range Recipes() {
		t.Run(r.Name, func(t *testing.T) {
			if r.Manifest.Chart != nil && testing.Short() {
				t.Skip("renders a Helm chart: builds Helm from its wrapper module first (skipped by -short)")
			}
			objs := renderObjects(t, b, r, pins, "10.244.0.0/16")
			built := map[string]bool{}
			for _, img := range r.Images {
				built[img.Name] = true
			}
			ctrs := containerImages(objs)
			if len(ctrs) == 0 {
				t.Fatal("the manifest has no containers")
			}
			for _, c := range ctrs {
				f := strings.Fields(c)
				if !built[f[1]] || f[2] != "Never" {
					t.Errorf("container %s: image %s, pull policy %s; want an image the recipe builds, never pulled", f[0], f[1], f[2])
				}
			}

		})
	}
}

func TestFlannelManifestEdits(t *testing.T) {
	b, pins := repoBuilder(t)
	objs := renderObjects(t, b, Flannel(), pins, "10.250.0.0/16")
	cm := objectsOf(objs, "ConfigMap", "kube-flannel-cfg")[0]["data"].(map[string]any)
	var cni, net map[string]any
	if err := json.Unmarshal([]byte(cm["cni-conf.json"].(string)), &cni); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(cm["net-conf.json"].(string)), &net); err != nil {
		t.Fatal(err)
	}
	if cni["cniVersion"] != flannelCNIVersion || net["Network"] != "10.250.0.0/16" {
		t.Errorf("cniVersion %v, Network %v; want %s and the pod subnet 10.250.0.0/16", cni["cniVersion"], net["Network"], flannelCNIVersion)
	}
	if plugins, _ := cni["plugins"].([]any); len(plugins) != 2 {
		t.Errorf("cni-conf.json plugins = %v, want flannel and portmap kept", cni["plugins"])
	}
}

func TestCalicoManifestEdits(t *testing.T) {
	b, pins := repoBuilder(t)
	for _, nft := range []bool{false, true} {
		objs := renderObjects(t, b, Calico(nft), pins, "10.250.0.0/16")
		env := map[string]any{}
		ds := objectsOf(objs, "DaemonSet", "calico-node")[0]
		for _, c := range ds["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any) {
			ctr := c.(map[string]any)
			if ctr["name"] != "calico-node" {
				continue
			}
			for _, e := range ctr["env"].([]any) {
				m := e.(map[string]any)
				if v, ok := m["value"]; ok {
					if _, dup := env[m["name"].(string)]; dup {
						t.Errorf("env %s set twice", m["name"])
					}
					env[m["name"].(string)] = v
				}
			}
		}
		if env["CALICO_IPV4POOL_CIDR"] != "10.250.0.0/16" {
			t.Errorf("nft %v: CALICO_IPV4POOL_CIDR = %v, want the pod subnet", nft, env["CALICO_IPV4POOL_CIDR"])
		}
		if env["FELIX_DebugSkipCTLBCleanup"] != "true" {
			t.Errorf("nft %v: FELIX_DebugSkipCTLBCleanup = %v, want true (felix without libbpf panics in that clean-up)", nft, env["FELIX_DebugSkipCTLBCleanup"])
		}
		if got, want := env["FELIX_NFTABLESMODE"], map[bool]any{false: nil, true: "Enabled"}[nft]; got != want {
			t.Errorf("nft %v: FELIX_NFTABLESMODE = %v, want %v", nft, got, want)
		}
		for _, crd := range []string{"adminnetworkpolicies.policy.networking.k8s.io", "baselineadminnetworkpolicies.policy.networking.k8s.io"} {
			if len(objectsOf(objs, "CustomResourceDefinition", crd)) != 1 {
				t.Errorf("nft %v: CRD %s missing: the AdminNetworkPolicy CRDs stay installed", nft, crd)
			}
		}
	}
}

// repoBuilder is a Builder over this checkout with an empty cache, and the checkout's pins.
func repoBuilder(t *testing.T) (*Builder, map[Module]string) {
	t.Helper()
	repo, err := FindRepo(".")
	if err != nil {
		t.Fatal(err)
	}
	pins, err := readPins(repo)
	if err != nil {
		t.Fatal(err)
	}
	return &Builder{Repo: repo, Dir: t.TempDir()}, pins
}

// renderObjects renders r's manifest and decodes it.
func renderObjects(t *testing.T, b *Builder, r Recipe, pins map[Module]string, podSubnet string) []map[string]any {
	t.Helper()
	path, err := b.renderManifest(context.Background(), r, pins, podSubnet)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := decodeAll(data)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}
