package images

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Module is a Go module at a pinned version.
type Module struct {
	Path, Version string
}

func (m Module) String() string { return m.Path + "@" + m.Version }

// GoBuild is a set of commands built with the go command from modules at pinned versions, in one
// of two ways: from a wrapper module under images/modules, whose go.mod and go.sum pin (and
// verify) everything the commands are built from; or with a Source module as the main module,
// so that its own replace directives apply, its zip verified against images/sources.sum and its
// dependencies against its own go.sum.
type GoBuild struct {
	// Name names the build in progress lines and in its output directory.
	Name string
	// Wrapper is a directory under images/modules.
	Wrapper string
	// Source is the module built as the main module.
	Source Module
	// Local is a directory of cnpc's own module whose packages are built (e.g. images/cmd/pause).
	Local string
	// Patches are files under images/patches applied to Source with patch -p1, in order.
	Patches []string
	// Overlays copy directories under images/stubs into Source: source-relative path -> stub.
	// They stand in for nested modules that a module zip leaves out.
	Overlays map[string]string
	// Replace are `go mod edit -replace` arguments applied to Source ("old=new@version").
	Replace []string
	// Verify are modules downloaded and checked against images/sources.sum before the build:
	// the targets of Replace that the checksum database does not know.
	Verify []Module
	// Packages are built into one directory: import paths for a Wrapper build, paths relative to
	// Source ("./cmd/x") for a Source build.
	Packages []string
	// Rename maps the name go gives a binary to the name it gets.
	Rename map[string]string
	// Tags and LDFlags go to go build; CGO turns cgo on (off by default, for static binaries).
	Tags    []string
	LDFlags string
	CGO     bool
	// Env adds to the go command's environment, e.g. GONOSUMDB for one module.
	Env []string
}

// Binaries returns the names of the commands the build produces.
func (g GoBuild) Binaries() []string {
	var out []string
	for _, p := range g.Packages {
		// go build names a command after its import path: "." of a Source is the module's root.
		if g.Source.Path != "" && (p == "." || strings.HasPrefix(p, "./")) {
			p = g.Source.Path + strings.TrimPrefix(p, ".")
		}
		name := binaryName(p)
		if r, ok := g.Rename[name]; ok {
			name = r
		}
		out = append(out, name)
	}
	return out
}

// binaryName is the file name go build gives the command of package p: its last path element,
// or the one before a major-version suffix such as /v3.
func binaryName(p string) string {
	elems := strings.Split(strings.TrimSuffix(p, "/"), "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		return elems[len(elems)-2]
	}
	return last
}

// goVersion is the go toolchain's version; it is part of every Go build's key.
func goVersion(ctx context.Context) (string, error) {
	out, err := output(ctx, "", nil, "go", "env", "GOVERSION")
	if err != nil {
		return "", &ToolError{Tool: "go", Why: "build the images from source", Install: "install Go 1.26 or later and put it on PATH"}
	}
	return strings.TrimSpace(out), nil
}

