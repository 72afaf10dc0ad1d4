package clusters

import (
	"context"
	"os/exec"
	"strings"
	"testing"
)

// TestCheckLocalImages asks the real docker daemon about an image that cannot exist.
func TestCheckLocalImages(t *testing.T) {
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("docker CLI not found")
	}
	if err := exec.Command("docker", "version").Run(); err != nil {
		t.Skipf("docker daemon not reachable: %v", err)
	}
	err := CheckLocalImages(context.Background(), []string{"localhost/cnpc/no-such-image:never", "localhost/cnpc/no-such-image:either"})
	if err == nil {
		t.Fatal("CheckLocalImages: nil error for images that do not exist")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "image localhost/cnpc/no-such-image:never is not present locally (build or pull it first): ") ||
		!strings.HasPrefix(lines[1], "image localhost/cnpc/no-such-image:either is not present locally") {
		t.Errorf("CheckLocalImages error = %q, want one line per missing image", err)
	}
	if err := CheckLocalImages(context.Background(), nil); err != nil {
		t.Errorf("CheckLocalImages(nil) = %v, want nil", err)
	}
}
