package cases

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Files returns the case files p names: p itself when it is a file, or every *.yaml and *.yml
// file under the directory p, in lexical order. A directory without case files is an error:
// running or validating nothing is a mistake.
func Files(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var out []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (filepath.Ext(path) == ".yaml" || filepath.Ext(path) == ".yml") {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no case files (*.yaml, *.yml) found", p)
	}
	sort.Strings(out)
	return out, nil
}

// LoadPaths loads a user's cases: every case file that paths name (see Files), in order. Every file
// is loaded even when some fail; the error joins the problems of all of them. Suites and reports
// key results by case name, so a name used twice, or one of the names in taken (the catalog's and
// the generator's), is an error too. The count of files found is returned beside the cases.
func LoadPaths(paths []string, taken []*Case) ([]*Case, int, error) {
	byName := map[string]string{}
	for _, c := range taken {
		byName[c.Name] = "a case of cnpc's own"
	}
	var out []*Case
	var errs []error
	files := 0
	for _, p := range paths {
		found, err := Files(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files += len(found)
		for _, file := range found {
			c, err := LoadFile(file)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if other, ok := byName[c.Name]; ok {
				errs = append(errs, fmt.Errorf("%s: case name %q is already used by %s", file, c.Name, other))
				continue
			}
			byName[c.Name] = file
			out = append(out, c)
		}
	}
	return out, files, errors.Join(errs...)
}
