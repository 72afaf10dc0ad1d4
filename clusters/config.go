package clusters

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
)

// KindConfig returns the kind cluster configuration (v1alpha4 YAML) for defaulted options o and
// profile p. It is exactly what Create hands to kind, so tests can check it as text.
func KindConfig(o Options, p Profile) ([]byte, error) {
	cfg := v1alpha4.Cluster{
		TypeMeta: v1alpha4.TypeMeta{Kind: "Cluster", APIVersion: "kind.x-k8s.io/v1alpha4"},
		Networking: v1alpha4.Networking{
			IPFamily:          v1alpha4.ClusterIPFamily(o.IPFamily),
			DisableDefaultCNI: p.DisableDefaultCNI,
			KubeProxyMode:     v1alpha4.ProxyMode(p.KubeProxyMode),
		},
	}
	// Subnets in the profile are IPv4; for other families kind's defaults apply.
	if o.IPFamily == IPv4 {
		cfg.Networking.PodSubnet = p.PodSubnet
		cfg.Networking.ServiceSubnet = p.ServiceSubnet
	}
	for _, kp := range p.KubeadmPatchesJSON6902 {
		cfg.KubeadmConfigPatchesJSON6902 = append(cfg.KubeadmConfigPatchesJSON6902, v1alpha4.PatchJSON6902{
			Group: kp.Group, Version: kp.Version, Kind: kp.Kind, Patch: kp.Patch,
		})
	}
	for i := 0; i < o.ControlPlanes; i++ {
		cfg.Nodes = append(cfg.Nodes, v1alpha4.Node{Role: v1alpha4.ControlPlaneRole})
	}
	for i := 0; i < o.Workers; i++ {
		cfg.Nodes = append(cfg.Nodes, v1alpha4.Node{Role: v1alpha4.WorkerRole})
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&cfg); err != nil {
		return nil, fmt.Errorf("render kind config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("render kind config: %w", err)
	}
	return b.Bytes(), nil
}

// nodeImage is the node image the cluster uses: the override, else the profile's, else kind's.
func nodeImage(o Options, p Profile) string {
	if o.NodeImage != "" {
		return o.NodeImage
	}
	return p.NodeImage
}
