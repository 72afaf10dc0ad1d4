package netpol

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/reports"
)

// detectExternals checks that external hosts can run here: the docker network of the nodes
// exists and the probe image is in the local docker. It returns why not, or "".
func detectExternals(ctx context.Context, network, image string) string {
	if _, err := docker(ctx, "network", "inspect", network); err != nil {
		return fmt.Sprintf("docker network %q not usable: %v", network, err)
	}
	if _, err := docker(ctx, "image", "inspect", image); err != nil {
		return fmt.Sprintf("probe image %s not in the local docker: %v", image, err)
	}
	return ""
}

// UnsupportedProtocols returns the protocols no probe of a baseline could make at all (SCTP on a
// kernel without it), each with the probe's reason, for the report's "unsupported here" list. Their
// cells are unsupported, never passes; a case whose every deciding cell is one of them is
// unsupported (GradeCase).
func UnsupportedProtocols(c *Comparison) map[corev1.Protocol]string {
	total := map[corev1.Protocol]int{}
	uns := map[corev1.Protocol]int{}
	why := map[corev1.Protocol]string{}
	for _, j := range c.Cells {
		p := j.Key.Target.Protocol
		total[p]++
		if j.Class == reports.ClassUnsupported {
			uns[p]++
			if why[p] == "" {
				why[p] = j.Result.Error
			}
		}
	}
	out := map[corev1.Protocol]string{}
	for p, n := range total {
		if n > 0 && uns[p] == n {
			out[p] = why[p]
		}
	}
	return out
}

// describeUnsupported turns UnsupportedProtocols into the report's "capability: reason" lines.
func describeUnsupported(u map[corev1.Protocol]string) []string {
	var out []string
	for p, why := range u {
		out = append(out, fmt.Sprintf("%s: %s", strings.ToLower(string(p)), why))
	}
	sort.Strings(out)
	return out
}
