package clusters

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// Manifest is one file of Kubernetes objects: a URL pinned by its sha256, or a local file whose
// sha256 is checked when given.
type Manifest struct {
	URL  string
	Path string
	// Data is a manifest cnpc carries itself, called Name.
	Data []byte
	Name string
	// SHA256 is the lower-case hex digest of the file. Required for a URL: a manifest fetched
	// from the network is applied only when its digest matches.
	SHA256 string
}

func (m Manifest) String() string {
	switch {
	case m.URL != "":
		return m.URL
	case m.Data != nil:
		return m.Name
	}
	return m.Path
}

// maxManifestBytes bounds a download; real CNI manifests are well under 2 MB.
const maxManifestBytes = 16 << 20

// Load returns the manifest's bytes after checking its digest. client is used for URLs.
func (m Manifest) Load(ctx context.Context, client *http.Client) ([]byte, error) {
	switch {
	case m.Data != nil:
		return m.Data, nil
	case m.URL != "" && m.Path != "":
		return nil, fmt.Errorf("manifest %s: both url and path set, expected one", m.URL)
	case m.URL != "":
		if m.SHA256 == "" {
			return nil, fmt.Errorf("manifest %s: no pinned sha256, refusing to apply an unverified download (give a local file with --manifest)", m.URL)
		}
		data, err := fetch(ctx, client, m.URL)
		if err != nil {
			return nil, fmt.Errorf("manifest %s: %w", m.URL, err)
		}
		return data, verifySHA256(m.URL, data, m.SHA256)
	case m.Path != "":
		data, err := os.ReadFile(m.Path)
		if err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		if m.SHA256 == "" {
			return data, nil
		}
		return data, verifySHA256(m.Path, data, m.SHA256)
	}
	return nil, errors.New("manifest: neither url nor path set")
}

func fetch(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("http status %s, expected 200 OK", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxManifestBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxManifestBytes {
		return nil, fmt.Errorf("larger than %d bytes", maxManifestBytes)
	}
	return data, nil
}

// verifySHA256 checks data against the pinned lower- or upper-case hex digest want.
func verifySHA256(name string, data []byte, want string) error {
	sum := sha256.Sum256(data)
	got := hex.EncodeToString(sum[:])
	if got != strings.ToLower(want) {
		return fmt.Errorf("manifest %s: sha256 %s, expected the pinned %s", name, got, strings.ToLower(want))
	}
	return nil
}
