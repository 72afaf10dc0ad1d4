package cases

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ipBlockCase is a case with pods x/a and x/b, an external host and one egress ipBlock peer whose
// cidr and except are given, on line 15; the cidr value starts at column 61.
func ipBlockCase(cidr string, except ...string) string {
	spec := "egress: [{to: [{ipBlock: {cidr: '" + cidr + "'"
	if len(except) > 0 {
		spec += ", except: ['" + strings.Join(except, "', '") + "']"
	}
	spec += "}}]}]"
	return strings.Join([]string{
		"name: t",                   // 1
		"features: [egress]",        // 2
		"topology:",                 // 3
		"  namespaces: [{name: x}]", // 4
		"  pods:",                   // 5
		"  - {namespace: x, name: a, ip: 10.0.0.1}",  // 6
		"  - {namespace: x, name: b, ip: 'fd00::b'}", // 7
		"  externals: [{name: ext, ip: 192.0.2.1}]",  // 8
		"steps:",                                    // 9
		"- name: s",                                 // 10
		"  apply:",                                  // 11
		"  - apiVersion: networking.k8s.io/v1",      // 12
		"    kind: NetworkPolicy",                   // 13
		"    metadata: {name: p, namespace: x}",     // 14
		"    spec: {podSelector: {}, " + spec + "}", // 15
	}, "\n") + "\n"
}

func TestPlaceholdersOnLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		file       string
		wantCIDR   string
		wantExcept []string
		wantErr    string
	}{
		{name: "pod with prefix", file: ipBlockCase("${x/a}/24"), wantCIDR: "10.0.0.1/24"},
		{name: "pod alone is /32", file: ipBlockCase("10.0.0.0/8", "${x/a}"), wantCIDR: "10.0.0.0/8", wantExcept: []string{"10.0.0.1/32"}},
		{name: "IPv6 pod alone is /128", file: ipBlockCase("${x/b}"), wantCIDR: "fd00::b/128"},
		{name: "external", file: ipBlockCase("${ext}/32"), wantCIDR: "192.0.2.1/32"},
		{name: "no placeholder", file: ipBlockCase("0.0.0.0/0"), wantCIDR: "0.0.0.0/0"},
		{
			name:    "unknown peer",
			file:    ipBlockCase("${x/q}/32"),
			wantErr: "t.yaml:15:61: steps[0].apply[0].spec.egress[0].to[0].ipBlock.cidr: found placeholder ${x/q}, expected ${namespace/pod} or ${external} of a peer that exists at this step",
		},
		{
			name:    "unterminated",
			file:    ipBlockCase("10.0.0.0/8", "${x/a/32"),
			wantErr: `t.yaml:15:84: steps[0].apply[0].spec.egress[0].to[0].ipBlock.except[0]: found an unterminated placeholder in "${x/a/32", expected ${peer}`,
		},
		{
			name:    "resolved except outside its cidr",
			file:    ipBlockCase("10.1.0.0/16", "${x/a}/32"),
			wantErr: "t.yaml:15:85: steps[0].apply[0].spec.egress[0].to[0].ipBlock.except[0]: 10.0.0.1/32 is not inside cidr 10.1.0.0/16",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load("t.yaml", []byte(tt.file))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("Load error:\n%v\nwant:\n%s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			b := c.Steps[0].Apply[0].Spec.Egress[0].To[0].IPBlock
			if b.CIDR != tt.wantCIDR {
				t.Errorf("cidr = %q, want %q", b.CIDR, tt.wantCIDR)
			}
			if diff := cmp.Diff(tt.wantExcept, b.Except, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("except (-want +got):\n%s", diff)
			}
			wantTemplates := strings.Contains(tt.file, "${")
			if got := c.Steps[0].Templates != nil; got != wantTemplates {
				t.Errorf("Templates kept = %v, want %v", got, wantTemplates)
			}
		})
	}
}

