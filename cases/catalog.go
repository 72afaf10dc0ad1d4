package cases

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// catalogFS holds the case files of the catalog: the documented scenarios (one folder per group)
// and catalog/upstream, one case per upstream Kubernetes e2e NetworkPolicy test.
//
//go:embed catalog
var catalogFS embed.FS

// Catalog loads every case file of the embedded catalog, in path order, strictly: a feature a case
// declares but does not exercise is an error here, not a warning. Every file is loaded even
// when some fail: the error joins the problems of all files (each names its file and line), and the
// cases that did load are returned beside it. Two cases with the same name are an error too.
func Catalog() ([]*Case, error) { return loadCatalog(catalogFS) }

// loadCatalog loads every *.yaml file under catalog/ in fsys; see Catalog.
func loadCatalog(fsys fs.FS) ([]*Case, error) {
	var out []*Case
	var errs []error
	byName := map[string]string{}
	err := fs.WalkDir(fsys, "catalog", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".yaml" {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		file := path.Join("cases", p)
		c, err := load(file, data, true)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		if other, ok := byName[c.Name]; ok {
			errs = append(errs, fmt.Errorf("%s: case name %q is already used by %s", file, c.Name, other))
			return nil
		}
		byName[c.Name] = file
		out = append(out, c)
		return nil
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("read embedded catalog: %w", err))
	}
	return out, errors.Join(errs...)
}

// Select returns the cases that carry every one of features, in their original order. No features
// selects every case.
func Select(cs []*Case, features []Feature) []*Case {
	var out []*Case
	for _, c := range cs {
		if hasAll(c.Features, features) {
			out = append(out, c)
		}
	}
	return out
}

func hasAll(have, want []Feature) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// ParseFeatures parses a comma-separated list of features such as "ingress,ip-block"; blanks are
// ignored and every unknown name is reported.
func ParseFeatures(list string) ([]Feature, error) {
	var out []Feature
	var errs []error
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		f, err := ParseFeature(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, f)
	}
	return out, errors.Join(errs...)
}

// CatalogSource returns the case of the embedded catalog named name and the text of its file, as
// written (comments included). ok is false when no catalog case has that name.
func CatalogSource(name string) (c *Case, data []byte, ok bool, err error) {
	all, err := Catalog()
	if err != nil {
		return nil, nil, false, err
	}
	for _, c := range all {
		if c.Name != name {
			continue
		}
		data, err := fs.ReadFile(catalogFS, strings.TrimPrefix(c.File, "cases/"))
		return c, data, err == nil, err
	}
	return nil, nil, false, nil
}
