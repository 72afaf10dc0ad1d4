package cases

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseOrigins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []Origin
		err  string
	}{
		{"catalog", []Origin{OriginCatalog}, ""},
		{"own, catalog", []Origin{OriginCatalog, OriginOwn}, ""},
		{"all", []Origin{OriginCatalog, OriginGenerated, OriginOwn}, ""},
		{"all,own", []Origin{OriginCatalog, OriginGenerated, OriginOwn}, ""},
		{"none", nil, ""},
		{"catalog,mine,x", []Origin{OriginCatalog}, "found \"mine\", expected catalog, generated, own or all (comma-separated)\nfound \"x\", expected catalog, generated, own or all (comma-separated)"},
	}
	for _, tt := range tests {
		got, err := ParseOrigins(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseOrigins(%q) (-want +got):\n%s", tt.in, diff)
		}
		if msg := errString(err); msg != tt.err {
			t.Errorf("ParseOrigins(%q) error %q, want %q", tt.in, msg, tt.err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
