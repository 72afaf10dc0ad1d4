package images

var kubeRouterSource = Module{Path: "github.com/cloudnativelabs/kube-router", Version: "v1.3.2"}

// KubeRouterImage is the kube-router image cnpc builds.
const KubeRouterImage = "localhost/cnpc/kube-router:v1.3.2"

// KubeRouter is kube-router v1.3.2 (the newest release the module proxy serves; v2 has reported
// security flaws there) built from its module, with its kubeadm manifest
// (daemonset/kubeadm-kuberouter.yaml): routing between nodes and NetworkPolicy with iptables and
// ipset, kube-proxy left in place.
func KubeRouter() Recipe {
	return Recipe{
		Name:    "kube-router",
		Version: kubeRouterSource.Version,
		Builds: []GoBuild{{
			Name:     "kube-router " + kubeRouterSource.Version,
			Source:   kubeRouterSource,
			Packages: []string{"./cmd/kube-router"},
			LDFlags:  "-X github.com/cloudnativelabs/kube-router/pkg/version.Version=" + kubeRouterSource.Version,
		}},
		Images: []Image{{
			Name:            KubeRouterImage,
			Binaries:        map[string]string{"kube-router": "/usr/local/bin/kube-router"},
			IptablesWrapper: true,
			Dockerfile:      []string{`ENTRYPOINT ["/usr/local/bin/kube-router"]`},
		}},
		Manifest: ManifestSource{
			Source: kubeRouterSource,
			Path:   "daemonset/kubeadm-kuberouter.yaml",
			Images: map[string]string{"docker.io/cloudnativelabs/kube-router": KubeRouterImage},
		},
	}
}
