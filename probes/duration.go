package probes

import "github.com/cnpc-dev/cnpc/cases"

// Duration is a time.Duration that travels in JSON as Go duration text ("1s", "250ms"), so a batch
// file is readable and a result's elapsed time needs no unit convention.
type Duration = cases.Duration
