package cases

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func numPort(n int32) *intstr.IntOrString {
	v := intstr.FromInt32(n)
	return &v
}

func namedPort(s string) *intstr.IntOrString {
	v := intstr.FromString(s)
	return &v
}

var policyTypeMeta = metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"}

// goodCase is what testdata/good.yaml must load into, written by hand.
func goodCase() *Case {
	tcp, udp := corev1.ProtocolTCP, corev1.ProtocolUDP
	egressTemplate := networkingv1.NetworkPolicy{
		TypeMeta:   policyTypeMeta,
		ObjectMeta: metav1.ObjectMeta{Name: "a-egress", Namespace: "x"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"pod": "a"}},
			Egress: []networkingv1.NetworkPolicyEgressRule{{
				To:    []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "${backup}/32"}}},
				Ports: []networkingv1.NetworkPolicyPort{{Port: numPort(80)}},
			}},
		},
	}
	egress := *egressTemplate.DeepCopy()
	egress.Spec.Egress[0].To[0].IPBlock.CIDR = "192.0.2.10/32"
	egress.Spec.Egress[0].Ports[0].Protocol = &tcp
	egress.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}

	ingressTemplate := networkingv1.NetworkPolicy{
		TypeMeta:   policyTypeMeta,
		ObjectMeta: metav1.ObjectMeta{Name: "b-ingress", Namespace: "y"},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "pod", Operator: metav1.LabelSelectorOpIn, Values: []string{"b"}},
			}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{
					{IPBlock: &networkingv1.IPBlock{CIDR: "10.244.0.0/16", Except: []string{"${x/a}"}}},
					{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"ns": "x"}}, PodSelector: &metav1.LabelSelector{}},
				},
				Ports: []networkingv1.NetworkPolicyPort{
					{Port: namedPort("serve-80-tcp"), Protocol: &tcp},
					{Port: numPort(50), EndPort: ptrInt32(60), Protocol: &udp},
				},
			}},
		},
	}
	ingress := *ingressTemplate.DeepCopy()
	ingress.Spec.Ingress[0].From[0].IPBlock.Except[0] = "10.244.1.10/32"

	return &Case{
		Name:        "every-field",
		Description: "A case that uses every field of the format.",
		Source:      "cases/load_test.go",
		// Derived from the content: the file declares only five of them.
		Features: []Feature{FeatureIngress, FeatureEgress, FeatureDenyAll, FeaturePolicyTypes, FeaturePodAndNamespace,
			FeatureMatchExpressions, FeatureMultiplePeers, FeatureMultiplePolicies, FeatureIPBlock, FeatureIPBlockExcept,
			FeatureExternal, FeatureNumericPort, FeatureNamedPort, FeatureEndPort, FeatureTCP, FeatureUDP,
			FeatureLabelChange, FeaturePolicyDelete, FeatureTopologyChange},
		File: "testdata/good.yaml",
		Topology: &Topology{
			Namespaces: []Namespace{{Name: "x", Labels: map[string]string{"ns": "x"}}, {Name: "y"}},
			Pods: []Pod{
				{Namespace: "x", Name: "a", Labels: map[string]string{"pod": "a"}, IP: "10.244.1.10",
					Ports: []Port{{Name: "serve-80-tcp", Port: 80, Protocol: tcp}, {Port: 53, Protocol: udp}}},
				{Namespace: "y", Name: "b", Labels: map[string]string{"pod": "b"}, IP: "10.244.2.10", Ports: []Port{{Port: 80, Protocol: tcp}}},
			},
			Externals: []External{{Name: "backup", IP: "192.0.2.10", Ports: []Port{{Port: 80, Protocol: tcp}}}},
		},
		Steps: []Step{
			{Name: "egress of x/a to backup only", Line: 20, Column: 5, Apply: []networkingv1.NetworkPolicy{egress}, Templates: []networkingv1.NetworkPolicy{egressTemplate}},
			{
				Name:               "ingress of y/b from x except x/a",
				Line:               30,
				Column:             5,
				Apply:              []networkingv1.NetworkPolicy{ingress},
				Templates:          []networkingv1.NetworkPolicy{ingressTemplate},
				SetPodLabels:       []PodLabels{{Pod: "x/a", Labels: map[string]string{"pod": "a", "role": "db"}}},
				SetNamespaceLabels: []NamespaceLabels{{Namespace: "y", Labels: map[string]string{"team": "t"}}},
			},
			{
				Name:          "add z/c, delete a-egress",
				Line:          46,
				Column:        5,
				AddNamespaces: []Namespace{{Name: "z", Labels: map[string]string{"ns": "z"}}},
				AddPods:       []Pod{{Namespace: "z", Name: "c", Labels: map[string]string{"pod": "c"}, IP: "10.244.3.10", Ports: []Port{{Port: 80, Protocol: tcp}}}},
				Delete:        []PolicyRef{{Namespace: "x", Name: "a-egress"}},
			},
			{Name: "drop z and x/a", Line: 50, Column: 5, DeletePods: []PeerKey{"x/a"}, DeleteNamespaces: []string{"z"}},
		},
	}
}

func ptrInt32(v int32) *int32 { return &v }

func TestLoadGoodFile(t *testing.T) {
	t.Parallel()
	got, err := LoadFile("testdata/good.yaml")
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if diff := cmp.Diff(goodCase(), got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("LoadFile(testdata/good.yaml) (-want +got):\n%s", diff)
	}
}