// goKey digests everything that decides the build's output.
func (b *Builder) goKey(ctx context.Context, g GoBuild, pins map[Module]string) (Key, error) {
	gv, err := goVersion(ctx)
	if err != nil {
		return "", err
	}
	parts := []string{"go", g.Name, gv, strings.Join(g.Packages, " "), strings.Join(g.Tags, ","), g.LDFlags, fmt.Sprint(g.CGO), strings.Join(g.Env, " "), fmt.Sprint(g.Rename), strings.Join(g.Replace, " ")}
	switch {
	case g.Local != "":
		digest, err := treeDigest(filepath.Join(b.Repo, g.Local))
		if err != nil {
			return "", fmt.Errorf("go build %s: %w", g.Name, err)
		}
		parts = append(parts, digest)
	case g.Wrapper != "":
		for _, f := range []string{"go.mod", "go.sum"} {
			data, err := os.ReadFile(filepath.Join(b.Repo, "images", "modules", g.Wrapper, f))
			if err != nil {
				return "", fmt.Errorf("go build %s: %w", g.Name, err)
			}
			parts = append(parts, string(data))
		}
	default:
		sum, ok := pins[g.Source]
		if !ok {
			return "", fmt.Errorf("go build %s: source %s: %w", g.Name, g.Source, errNotPinned)
		}
		parts = append(parts, g.Source.String(), sum)
		for _, m := range g.Verify {
			sum, ok := pins[m]
			if !ok {
				return "", fmt.Errorf("go build %s: %s: %w", g.Name, m, errNotPinned)
			}
			parts = append(parts, m.String(), sum)
		}
		for _, p := range g.Patches {
			data, err := os.ReadFile(filepath.Join(b.Repo, "images", "patches", p))
			if err != nil {
				return "", fmt.Errorf("go build %s: patch: %w", g.Name, err)
			}
			parts = append(parts, p, string(data))
		}
		for _, dst := range sortedKeys(g.Overlays) {
			digest, err := treeDigest(filepath.Join(b.Repo, "images", "stubs", g.Overlays[dst]))
			if err != nil {
				return "", fmt.Errorf("go build %s: overlay: %w", g.Name, err)
			}
			parts = append(parts, dst, digest)
		}
	}
	return keyOf(parts...), nil
}

// BinDir is where a build with key k puts its commands.
func (b *Builder) binDir(g GoBuild, k Key) string {
	return b.dir("bin", slug(g.Name)+"-"+k.Short())
}

// buildGo builds g unless its commands already exist, and returns their directory.
func (b *Builder) buildGo(ctx context.Context, g GoBuild, pins map[Module]string) (string, error) {
	k, err := b.goKey(ctx, g, pins)
	if err != nil {
		return "", err
	}
	out := b.binDir(g, k)
	bins := make([]string, 0, len(g.Packages))
	for _, n := range g.Binaries() {
		bins = append(bins, filepath.Join(out, n))
	}
	label := "go build " + g.Name
	err = b.step(ctx, label, func() bool { return exists(bins...) }, func(ctx context.Context, log io.Writer) error {
		tmp := out + ".tmp"
		os.RemoveAll(tmp)
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			return err
		}
		dir, mode := filepath.Join(b.Repo, "images", "modules", g.Wrapper), "-mod=readonly"
		switch {
		case g.Local != "":
			dir = b.Repo
		case g.Wrapper == "":
			var err error
			if dir, err = b.prepareSource(ctx, log, g, k, pins); err != nil {
				return err
			}
			mode = "-mod=mod"
		}
		args := []string{"build", "-trimpath", "-o", tmp + "/"}
		if len(g.Tags) > 0 {
			args = append(args, "-tags", strings.Join(g.Tags, ","))
		}
		args = append(args, "-ldflags", strings.TrimSpace("-s -w "+g.LDFlags))
		args = append(append(args, "--"), g.Packages...)
		if err := run(ctx, log, dir, goEnv(mode, g), "go", args...); err != nil {
			return err
		}
		for from, to := range g.Rename {
			if err := os.Rename(filepath.Join(tmp, from), filepath.Join(tmp, to)); err != nil {
				return err
			}
		}
		os.RemoveAll(out)
		return os.Rename(tmp, out)
	})
	return out, err
}

// buildAll builds each of builds and returns the path of every binary they make, by name.
func (b *Builder) buildAll(ctx context.Context, builds []GoBuild, pins map[Module]string) (map[string]string, error) {
	bins := map[string]string{}
	for _, g := range builds {
		dir, err := b.buildGo(ctx, g, pins)
		if err != nil {
			return nil, err
		}
		for _, bin := range g.Binaries() {
			bins[bin] = filepath.Join(dir, bin)
		}
	}
	return bins, nil
}

// goEnv is the go command's environment for a build: no workspace, the local toolchain only.
func goEnv(mode string, g GoBuild) []string {
	cgo := "0"
	if g.CGO {
		cgo = "1"
	}
	env := append(os.Environ(), "GOFLAGS="+mode, "GOWORK=off", "GOTOOLCHAIN=local", "CGO_ENABLED="+cgo, noSumDB, proxyOnly())
	return append(env, g.Env...)
}

