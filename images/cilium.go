package images

// Cilium v1.20.2 from its module, built as the main module with two replacements: the
// pseudo-version of gobgp/v4 it pins is refused by the module proxy (v4.7.0 is served), and
// sigs.k8s.io/mcs-api/controllers v0.5.2 is refused; Cilium uses one constant of it, supplied
// by a stub module (stubs/cilium-mcs-api-controllers).
var ciliumSource = Module{Path: "github.com/cilium/cilium", Version: "v1.20.2"}

const ciliumVersion = "1.20.2"

// The Cilium images cnpc builds.
const (
	CiliumImage         = "localhost/cnpc/cilium:v" + ciliumVersion
	CiliumOperatorImage = "localhost/cnpc/cilium-operator-generic:v" + ciliumVersion
)

// ciliumRootfs adds what the agent execs at run time: clang (it compiles its BPF datapath when
// it starts; Debian's clang-19 is the version Cilium 1.20 pins), and bash and nsenter for the
// chart's init containers.
var ciliumRootfs = Rootfs{Name: "cilium", Suite: debianSuite, Packages: append(append([]string(nil), netRootfs.Packages...),
	"clang-19", "llvm-19", "bash", "util-linux")}

var ciliumReplace = []string{
	"github.com/osrg/gobgp/v4=github.com/osrg/gobgp/v4@v4.7.0",
	"sigs.k8s.io/mcs-api/controllers=./.cnpc/mcs-api-controllers",
}

var ciliumOverlays = map[string]string{".cnpc/mcs-api-controllers": "cilium-mcs-api-controllers"}

// ciliumLDFlags sets the version the agent reports, in the "version revision date" form that
// its version parser expects (with one field it reports "v-"): the module version stands for
// the revision, and the date is fixed so that builds are reproducible.
const ciliumLDFlags = "-X 'github.com/cilium/cilium/pkg/version.ciliumVersion=" + ciliumVersion + " v" + ciliumVersion + " 1970-01-01T00:00:00Z'"

// helmBuild is Helm, pinned by its wrapper module, which renders Cilium's chart offline.
var helmBuild = GoBuild{Name: "helm v3.22.0", Wrapper: "helm", Packages: []string{"helm.sh/helm/v3/cmd/helm"}}

// ciliumValues are the chart values for cnpc's kind cluster: kube-proxy kept, VXLAN tunnel, IPAM
// from each node's podCIDR, no Envoy and no Hubble, local images that are never pulled.
// CAP_SYS_RESOURCE is dropped from the agent and clean-cilium-state: containers on machines
// whose bounding set lacks it cannot start with it, and the agent needs it only to lift the
// memlock rlimit, which kernels with memcg accounting of BPF memory (5.11 and later) ignore.
const ciliumValues = `image:
  override: ` + CiliumImage + `
  pullPolicy: Never
operator:
  image:
    override: ` + CiliumOperatorImage + `
    pullPolicy: Never
  replicas: 1
hubble:
  enabled: false
l7Proxy: false
envoy:
  enabled: false
kubeProxyReplacement: "false"
routingMode: tunnel
tunnelProtocol: vxlan
ipam:
  mode: kubernetes
securityContext:
  capabilities:
    ciliumAgent: [CHOWN, KILL, NET_ADMIN, NET_RAW, IPC_LOCK, SYS_MODULE, SYS_ADMIN, DAC_OVERRIDE, FOWNER, SETGID, SETUID, SYSLOG]
    cleanCiliumState: [NET_ADMIN, SYS_MODULE, SYS_ADMIN]
`

// Cilium is Cilium v1.20.2 with its eBPF datapath, the agent and cilium-operator-generic, from
// the chart in the module (install/kubernetes/cilium) rendered by Helm.
func Cilium() Recipe {
	return Recipe{
		Name:    "cilium",
		Version: "v" + ciliumVersion,
		Builds: []GoBuild{{
			Name:     "cilium v" + ciliumVersion,
			Source:   ciliumSource,
			Packages: []string{"./daemon", "./cilium-dbg", "./cilium-health", "./cilium-health/responder", "./plugins/cilium-cni", "./tools/mount", "./tools/sysctlfix"},
			Rename: map[string]string{"daemon": "cilium-agent", "responder": "cilium-health-responder",
				"mount": "cilium-mount", "sysctlfix": "cilium-sysctlfix"},
			Tags:     []string{"osusergo"},
			LDFlags:  ciliumLDFlags,
			Replace:  ciliumReplace,
			Overlays: ciliumOverlays,
		}, {
			Name:     "cilium-operator-generic v" + ciliumVersion,
			Source:   ciliumSource,
			Packages: []string{"./operator"},
			Rename:   map[string]string{"operator": "cilium-operator-generic"},
			Tags:     []string{"osusergo", "ipam_provider_operator"},
			LDFlags:  ciliumLDFlags,
			Replace:  ciliumReplace,
			Overlays: ciliumOverlays,
		}},
		Images: []Image{{
			// images/cilium/Dockerfile's layout: binaries in /usr/bin, the CNI plugin in
			// /opt/cni/bin, the BPF sources (writable: the agent writes headers there) in
			// /var/lib/cilium/bpf, and the chart's init scripts at /.
			Name:   CiliumImage,
			Rootfs: &ciliumRootfs,
			Binaries: map[string]string{
				"cilium-agent": "/usr/bin/cilium-agent", "cilium-dbg": "/usr/bin/cilium-dbg", "cilium-health": "/usr/bin/cilium-health",
				"cilium-health-responder": "/usr/bin/cilium-health-responder", "cilium-mount": "/usr/bin/cilium-mount",
				"cilium-sysctlfix": "/usr/bin/cilium-sysctlfix", "cilium-cni": "/opt/cni/bin/cilium-cni",
			},
			SourceFiles: []SourceFile{
				{Module: ciliumSource, From: "bpf", To: "/var/lib/cilium/bpf/"},
				{Module: ciliumSource, From: "images/cilium/init-container.sh", To: "/", Executable: []string{"*"}},
				{Module: ciliumSource, From: "plugins/cilium-cni/install-plugin.sh", To: "/", Executable: []string{"*"}},
				{Module: ciliumSource, From: "plugins/cilium-cni/cni-uninstall.sh", To: "/", Executable: []string{"*"}},
			},
			IptablesWrapper: true,
			Dockerfile: []string{
				"RUN ln -s /usr/lib/llvm-19/bin/clang /usr/local/bin/clang && ln -s /usr/lib/llvm-19/bin/llc /usr/local/bin/llc && ln -s cilium-dbg /usr/bin/cilium && mkdir -p /home/cilium",
				"WORKDIR /home/cilium",
				`CMD ["/usr/bin/cilium-dbg"]`,
			},
		}, {
			Name:     CiliumOperatorImage,
			Binaries: map[string]string{"cilium-operator-generic": "/usr/bin/cilium-operator-generic"},
		}},
		Manifest: ManifestSource{
			Source: ciliumSource,
			Chart:  &Chart{Dir: "install/kubernetes/cilium", Release: "cilium", Namespace: "kube-system", Values: ciliumValues, KubeVersion: KubernetesVersion},
			Images: map[string]string{"localhost/cnpc/cilium": CiliumImage, "localhost/cnpc/cilium-operator-generic": CiliumOperatorImage},
		},
	}
}