// TestLoadRoundTrip writes the loaded case with MarshalCase and loads it again: the policies come
// back with their placeholders (Templates) and resolve to the same IPs; the topology's base name
// does not come back (MarshalCase writes the topology out in full).
func TestLoadRoundTrip(t *testing.T) {
	t.Parallel()
	c, err := LoadFile("testdata/good.yaml")
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	data, err := MarshalCase(c)
	if err != nil {
		t.Fatalf("MarshalCase: %v", err)
	}
	if !bytes.Contains(data, []byte("${")) {
		t.Fatalf("MarshalCase wrote no placeholder; testdata/good.yaml has some:\n%s", data)
	}
	again, err := Load("again.yaml", data)
	if err != nil {
		t.Fatalf("Load(MarshalCase(c)): %v\n%s", err, data)
	}
	// Positions are the file's, not the case's: the written file lays it out anew.
	ignore := cmpopts.IgnoreFields(Case{}, "File", "TopologyBase")
	ignoreStepPos := cmpopts.IgnoreFields(Step{}, "Line", "Column")
	if diff := cmp.Diff(c, again, ignore, ignoreStepPos, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("round trip (-loaded +reloaded):\n%s", diff)
	}
}

// TestLoadCatalogFiles loads every case file under testdata/good and cases/catalog: they must all be
// valid, and their states computable.
func TestLoadCatalogFiles(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("catalog/*/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		c, err := LoadFile(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if _, err := c.States(); err != nil {
			t.Errorf("States of %s: %v", f, err)
		}
	}
}

func TestLoadFileMissing(t *testing.T) {
	t.Parallel()
	_, err := LoadFile(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "read case: ") || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("LoadFile(missing) = %v, want a wrapped not-exist error", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err
		}
		err = u.Unwrap()
	}
}

// TestLoadBadFiles checks that each bad file in testdata/bad gives exactly the errors in its
// .err golden file (one line per error, sorted by position).
func TestLoadBadFiles(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no files in testdata/bad")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(strings.TrimSuffix(f, ".yaml") + ".err")
			if err != nil {
				t.Fatal(err)
			}
			_, loadErr := LoadFile(f)
			if loadErr == nil {
				t.Fatalf("LoadFile(%s) succeeded, want errors", f)
			}
			if diff := cmp.Diff(strings.TrimSpace(string(want)), loadErr.Error()); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadBaseStandard(t *testing.T) {
	t.Parallel()
	head := "name: t\nfeatures: [external]\nsteps: [{name: s}]\ntopology:\n"
	c, err := Load("t.yaml", []byte(head+"  base: standard\n  externals: [{name: backup, ip: 192.0.2.10, ports: [{port: 80}]}]\n"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := Standard()
	want.Externals = []External{{Name: "backup", IP: "192.0.2.10", Ports: []Port{{Port: 80, Protocol: corev1.ProtocolTCP}}}}
	if diff := cmp.Diff(&want, c.Topology); diff != "" {
		t.Errorf("topology (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, c.BaseTopology()); diff != "" {
		t.Errorf("BaseTopology (-want +got):\n%s", diff)
	}
	if c.TopologyBase != "standard" {
		t.Errorf("TopologyBase = %q, want standard", c.TopologyBase)
	}

	tests := []struct{ name, topology, want string }{
		{
			name:     "unknown base",
			topology: "  base: big\n",
			want:     `t.yaml:5:9: topology.base: found "big", expected "standard" or no base`,
		},
		{
			name:     "base with pods",
			topology: "  base: standard\n  namespaces: [{name: q}]\n",
			want:     "t.yaml:5:9: topology.base: found base: standard with namespaces or pods, expected only externals beside a base",
		},
		{
			name:     "external with a standard pod's IP",
			topology: "  base: standard\n  externals: [{name: e, ip: 10.244.1.10}]\n",
			want:     "t.yaml:6:29: topology.externals[0].ip: found 10.244.1.10, which x/a already has, expected a unique IP",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load("t.yaml", []byte(head+tt.topology))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Load error:\n%v\nwant:\n%s", err, tt.want)
			}
		})
	}
}

// FuzzLoad feeds Load arbitrary bytes, seeded with the catalog and the bad files: it must never
// panic, and it must return either a case whose States work or an ErrorList naming the file.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"catalog/*/*.yaml", "testdata/*.yaml", "testdata/bad/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load("f.yaml", data)
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("Load error is %T %v, want a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.File != "f.yaml" {
					t.Fatalf("error without the file name: %v", e)
				}
			}
			return
		}
		if _, err := c.States(); err != nil {
			t.Fatalf("Load accepted a case whose States fail: %v", err)
		}
	})
}

// A case file above 1 MiB is refused before it is parsed, with a clear message; one of exactly
// 1 MiB is parsed.
func TestLoadSizeLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	data := append([]byte("name: big\nsteps: [{name: s}]\n# "), bytes.Repeat([]byte("x"), 50<<20)...)
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(big)
	want := fmt.Sprintf("%s: found %d bytes, expected a case file of at most 1 MiB (1048576 bytes)", big, len(data))
	if err == nil || err.Error() != want {
		t.Errorf("LoadFile(50 MiB): %v, want %q", err, want)
	}
	if _, err := Load("big.yaml", data); err == nil || !strings.Contains(err.Error(), "expected a case file of at most 1 MiB") {
		t.Errorf("Load(50 MiB): %v", err)
	}
	head := "name: edge\nsteps: [{name: s}]\n# "
	edge := append([]byte(head), bytes.Repeat([]byte("x"), MaxFileSize-len(head)-1)...)
	edge = append(edge, '\n')
	if _, err := Load("edge.yaml", edge); err != nil {
		t.Errorf("Load(exactly 1 MiB): %v", err)
	}
	if _, err := Load("over.yaml", append(edge, '\n')); err == nil {
		t.Errorf("Load(1 MiB + 1 byte) succeeded")
	}
}
