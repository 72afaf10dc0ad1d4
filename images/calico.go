package images

import "fmt"

// Calico v3.31.0 is served only as pseudo-versions of the calico monorepo (its v3 tags do not
// match its module path). Its nested modules api and lib/std are left out of the monorepo's zip,
// so calico's replace directives (=> ./api, => ./lib/std) are pointed at their own pinned
// pseudo-versions; the checksum database knows none of them, so each is checked against
// images/sources.sum instead (GONOSUMDB for github.com/projectcalico only).
var (
	calicoSource = Module{Path: "github.com/projectcalico/calico", Version: "v0.0.0-20251021213802-b1f3c43f8437"}
	calicoAPI    = Module{Path: "github.com/projectcalico/api", Version: "v0.0.0-20251022175904-f2ab03771208"}
	calicoStd    = Module{Path: "github.com/projectcalico/calico/lib/std", Version: calicoSource.Version}
)

const (
	calicoRelease = "v3.31.0"
	// calicoCommit is the commit of the pseudo-version: the tag of every image says it.
	calicoCommit = "b1f3c43f8437"
	calicoTag    = calicoRelease + "-" + calicoCommit
)

// The Calico images cnpc builds.
const (
	CalicoNodeImage        = "localhost/cnpc/calico-node:" + calicoTag
	CalicoCNIImage         = "localhost/cnpc/calico-cni:" + calicoTag
	CalicoControllersImage = "localhost/cnpc/calico-kube-controllers:" + calicoTag
)

// calicoRootfs adds runit, which calico-node's image uses to supervise its processes.
var calicoRootfs = Rootfs{Name: "calico", Suite: debianSuite, Packages: append(append([]string(nil), netRootfs.Packages...), "runit")}

var calicoBuild = GoBuild{
	Name:   "calico " + calicoRelease + " (" + calicoSource.Version + ")",
	Source: calicoSource,
	Packages: []string{
		"./node/cmd/calico-node", "./cni-plugin/cmd/calico", "./cni-plugin/cmd/install",
		"./kube-controllers/cmd/kube-controllers", "./kube-controllers/cmd/check-status", "./kube-controllers/cmd/wrapper",
	},
	Replace: []string{calicoAPI.Path + "=" + calicoAPI.String(), calicoStd.Path + "=" + calicoStd.String()},
	Verify:  []Module{calicoAPI, calicoStd},
	// lib/httpmachinery is imported only by a component cnpc does not build.
	Overlays: map[string]string{"lib/httpmachinery": "calico-httpmachinery"},
	LDFlags:  "-X github.com/projectcalico/calico/pkg/buildinfo.Version=" + calicoRelease + " -X github.com/projectcalico/calico/pkg/buildinfo.GitRevision=" + calicoCommit,
}

// Calico is Calico v3.31.0 with the Kubernetes datastore, VXLAN networking (no BIRD) and the
// iptables dataplane (felix), from the tree's own manifests/calico-vxlan.yaml. nft selects
// felix's nftables dataplane (FELIX_NFTABLESMODE=Enabled) instead.
func Calico(nft bool) Recipe {
	name := "calico"
	if nft {
		name = "calico-nft"
	}
	return Recipe{
		Name:    name,
		Version: calicoRelease + "@" + calicoSource.Version,
		Builds:  []GoBuild{calicoBuild},
		Images: []Image{{
			// What node/Dockerfile.amd64 does: calico-node, runit and the service scripts of
			// node/filesystem, started by start_runit.
			Name:     CalicoNodeImage,
			Rootfs:   &calicoRootfs,
			Binaries: map[string]string{"calico-node": "/usr/bin/calico-node"},
			SourceFiles: []SourceFile{
				{Module: calicoSource, From: "node/filesystem/sbin", To: "/usr/sbin/", Executable: []string{"*"}},
				{Module: calicoSource, From: "node/filesystem/etc", To: "/etc/", Executable: []string{"rc.local", "service/available/*/run", "service/available/*/log/run"}},
			},
			Dockerfile: []string{"ENV SVDIR=/etc/service/enabled", `CMD ["start_runit"]`},
		}, {
			// cni-plugin/Dockerfile: install copies everything else in /opt/cni/bin to the node;
			// calico-ipam is calico under another name.
			Name:       CalicoCNIImage,
			Binaries:   map[string]string{"install": "/opt/cni/bin/install", "calico": "/opt/cni/bin/calico"},
			Dockerfile: []string{"RUN ln -s calico /opt/cni/bin/calico-ipam", "ENV PATH=/opt/cni/bin:/usr/sbin:/usr/bin:/sbin:/bin", "WORKDIR /opt/cni/bin", `CMD ["/opt/cni/bin/install"]`},
		}, {
			// kube-controllers/Dockerfile: runs as uid 999, writes /status/status.json for
			// check-status, restarted in place by wrapper.
			Name:     CalicoControllersImage,
			Binaries: map[string]string{"kube-controllers": "/usr/bin/kube-controllers", "check-status": "/usr/bin/check-status", "wrapper": "/usr/bin/wrapper"},
			Dockerfile: []string{
				"RUN mkdir -p /status /profiles && touch /status/status.json && chown -R 999:0 /status /profiles",
				"USER 999", `ENTRYPOINT ["/usr/bin/wrapper", "/usr/bin/kube-controllers"]`,
			},
		}},
		Manifest: ManifestSource{
			Source: calicoSource,
			Path:   "manifests/calico-vxlan.yaml",
			Images: map[string]string{
				"quay.io/calico/node":             CalicoNodeImage,
				"quay.io/calico/cni":              CalicoCNIImage,
				"quay.io/calico/kube-controllers": CalicoControllersImage,
			},
			Edit: func(objs []map[string]any, podSubnet string) error {
				// felix is built without cgo, so with libbpf stubbed out (the tree has no libbpf
				// to link; cnpc runs no BPF dataplane). Outside BPF mode felix still removes a
				// BPF connect-time load balancer left by an earlier BPF run, through libbpf, and
				// the stub panics; there is none on a new cluster, and felix's own switch skips it.
				env := map[string]string{"CALICO_IPV4POOL_CIDR": podSubnet, "FELIX_DebugSkipCTLBCleanup": "true"}
				if nft {
					env["FELIX_NFTABLESMODE"] = "Enabled"
				}
				return setContainerEnv(objs, "DaemonSet", "calico-node", "calico-node", env)
			},
		},
	}
}

// setContainerEnv sets environment variables of one container of a workload, replacing any of
// the same name.
func setContainerEnv(objs []map[string]any, kind, name, container string, env map[string]string) error {
	ws := objectsOf(objs, kind, name)
	if len(ws) != 1 {
		return fmt.Errorf("found %d %s %s, expected 1", len(ws), kind, name)
	}
	spec, _ := ws[0]["spec"].(map[string]any)
	tmpl, _ := spec["template"].(map[string]any)
	pod, _ := tmpl["spec"].(map[string]any)
	ctrs, _ := pod["containers"].([]any)
	for _, c := range ctrs {
		ctr, _ := c.(map[string]any)
		if ctr["name"] != container {
			continue
		}
		list, _ := ctr["env"].([]any)
		kept := list[:0:0]
		for _, e := range list {
			if m, _ := e.(map[string]any); m == nil || env[fmt.Sprint(m["name"])] == "" {
				kept = append(kept, e)
			}
		}
		for _, k := range sortedKeys(env) {
			kept = append(kept, map[string]any{"name": k, "value": env[k]})
		}
		ctr["env"] = kept
		return nil
	}
	return fmt.Errorf("%s %s has no container %s", kind, name, container)
}
