package cases

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// policyCase is a valid case whose only policy has the given spec lines, each indented by six
// spaces. The first spec line is line 15, column 7 of the file.
func policyCase(metadata string, spec ...string) string {
	return strings.Join([]string{
		"name: t",                   // 1
		"features: [ingress]",       // 2
		"topology:",                 // 3
		"  namespaces: [{name: x}]", // 4
		"  pods:",                   // 5
		"  - {namespace: x, name: a, ip: 10.0.0.1}", // 6
		"  externals: [{name: ext, ip: 192.0.2.1}]", // 7
		"steps:",                               // 8
		"- name: s",                            // 9
		"  apply:",                             // 10
		"  - apiVersion: networking.k8s.io/v1", // 11
		"    kind: NetworkPolicy",              // 12
		"    metadata: " + metadata,            // 13
		"    spec:",                            // 14
		"      " + strings.Join(spec, "\n      "), // 15...
	}, "\n") + "\n"
}

const okMeta = "{name: p, namespace: x}"

// TestValidatePolicyRules checks each API-server rule with the exact message, line and column.
func TestValidatePolicyRules(t *testing.T) {
	t.Parallel()
	const s = "t.yaml:"
	tests := []struct {
		name string
		file string
		want []string
	}{
		{
			name: "valid policy",
			file: policyCase(okMeta, "podSelector: {}", "ingress: [{from: [{podSelector: {}}], ports: [{port: 80, endPort: 90}]}]"),
		},
		{
			name: "apiVersion and kind",
			file: strings.Replace(strings.Replace(policyCase(okMeta, "podSelector: {}"), "networking.k8s.io/v1", "v1", 1), "kind: NetworkPolicy", "kind: Policy", 1),
			want: []string{
				s + `11:17: steps[0].apply[0].apiVersion: found "v1", expected networking.k8s.io/v1`,
				s + `12:11: steps[0].apply[0].kind: found "Policy", expected NetworkPolicy`,
			},
		},
		{
			name: "namespace missing",
			file: policyCase("{name: p}", "podSelector: {}"),
			want: []string{s + `13:15: steps[0].apply[0].metadata.namespace: missing, expected one of the topology's namespaces`},
		},
		{
			name: "namespace not in topology",
			file: policyCase("{name: p, namespace: y}", "podSelector: {}"),
			want: []string{s + `13:36: steps[0].apply[0].metadata.namespace: found "y", expected a namespace that exists at this step`},
		},
		{
			name: "name missing",
			file: policyCase("{namespace: x}", "podSelector: {}"),
			want: []string{s + `13:15: steps[0].apply[0].metadata.name: missing, expected the policy's name`},
		},
		{
			name: "name not a DNS-1123 subdomain",
			file: policyCase("{name: Deny_All, namespace: x}", "podSelector: {}"),
			want: []string{s + `13:22: steps[0].apply[0].metadata.name: found "Deny_All": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
		},
		{
			name: "matchLabels value",
			file: policyCase(okMeta, "podSelector: {matchLabels: {pod: -a}}"),
			want: []string{s + `15:40: steps[0].apply[0].spec.podSelector.matchLabels[pod]: found label value "-a": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`},
		},
		{
			name: "In without values",
			file: policyCase(okMeta, "podSelector: {matchExpressions: [{key: pod, operator: In}]}"),
			want: []string{s + `15:40: steps[0].apply[0].spec.podSelector.matchExpressions[0].values: found no values, expected at least one with operator In`},
		},
		{
			name: "Exists with values",
			file: policyCase(okMeta, "podSelector: {matchExpressions: [{key: pod, operator: Exists, values: [a]}]}"),
			want: []string{s + `15:77: steps[0].apply[0].spec.podSelector.matchExpressions[0].values: found 1 values, expected none with operator Exists`},
		},
		{
			name: "unknown operator",
			file: policyCase(okMeta, "podSelector: {matchExpressions: [{key: pod, operator: Equals, values: [a]}]}"),
			want: []string{s + `15:61: steps[0].apply[0].spec.podSelector.matchExpressions[0].operator: found "Equals", expected In, NotIn, Exists or DoesNotExist`},
		},
		{
			name: "bad expression key",
			file: policyCase(okMeta, "podSelector: {matchExpressions: [{key: a/b/c, operator: Exists}]}"),
			want: []string{s + `15:46: steps[0].apply[0].spec.podSelector.matchExpressions[0].key: found label key "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`},
		},
		{
			name: "port zero",
			file: policyCase(okMeta, "podSelector: {}", "ingress: [{ports: [{port: 0}]}]"),
			want: []string{s + `16:33: steps[0].apply[0].spec.ingress[0].ports[0].port: found 0: must be between 1 and 65535, inclusive`},
		},
		{
			name: "port name too long and numeric string",
			file: policyCase(okMeta, "podSelector: {}", `egress: [{ports: [{port: serve-80-tcp-long}, {port: "80"}]}]`),
			want: []string{
				s + `16:32: steps[0].apply[0].spec.egress[0].ports[0].port: found "serve-80-tcp-long": must be no more than 15 characters`,
				s + `16:59: steps[0].apply[0].spec.egress[0].ports[1].port: found "80": must contain at least one letter (a-z)`,
			},
		},
		{
			name: "endPort with a named port",
			file: policyCase(okMeta, "podSelector: {}", "ingress: [{ports: [{port: http, endPort: 90}]}]"),
			want: []string{s + `16:48: steps[0].apply[0].spec.ingress[0].ports[0].endPort: found endPort 90 with the named port "http", expected a numeric port beside it`},
		},
		{
			name: "endPort without port",
			file: policyCase(okMeta, "podSelector: {}", "ingress: [{ports: [{endPort: 90}]}]"),
			want: []string{s + `16:36: steps[0].apply[0].spec.ingress[0].ports[0].endPort: found endPort 90 without port, expected a numeric port beside it`},
		},
		{
			name: "endPort below port and above 65535",
			file: policyCase(okMeta, "podSelector: {}", "ingress: [{ports: [{port: 90, endPort: 80}, {port: 90, endPort: 65536}]}]"),
			want: []string{
				s + `16:46: steps[0].apply[0].spec.ingress[0].ports[0].endPort: found 80, expected at least port 90`,
				s + `16:71: steps[0].apply[0].spec.ingress[0].ports[1].endPort: found 65536: must be between 1 and 65535, inclusive`,
			},
		},
		{
			name: "protocol",
			file: policyCase(okMeta, "podSelector: {}", "ingress: [{ports: [{protocol: ICMP}]}]"),
			want: []string{s + `16:37: steps[0].apply[0].spec.ingress[0].ports[0].protocol: found "ICMP", expected TCP, UDP or SCTP`},
		},
		{
			name: "empty peer",
			file: policyCase(okMeta, "podSelector: {}", "ingress: [{from: [{}]}]"),
			want: []string{s + `16:25: steps[0].apply[0].spec.ingress[0].from[0]: found an empty peer, expected podSelector, namespaceSelector or ipBlock`},
		},
		{
			name: "ipBlock with a selector",
			file: policyCase(okMeta, "podSelector: {}", "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]"),
			want: []string{s + `16:32: steps[0].apply[0].spec.egress[0].to[0].ipBlock: found ipBlock with a pod or namespace selector in one peer, expected ipBlock alone`},
		},
		{
			name: "cidr missing and invalid",
			file: policyCase(okMeta, "podSelector: {}", "egress: [{to: [{ipBlock: {except: [10.0.0.0/24]}}, {ipBlock: {cidr: 10.0.0.0/33}}]}]"),
			want: []string{
				s + `16:32: steps[0].apply[0].spec.egress[0].to[0].ipBlock.cidr: missing, expected a CIDR such as 10.0.0.0/24`,
				s + `16:75: steps[0].apply[0].spec.egress[0].to[1].ipBlock.cidr: found "10.0.0.0/33", expected a CIDR such as 10.0.0.0/24 or fd00::/64`,
			},
		},
		{
			name: "except outside, equal to, and not a CIDR",
			file: policyCase(okMeta, "podSelector: {}", "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.1.0.0/16, 10.0.0.0/24, 10.0.0.5]}}]}]"),
			want: []string{
				s + `16:61: steps[0].apply[0].spec.egress[0].to[0].ipBlock.except[0]: 10.1.0.0/16 is not inside cidr 10.0.0.0/24`,
				s + `16:74: steps[0].apply[0].spec.egress[0].to[0].ipBlock.except[1]: 10.0.0.0/24 is not strictly inside cidr 10.0.0.0/24, expected a prefix longer than /24`,
				s + `16:87: steps[0].apply[0].spec.egress[0].to[0].ipBlock.except[2]: found "10.0.0.5", expected a CIDR such as 10.0.0.0/24 or fd00::/64`,
			},
		},
		{
			name: "except of the other family",
			file: policyCase(okMeta, "podSelector: {}", "egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: ['fd00::/64']}}]}]"),
			want: []string{s + `16:60: steps[0].apply[0].spec.egress[0].to[0].ipBlock.except[0]: fd00::/64 is not inside cidr 10.0.0.0/8`},
		},
		{
			name: "cidr with host bits is accepted, as by the API server",
			file: policyCase(okMeta, "podSelector: {}", "egress: [{to: [{ipBlock: {cidr: 10.0.0.1/24, except: [10.0.0.1/32]}}]}]"),
		},
		{
			name: "policyTypes",
			file: policyCase(okMeta, "podSelector: {}", "policyTypes: [Ingress, Egres]"),
			want: []string{s + `16:30: steps[0].apply[0].spec.policyTypes[1]: found "Egres", expected Ingress or Egress`},
		},
		{
			name: "three policyTypes",
			file: policyCase(okMeta, "podSelector: {}", "policyTypes: [Ingress, Egress, Ingress]"),
			want: []string{s + `16:20: steps[0].apply[0].spec.policyTypes: found 3 policy types, expected at most two`},
		},
		{
			name: "a repeated policy type is accepted, as by the API server",
			file: policyCase(okMeta, "podSelector: {}", "policyTypes: [Ingress, Ingress]"),
		},
		{
			name: "errors everywhere are all reported, in order",
			file: policyCase("{name: p, namespace: x, labels: {a: -}}", "podSelector: {matchLabels: {pod: -a}}", "ingress: [{ports: [{port: 0}]}]"),
			want: []string{
				s + `13:47: steps[0].apply[0].metadata.labels: found "-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
				s + `15:40: steps[0].apply[0].spec.podSelector.matchLabels[pod]: found label value "-a": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
				s + `16:33: steps[0].apply[0].spec.ingress[0].ports[0].port: found 0: must be between 1 and 65535, inclusive`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load("t.yaml", []byte(tt.file))
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load errors (-want +got):\n%s\nfile:\n%s", diff, tt.file)
			}
		})
	}
}
