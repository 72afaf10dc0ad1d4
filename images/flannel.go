package images

import (
	"encoding/json"
	"fmt"
)

var (
	flannelSource = Module{Path: "github.com/flannel-io/flannel", Version: "v0.28.10"}
	// The flannel CNI plugin moved to a module the proxy does not serve; containernetworking's
	// plugins v0.9.1 still has plugins/meta/flannel. It speaks CNI spec 0.4.0 at most.
	flannelPluginSource = Module{Path: "github.com/containernetworking/plugins", Version: "v0.9.1"}
)

// flannelCNIVersion is the newest CNI spec version the v0.9.1 flannel plugin accepts.
const flannelCNIVersion = "0.4.0"

// The flannel images cnpc builds. The tag says the source was patched.
const (
	FlannelImage       = "localhost/cnpc/flannel:v0.28.10-patched"
	FlannelPluginImage = "localhost/cnpc/flannel-cni-plugin:v0.9.1"
)

// Flannel is flannel v0.28.10 (VXLAN), which implements no NetworkPolicy: the negative control.
// flanneld is built with cgo (its UDP backend needs it) and linked statically, after
// patches/flannel-v0.28.10-no-tencentvpc.patch drops a backend whose dependency the module
// proxy refuses. The manifest is the module's Documentation/kube-flannel.yml.
func Flannel() Recipe {
	return Recipe{
		Name:    "flannel",
		Version: flannelSource.Version + "-patched",
		Builds: []GoBuild{{
			Name:     "flannel " + flannelSource.Version,
			Source:   flannelSource,
			Patches:  []string{"flannel-v0.28.10-no-tencentvpc.patch"},
			Packages: []string{".", "./cmd/install_conf"},
			Rename:   map[string]string{"flannel": "flanneld", "install_conf": "install-conf"},
			CGO:      true,
			LDFlags:  "-X github.com/flannel-io/flannel/pkg/version.Version=" + flannelSource.Version + " -extldflags=-static",
		}, {
			Name:     "flannel cni plugin " + flannelPluginSource.Version,
			Source:   flannelPluginSource,
			Packages: []string{"./plugins/meta/flannel"},
		}},
		Images: []Image{{
			Name:            FlannelImage,
			Binaries:        map[string]string{"flanneld": "/opt/bin/flanneld", "install-conf": "/opt/bin/install-conf"},
			IptablesWrapper: true,
			Dockerfile:      []string{`ENTRYPOINT ["/opt/bin/flanneld"]`},
		}, {
			Name:     FlannelPluginImage,
			Binaries: map[string]string{"flannel": "/flannel"},
		}},
		Manifest: ManifestSource{
			Source: flannelSource,
			Path:   "Documentation/kube-flannel.yml",
			Images: map[string]string{
				"ghcr.io/flannel-io/flannel":            FlannelImage,
				"ghcr.io/flannel-io/flannel-cni-plugin": FlannelPluginImage,
			},
			Edit: editFlannel,
		},
	}
}

// editFlannel sets the CNI config's version to one the plugin speaks, and flannel's network to
// the cluster's pod subnet.
func editFlannel(objs []map[string]any, podSubnet string) error {
	cms := objectsOf(objs, "ConfigMap", "kube-flannel-cfg")
	if len(cms) != 1 {
		return fmt.Errorf("flannel manifest: found %d ConfigMaps kube-flannel-cfg, expected 1", len(cms))
	}
	data, _ := cms[0]["data"].(map[string]any)
	for key, set := range map[string]func(map[string]any){
		"cni-conf.json": func(c map[string]any) { c["cniVersion"] = flannelCNIVersion },
		"net-conf.json": func(c map[string]any) { c["Network"] = podSubnet },
	} {
		text, _ := data[key].(string)
		var conf map[string]any
		if err := json.Unmarshal([]byte(text), &conf); err != nil {
			return fmt.Errorf("flannel manifest: ConfigMap kube-flannel-cfg %s: %w", key, err)
		}
		set(conf)
		out, err := json.MarshalIndent(conf, "", "  ")
		if err != nil {
			return err
		}
		data[key] = string(out) + "\n"
	}
	return nil
}
