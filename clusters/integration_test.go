package clusters

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cnpc-dev/cnpc/images"
)

// TestIntegrationSourceCluster creates a real one-node kind cluster from cnpc's node image with
// kube-router built from source, installs it, waits for readiness, loads an image, checks
// ownership and capabilities, and deletes it. It needs docker and the images `cnpc build --cni
// kube-router` makes (the build is cached, so then it only renders the manifest); -short skips it.
func TestIntegrationSourceCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: creates a kind cluster (skipped by -short)")
	}
	if out, err := exec.Command("docker", "image", "inspect", images.NodeImage).CombinedOutput(); err != nil {
		t.Skipf("node image %s missing (build it with: cnpc build --cni kube-router): %v: %s", images.NodeImage, err, out)
	}
	if out, err := exec.Command("docker", "image", "inspect", images.KubeRouterImage).CombinedOutput(); err != nil {
		t.Skipf("image %s missing (build it with: cnpc build --cni kube-router): %v: %s", images.KubeRouterImage, err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	p, err := LookupProfile("kube-router")
	if err != nil {
		t.Fatal(err)
	}
	repo, err := images.FindRepo(".")
	if err != nil {
		t.Fatal(err)
	}
	b := &images.Builder{Repo: repo, Out: testWriter{t}}
	built, err := b.Ensure(ctx, *p.Build, p.PodSubnet)
	if err != nil {
		t.Fatal(err)
	}
	p = p.WithBuilt(built)
	c, err := New(Options{
		Name:           "cnpc-itest",
		KubeconfigPath: filepath.Join(t.TempDir(), "kubeconfig"),
		Logger:         slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Delete(); err != nil {
			t.Errorf("delete: %v", err)
		}
		if ok, err := c.Exists(); err != nil || ok {
			t.Errorf("after Delete: Exists = %v, %v; want false, nil", ok, err)
		}
	})
	step(t, "create", func() error { _, err := c.Create(ctx); return err })
	step(t, "install cni", func() error { return c.InstallCNI(ctx) })
	step(t, "wait ready", func() error { return c.WaitReady(ctx, 3*time.Minute) })
	checkRunning(ctx, t, c)
	image := testImage(ctx, t)
	step(t, "load image", func() error { return c.LoadImages(ctx, []string{image}) })
	checkImageOnNodes(t, c, image)
	checkOwnership(ctx, t, c)
	caps, err := c.DetectCapabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if caps.IPv6.Support != Unsupported || caps.SCTP != HostSCTP() {
		t.Errorf("capabilities = %+v; want IPv6 unsupported on an ipv4 cluster and SCTP as this kernel (%+v)", caps, HostSCTP())
	}
}

func step(t *testing.T, name string, f func() error) {
	t.Helper()
	start := time.Now()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Logf("%s: done in %s", name, time.Since(start).Round(100*time.Millisecond))
}

// checkRunning checks the results of the install: CoreDNS from the node's manifest is there and
// the reported version is kube-router's image tag.
func checkRunning(ctx context.Context, t *testing.T, c *Cluster) {
	t.Helper()
	cs, err := c.Clientset()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AppsV1().Deployments("kube-system").Get(ctx, "coredns", metav1.GetOptions{}); err != nil {
		t.Errorf("coredns from the node manifest: %v", err)
	}
	v, err := c.CNIVersion(ctx)
	if err != nil || v != "v1.3.2" {
		t.Errorf("CNIVersion = %q, %v; want v1.3.2", v, err)
	}
}

// testImage makes a unique one-file image with docker import and removes it after the test.
func testImage(ctx context.Context, t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	body := fmt.Sprintf("cnpc integration test %d\n", time.Now().UnixNano())
	tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: int64(len(body))})
	tw.Write([]byte(body))
	tw.Close()
	image := fmt.Sprintf("localhost/cnpc/itest:%d", os.Getpid())
	cmd := exec.CommandContext(ctx, "docker", "import", "-", image)
	cmd.Stdin = &b
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker import: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("docker", "rmi", image).Run() })
	return image
}

func checkImageOnNodes(t *testing.T, c *Cluster, image string) {
	t.Helper()
	nodeList, err := c.provider.ListInternalNodes(c.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodeList {
		var out bytes.Buffer
		if err := n.Command("crictl", "images", "-o", "json").SetStdout(&out).Run(); err != nil {
			t.Fatalf("crictl images on %s: %v", n, err)
		}
		if !strings.Contains(out.String(), image) {
			t.Errorf("node %s lacks image %s after LoadImages", n, image)
		}
	}
}

// checkOwnership creates one namespace with cnpc's label and one without, then checks that only
// the unlabelled one is refused.
func checkOwnership(ctx context.Context, t *testing.T, c *Cluster) {
	t.Helper()
	cs, err := c.Clientset()
	if err != nil {
		t.Fatal(err)
	}
	for name, labels := range map[string]map[string]string{"cnpc-owned": OwnedLabels(), "someone-else": {"team": "x"}} {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
		if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := CheckNamespacesFree(ctx, cs, []string{"cnpc-owned", "not-there"}); err != nil {
		t.Errorf("owned and absent namespaces: %v, want nil", err)
	}
	err = CheckNamespacesFree(ctx, cs, []string{"cnpc-owned", "someone-else", "kube-system"})
	want := "namespace someone-else: exists without label cnpc.dev/owned=true; refusing to touch it (delete it or pick a cluster without it)\n" +
		"namespace kube-system: exists without label cnpc.dev/owned=true; refusing to touch it (delete it or pick a cluster without it)"
	if err == nil || err.Error() != want || !errors.Is(err, ErrNotOwned) {
		t.Errorf("CheckNamespacesFree error = %v, want %q", err, want)
	}
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
