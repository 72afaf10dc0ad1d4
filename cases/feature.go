package cases

import (
	"fmt"
	"sort"
)

// Feature is a tag from a fixed vocabulary. Reports group results by feature, and suites use
// features as Ginkgo labels (--label-filter). cases/README.md documents each one.
type Feature string

// The vocabulary. Add a feature here and in cases/README.md together.
const (
	FeatureIngress           Feature = "ingress"
	FeatureEgress            Feature = "egress"
	FeatureDenyAll           Feature = "deny-all"
	FeatureAllowAll          Feature = "allow-all"
	FeaturePolicyTypes       Feature = "policy-types"
	FeaturePodSelector       Feature = "pod-selector"
	FeatureNamespaceSelector Feature = "namespace-selector"
	FeaturePodAndNamespace   Feature = "pod-and-namespace-selector"
	FeatureMatchExpressions  Feature = "match-expressions"
	FeatureMultiplePeers     Feature = "multiple-peers"
	FeatureMultiplePolicies  Feature = "multiple-policies"
	FeatureIPBlock           Feature = "ip-block"
	FeatureIPBlockExcept     Feature = "ip-block-except"
	FeatureExternal          Feature = "external"
	FeatureNumericPort       Feature = "numeric-port"
	FeatureNamedPort         Feature = "named-port"
	FeatureEndPort           Feature = "end-port"
	FeatureProtocolOnly      Feature = "protocol-only"
	FeatureTCP               Feature = "tcp"
	FeatureUDP               Feature = "udp"
	FeatureSCTP              Feature = "sctp"
	FeatureLabelChange       Feature = "label-change"
	FeaturePolicyUpdate      Feature = "policy-update"
	FeaturePolicyDelete      Feature = "policy-delete"
	FeatureTopologyChange    Feature = "topology-change"
	FeatureIPv6              Feature = "ipv6"
	FeatureUpstream          Feature = "upstream"
	FeatureGenerated         Feature = "generated"
)

// Features lists the vocabulary in the order reports show it.
var Features = []Feature{
	FeatureIngress, FeatureEgress, FeatureDenyAll, FeatureAllowAll, FeaturePolicyTypes,
	FeaturePodSelector, FeatureNamespaceSelector, FeaturePodAndNamespace, FeatureMatchExpressions,
	FeatureMultiplePeers, FeatureMultiplePolicies, FeatureIPBlock, FeatureIPBlockExcept, FeatureExternal,
	FeatureNumericPort, FeatureNamedPort, FeatureEndPort, FeatureProtocolOnly,
	FeatureTCP, FeatureUDP, FeatureSCTP,
	FeatureLabelChange, FeaturePolicyUpdate, FeaturePolicyDelete, FeatureTopologyChange,
	FeatureIPv6, FeatureUpstream, FeatureGenerated,
}

// ParseFeature returns the feature named s, or an error listing the vocabulary.
func ParseFeature(s string) (Feature, error) {
	for _, f := range Features {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Features))
	for i, f := range Features {
		names[i] = string(f)
	}
	sort.Strings(names)
	return "", fmt.Errorf("unknown feature %q, expected one of %v", s, names)
}