// TestPlaceholderFollowsTopologyChanges: a placeholder resolves against the pods of its own step.
func TestPlaceholderFollowsTopologyChanges(t *testing.T) {
	t.Parallel()
	file := ipBlockCase("${x/a}/32") + strings.Join([]string{
		"- name: x/a goes",                      // 16
		"  deletePods: [x/a]",                   // 17
		"- name: policy names x/a",              // 18
		"  apply:",                              // 19
		"  - apiVersion: networking.k8s.io/v1",  // 20
		"    kind: NetworkPolicy",               // 21
		"    metadata: {name: p, namespace: x}", // 22
		"    spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: '${x/a}/32'}}]}]}", // 23
	}, "\n") + "\n"
	_, err := Load("t.yaml", []byte(file))
	want := "t.yaml:23:61: steps[2].apply[0].spec.egress[0].to[0].ipBlock.cidr: found placeholder ${x/a}, expected ${namespace/pod} or ${external} of a peer that exists at this step"
	if err == nil || err.Error() != want {
		t.Errorf("Load error:\n%v\nwant:\n%s", err, want)
	}
}

func TestBind(t *testing.T) {
	t.Parallel()
	c, err := LoadFile("testdata/good.yaml")
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	before := c.Clone()
	real := map[PeerKey]string{"x/a": "172.18.0.5", "y/b": "172.18.0.6", "z/c": "172.18.0.7", "backup": "198.51.100.1"}

	// The cidr of step 1 is 10.244.0.0/16, which no longer holds x/a: the bound case is invalid.
	_, err = c.Bind(real)
	want := "testdata/good.yaml: steps[1].apply[0].spec.ingress[0].from[0].ipBlock.except[0]: 172.18.0.5/32 is not inside cidr 10.244.0.0/16"
	if err == nil || err.Error() != want {
		t.Errorf("Bind error:\n%v\nwant:\n%s", err, want)
	}

	c.Steps[1].Templates[0].Spec.Ingress[0].From[0].IPBlock.CIDR = "172.16.0.0/12"
	bound, err := c.Bind(real)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	if got := bound.Steps[0].Apply[0].Spec.Egress[0].To[0].IPBlock.CIDR; got != "198.51.100.1/32" {
		t.Errorf("step 0 cidr = %q, want 198.51.100.1/32", got)
	}
	if got := bound.Steps[1].Apply[0].Spec.Ingress[0].From[0].IPBlock.Except; !cmp.Equal(got, []string{"172.18.0.5/32"}) {
		t.Errorf("step 1 except = %q, want [172.18.0.5/32]", got)
	}
	var ips []string
	for _, p := range bound.Topology.Pods {
		ips = append(ips, p.IP)
	}
	ips = append(ips, bound.Topology.Externals[0].IP, bound.Steps[2].AddPods[0].IP)
	if diff := cmp.Diff([]string{"172.18.0.5", "172.18.0.6", "198.51.100.1", "172.18.0.7"}, ips); diff != "" {
		t.Errorf("bound IPs (-want +got):\n%s", diff)
	}
	c.Steps[1].Templates[0].Spec.Ingress[0].From[0].IPBlock.CIDR = "10.244.0.0/16"
	if diff := cmp.Diff(before, c); diff != "" {
		t.Errorf("Bind changed the case (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(c.Steps[0].Templates, bound.Steps[0].Templates); diff != "" {
		t.Errorf("Bind changed the templates (-case +bound):\n%s", diff)
	}
}

func TestBindErrors(t *testing.T) {
	t.Parallel()
	c := &Case{Name: "std", Features: []Feature{FeatureIngress}, Steps: []Step{{Name: "nothing"}}}
	ips := map[PeerKey]string{}
	for _, k := range Standard().Peers() {
		ips[k] = "10.9.0." + string(rune('1'+len(ips)))
	}
	bound, err := c.Bind(ips)
	if err != nil {
		t.Fatalf("Bind of the standard topology: %v", err)
	}
	if bound.Topology == nil || bound.Topology.Pods[8].IP != "10.9.0.9" || c.Topology != nil {
		t.Errorf("Bind did not materialize the standard topology with the given IPs: %+v", bound.Topology)
	}
	delete(ips, "y/b")
	ips["z/c"] = "not-an-ip"
	_, err = c.Bind(ips)
	want := "topology.pods[4].ip: found no IP for y/b, expected one for every pod and external host\n" +
		`topology.pods[8].ip: found "not-an-ip", expected an IPv4 or IPv6 address such as 10.244.1.10 or fd00::10`
	if err == nil || err.Error() != want {
		t.Errorf("Bind error:\n%v\nwant:\n%s", err, want)
	}
}
