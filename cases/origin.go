package cases

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Origin says where a case comes from; a run chooses its cases by origin (cnpc run --cases).
type Origin string

const (
	// OriginCatalog is the embedded catalog: the documented scenarios and the upstream tests.
	OriginCatalog Origin = "catalog"
	// OriginGenerated is the generator's coverage cases (Generated).
	OriginGenerated Origin = "generated"
	// OriginOwn is a user's case files (LoadPaths).
	OriginOwn Origin = "own"
)

// Origins lists every origin in run order.
var Origins = []Origin{OriginCatalog, OriginGenerated, OriginOwn}

// ParseOrigins parses a comma-separated list of origins such as "catalog,own"; "all" is every
// origin and "none" (or nothing) is none. Every unknown entry is reported.
func ParseOrigins(list string) ([]Origin, error) {
	var out []Origin
	var errs []error
	for _, s := range strings.Split(list, ",") {
		switch s = strings.TrimSpace(s); s {
		case "", "none":
		case "all":
			out = append(out, Origins...)
		case string(OriginCatalog), string(OriginGenerated), string(OriginOwn):
			out = append(out, Origin(s))
		default:
			errs = append(errs, fmt.Errorf("found %q, expected catalog, generated, own or all (comma-separated)", s))
		}
	}
	slices.SortFunc(out, func(a, b Origin) int { return slices.Index(Origins, a) - slices.Index(Origins, b) })
	return slices.Compact(out), errors.Join(errs...)
}
