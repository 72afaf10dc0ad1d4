package clusters

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeObjects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr string
	}{
		{"documents and empty ones", "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n# only a comment\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: d\n  namespace: kube-system\n",
			[]string{"Namespace a", "DaemonSet kube-system/d"}, ""},
		{"a List is expanded", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c1, namespace: ns1}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c2, namespace: ns1}\n",
			[]string{"ConfigMap ns1/c1", "ConfigMap ns1/c2"}, ""},
		{"json", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"j"}}`, []string{"Namespace j"}, ""},
		{"kind missing", "apiVersion: v1\nmetadata:\n  name: a\n", nil, "document 0: kind or apiVersion missing"},
		{"second document broken", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [\n", nil,
			"document 1: error converting YAML to JSON: yaml: line 1: did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			objs, err := DecodeObjects([]byte(tt.in))
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			var got []string
			for i := range objs {
				got = append(got, objs[i].GetKind()+" "+objectName(&objs[i]))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
		})
	}
}
