package clusters

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const testManifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: kube-system\n"

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestManifestLoad serves manifests from a real HTTP server on loopback.
func TestManifestLoad(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/cni.yaml" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(testManifest))
	}))
	t.Cleanup(srv.Close)
	local := filepath.Join(t.TempDir(), "local.yaml")
	if err := os.WriteFile(local, []byte(testManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	good, bad := sum(testManifest), sum(testManifest+"# tampered\n")
	tests := []struct {
		name    string
		m       Manifest
		wantErr string
	}{
		{"url with the right hash", Manifest{URL: srv.URL + "/cni.yaml", SHA256: good}, ""},
		{"url with the right hash in upper case", Manifest{URL: srv.URL + "/cni.yaml", SHA256: strings.ToUpper(good)}, ""},
		{"url with a wrong hash", Manifest{URL: srv.URL + "/cni.yaml", SHA256: bad},
			"manifest " + srv.URL + "/cni.yaml: sha256 " + good + ", expected the pinned " + bad},
		{"url without a hash", Manifest{URL: srv.URL + "/cni.yaml"},
			"manifest " + srv.URL + "/cni.yaml: no pinned sha256, refusing to apply an unverified download (give a local file with --manifest)"},
		{"url not found", Manifest{URL: srv.URL + "/gone.yaml", SHA256: good},
			"manifest " + srv.URL + "/gone.yaml: http status 404 Not Found, expected 200 OK"},
		{"local file without a hash", Manifest{Path: local}, ""},
		{"local file with the right hash", Manifest{Path: local, SHA256: good}, ""},
		{"local file with a wrong hash", Manifest{Path: local, SHA256: bad},
			"manifest " + local + ": sha256 " + good + ", expected the pinned " + bad},
		{"both set", Manifest{URL: srv.URL + "/cni.yaml", Path: local},
			"manifest " + srv.URL + "/cni.yaml: both url and path set, expected one"},
		{"neither set", Manifest{}, "manifest: neither url nor path set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := tt.m.Load(context.Background(), srv.Client())
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.wantErr, got); diff != "" {
				t.Fatalf("Load error (-want +got):\n%s", diff)
			}
			if err == nil && string(data) != testManifest {
				t.Errorf("Load returned %q, want %q", data, testManifest)
			}
		})
	}
}

// TestProfileManifestsPinned checks every profile's URL manifests: https, and the pinned version
// in the URL. A missing sha256 is allowed only while Load refuses it (see TestManifestLoad).
func TestProfileManifestsPinned(t *testing.T) {
	t.Parallel()
	for _, name := range ProfileNames() {
		p, _ := LookupProfile(name)
		for _, m := range p.Manifests {
			if !strings.HasPrefix(m.URL, "https://") {
				t.Errorf("profile %s: manifest %q is not an https URL", name, m.URL)
			}
			if !strings.Contains(m.URL, p.Version) {
				t.Errorf("profile %s: manifest %s does not name the pinned version %s", name, m.URL, p.Version)
			}
			if m.SHA256 != "" && len(m.SHA256) != 64 {
				t.Errorf("profile %s: manifest %s: sha256 %q is not 64 hex digits", name, m.URL, m.SHA256)
			}
		}
	}
}