// downloadEnv is the go command's environment for downloading source modules.
func downloadEnv() []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", noSumDB, proxyOnly())
}

// proxyOnly is the go command's GOPROXY without "direct": a module the proxy refuses must fail
// the build, never be fetched from its origin (builds reach the module proxy and nothing else).
// It runs `go env` once per process: every build and download asks for it.
var proxyOnly = sync.OnceValue(func() string {
	list := os.Getenv("GOPROXY")
	if list == "" {
		out, err := exec.Command("go", "env", "GOPROXY").Output()
		if err == nil {
			list = strings.TrimSpace(string(out))
		}
	}
	var kept []string
	for _, p := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '|' }) {
		if p != "direct" && p != "off" {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return "GOPROXY=off"
	}
	return "GOPROXY=" + strings.Join(kept, ",")
})

// noSumDB lists the module prefixes whose pinned versions the checksum database does not know:
// the calico monorepo's pseudo-versions, and cri-tools v1.34.0. Each is verified all the same,
// by images/sources.sum or by its wrapper module's go.sum; no other module skips the database.
const noSumDB = "GONOSUMDB=github.com/projectcalico,sigs.k8s.io/cri-tools"

// prepareSource downloads g.Source, checks its digest against the pinned one, copies it to a
// writable directory and applies the patches, overlays and replacements.
func (b *Builder) prepareSource(ctx context.Context, log io.Writer, g GoBuild, k Key, pins map[Module]string) (string, error) {
	fmt.Fprintf(log, "$ go mod download -json %s\n", g.Source)
	dir, err := b.sourceDir(ctx, g.Source, pins, goEnv("-mod=mod", g))
	if err != nil {
		return "", err
	}
	src := b.dir("src", slug(g.Name)+"-"+k.Short())
	os.RemoveAll(src)
	if err := copyTree(dir, src); err != nil {
		return "", fmt.Errorf("copy %s: %w", g.Source, err)
	}
	for _, p := range g.Patches {
		if err := run(ctx, log, src, nil, "patch", "-p1", "--forward", "-i", filepath.Join(b.Repo, "images", "patches", p)); err != nil {
			return "", fmt.Errorf("patch %s: %w", p, err)
		}
	}
	for _, dst := range sortedKeys(g.Overlays) {
		if err := copyTree(filepath.Join(b.Repo, "images", "stubs", g.Overlays[dst]), filepath.Join(src, dst)); err != nil {
			return "", fmt.Errorf("overlay %s: %w", dst, err)
		}
	}
	for _, m := range g.Verify {
		fmt.Fprintf(log, "$ go mod download -json %s\n", m)
		if _, err := b.sourceDir(ctx, m, pins, goEnv("-mod=mod", g)); err != nil {
			return "", err
		}
	}
	for _, r := range g.Replace {
		if err := run(ctx, log, src, goEnv("-mod=mod", g), "go", "mod", "edit", "-replace="+r); err != nil {
			return "", err
		}
	}
	return src, nil
}

// downloadVerified runs go mod download for m in dir and returns the module's directory if its
// digest is the pinned one.
func downloadVerified(ctx context.Context, dir string, m Module, pinned string, env []string) (string, error) {
	js, err := output(ctx, dir, env, "go", "mod", "download", "-json", m.String())
	var dl struct{ Dir, Sum, Error string }
	if jerr := json.Unmarshal([]byte(js), &dl); jerr == nil && dl.Error != "" {
		return "", fmt.Errorf("go mod download %s: %s", m, dl.Error)
	}
	if err != nil {
		return "", err
	}
	if dl.Sum != pinned {
		return "", fmt.Errorf("source %s: checksum %s, expected the pinned %s (images/sources.sum)", m, dl.Sum, pinned)
	}
	return dl.Dir, nil
}

// copyTree copies the regular files and directories under from to to, making them writable.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, info.Mode().Perm()|0o200)
	})
}

// treeDigest digests the names and contents of the files under dir.
func treeDigest(dir string) (string, error) {
	var parts []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		parts = append(parts, rel, string(data))
		return err
	})
	return string(keyOf(parts...)), err
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
