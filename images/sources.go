package images

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// readPins reads images/sources.sum: the go.sum lines ("module version h1:...") of every source
// module built as a main module. A module zip is used only when its digest matches its line.
func readPins(repo string) (map[Module]string, error) {
	path := filepath.Join(repo, "images", "sources.sum")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pins := map[Module]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 || !strings.HasPrefix(fields[2], "h1:") || strings.HasSuffix(fields[1], "/go.mod") {
			return nil, fmt.Errorf("%s:%d: found %q, expected \"module version h1:digest\"", path, n, line)
		}
		pins[Module{Path: fields[0], Version: fields[1]}] = fields[2]
	}
	return pins, sc.Err()
}

// FindRepo returns the cnpc checkout that holds dir: the nearest directory at or above it with
// images/sources.sum. The build reads its wrapper modules, patches and stubs from there.
func FindRepo(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "images", "sources.sum")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside a cnpc checkout (no images/sources.sum above it): the from-source builds need one", abs)
		}
	}
}
