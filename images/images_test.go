package images

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMirrorIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, want string
	}{
		{"one-line", "# c\ndeb http://m.example/debian bookworm main\ndeb http://s.example/debian-security bookworm-security main\n", "http://m.example/debian"},
		{"one-line with options", "deb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bookworm main\n", "http://m.example/debian"},
		{"deb822", "Types: deb\nURIs: http://m.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://s.example/debian-security\nSuites: bookworm-security\n", "http://m.example/debian"},
		{"deb822 other suite only", "Types: deb\nURIs: http://s.example/debian-security\nSuites: bookworm-security\n", ""},
		{"other suite", "deb http://m.example/debian trixie main\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := mirrorIn(tt.text, "bookworm"); got != tt.want {
				t.Errorf("mirrorIn = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBinaryName(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]string{
		"k8s.io/kubernetes/cmd/kubelet":  "kubelet",
		"go.etcd.io/etcd/server/v3":      "server",
		"./cmd/kube-router":              "kube-router",
		"github.com/coredns/coredns":     "coredns",
		"example.com/tools/v":            "v",
		"github.com/containerd/v2/cmd/x": "x",
	} {
		if got := binaryName(p); got != want {
			t.Errorf("binaryName(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestBinariesRenamed(t *testing.T) {
	t.Parallel()
	got := Flannel().Builds[0].Binaries()
	if diff := cmp.Diff([]string{"flanneld", "install-conf"}, got); diff != "" {
		t.Errorf("flannel binaries (-want +got):\n%s", diff)
	}
}

func TestKeyOf(t *testing.T) {
	t.Parallel()
	if keyOf("ab", "c") == keyOf("a", "bc") {
		t.Error("keyOf(ab, c) == keyOf(a, bc): parts are not delimited")
	}
	if first, second := keyOf("a"), keyOf("a"); first != second {
		t.Error("keyOf is not deterministic")
	}
	if len(keyOf("a").Short()) != 12 {
		t.Errorf("Short() = %q, want 12 hex digits", keyOf("a").Short())
	}
}

func TestReadPins(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	write := func(text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(repo, "images"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, "images", "sources.sum"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("# comment\n\nexample.com/a v1.0.0 h1:abc=\n")
	pins, err := readPins(repo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[Module]string{{Path: "example.com/a", Version: "v1.0.0"}: "h1:abc="}, pins); diff != "" {
		t.Errorf("pins (-want +got):\n%s", diff)
	}
	write("example.com/a v1.0.0 h1:abc=\nexample.com/b v1.0.0/go.mod h1:def=\n")
	_, err = readPins(repo)
	want := filepath.Join(repo, "images", "sources.sum") + `:2: found "example.com/b v1.0.0/go.mod h1:def=", expected "module version h1:digest"`
	if err == nil || err.Error() != want {
		t.Errorf("readPins error = %v, want %s", err, want)
	}
}

// TestSourcesPinned checks that every source module a recipe builds or renders from is pinned.
func TestSourcesPinned(t *testing.T) {
	t.Parallel()
	pins, err := readPins("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Recipes() {
		mods := []Module{r.Manifest.Source}
		for _, g := range r.Builds {
			if g.Source.Path != "" {
				mods = append(mods, g.Source)
			}
		}
		for _, m := range mods {
			if _, ok := pins[m]; !ok {
				t.Errorf("recipe %s: source %s is not in images/sources.sum", r.Name, m)
			}
		}
	}
}

func TestImageContext(t *testing.T) {
	t.Parallel()
	img := Image{
		Name:            "localhost/cnpc/x:v1",
		Binaries:        map[string]string{"b": "/usr/bin/b", "a": "/opt/a"},
		IptablesWrapper: true,
		Dockerfile:      []string{`ENTRYPOINT ["/opt/a"]`},
	}
	c, err := img.context("localhost/cnpc/rootfs-net:0123", map[string]string{"a": "/bins/a", "b": "/bins/b"})
	if err != nil {
		t.Fatal(err)
	}
	want := "FROM localhost/cnpc/rootfs-net:0123\nCOPY bin/a /opt/a\nCOPY bin/b /usr/bin/b\n" +
		"COPY iptables-wrapper /usr/local/sbin/iptables-wrapper\n" + installIptablesWrapper + "\n" + `ENTRYPOINT ["/opt/a"]` + "\n"
	if diff := cmp.Diff(want, c.Dockerfile); diff != "" {
		t.Errorf("Dockerfile (-want +got):\n%s", diff)
	}
	if len(c.Files) != 3 || c.Files[0].Src != "/bins/a" || c.Files[2].Mode != 0o755 {
		t.Errorf("files = %+v, want a, b and the wrapper, executable", c.Files)
	}
	if _, err := img.context("base", map[string]string{"a": "/bins/a"}); err == nil || !strings.Contains(err.Error(), `no build makes binary "b"`) {
		t.Errorf("missing binary: error = %v, want one naming b", err)
	}
}

func TestContextKey(t *testing.T) {
	t.Parallel()
	c := Context{Dockerfile: "FROM scratch\n", Files: []File{{Path: "a", Data: []byte("1")}}}
	k1, _ := c.key()
	c.Files[0].Data = []byte("2")
	k2, _ := c.key()
	c.Files[0].Mode = 0o755
	k3, _ := c.key()
	if k1 == k2 || k2 == k3 {
		t.Errorf("a changed file content or mode kept the key: %s %s %s", k1.Short(), k2.Short(), k3.Short())
	}
}

// TestGoKey checks that whatever decides a build's output changes its key.
func TestGoKey(t *testing.T) {
	b, pins := repoBuilder(t)
	ctx := context.Background()
	base := Flannel().Builds[0]
	k0, err := b.goKey(ctx, base, pins)
	if err != nil {
		t.Fatal(err)
	}
	changes := map[string]func(g *GoBuild){
		"ldflags":  func(g *GoBuild) { g.LDFlags += " -X a.b=c" },
		"packages": func(g *GoBuild) { g.Packages = g.Packages[:1] },
		"cgo":      func(g *GoBuild) { g.CGO = false },
		"tags":     func(g *GoBuild) { g.Tags = []string{"x"} },
		"version":  func(g *GoBuild) { g.Source.Version = "v0.28.9" },
		"patches":  func(g *GoBuild) { g.Patches = nil },
		"replace":  func(g *GoBuild) { g.Replace = []string{"a=b@v1.0.0"} },
	}
	for name, change := range changes {
		g := base
		g.Packages = append([]string(nil), base.Packages...)
		change(&g)
		k, err := b.goKey(ctx, g, pins)
		if name == "version" {
			if !errors.Is(err, errNotPinned) {
				t.Errorf("unpinned version: error = %v, want errNotPinned", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if k == k0 {
			t.Errorf("changing %s kept the key", name)
		}
	}
}

func TestStep(t *testing.T) {
	var out bytes.Buffer
	now := time.Unix(0, 0)
	b := &Builder{Dir: t.TempDir(), Out: &out, now: func() time.Time { now = now.Add(90 * time.Second); return now }}
	ctx := context.Background()
	ran := 0
	build := func(ctx context.Context, log io.Writer) error { ran++; return nil }
	if err := b.step(ctx, "one", func() bool { return true }, build); err != nil {
		t.Fatal(err)
	}
	if err := b.step(ctx, "two", func() bool { return false }, build); err != nil {
		t.Fatal(err)
	}
	err := b.step(ctx, "three/x", func() bool { return false }, func(ctx context.Context, log io.Writer) error {
		io.WriteString(log, "line 1\nthe compiler said no\n")
		return errors.New("exit status 1")
	})
	logPath := filepath.Join(b.Dir, "logs", "three-x.log")
	var se *StepError
	if !errors.As(err, &se) || se.Log != logPath {
		t.Fatalf("failed step: error = %v, want a StepError with log %s", err, logPath)
	}
	if ran != 1 {
		t.Errorf("build ran %d times, want 1 (the cached step must not run)", ran)
	}
	want := "build  1. one: cached\nbuild  2. two ...\nbuild  2. two: done in 1m30s\nbuild  3. three/x ...\nbuild  3. three/x: failed after 1m30s\n    | line 1\n    | the compiler said no\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	b.Force = true
	if err := b.step(ctx, "four", func() bool { return true }, build); err != nil || ran != 2 {
		t.Errorf("Force: ran %d, err %v; want the cached step rebuilt", ran, err)
	}
}
