package clusters

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestReleaseDigests checks each pinned release manifest digest against the same file in the
// CNI's Go module at the release's version, which the go command downloads and verifies.
func TestReleaseDigests(t *testing.T) {
	tests := []struct {
		profile, module, file string
	}{
		{"calico", "github.com/projectcalico/calico@v0.0.0-20251021213802-b1f3c43f8437", "manifests/calico.yaml"},
		{"flannel", "github.com/flannel-io/flannel@v0.28.10", "Documentation/kube-flannel.yml"},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			p, err := LookupProfile(tt.profile)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("go", "mod", "download", "-json", tt.module)
			cmd.Dir = t.TempDir()
			// The checksum database does not know the calico pseudo-versions; images/sources.sum
			// pins their zips for the builds.
			cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GONOSUMDB=github.com/projectcalico")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go mod download %s: %v", tt.module, err)
			}
			var dl struct{ Dir string }
			if err := json.Unmarshal(out, &dl); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join(dl.Dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if got, want := hex.EncodeToString(sum[:]), p.Release.Manifests[0].SHA256; got != want {
				t.Errorf("%s of %s: sha256 %s, the profile pins %s", tt.file, tt.module, got, want)
			}
		})
	}
}
