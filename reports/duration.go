package reports

import (
	"strconv"

	"github.com/cnpc-dev/cnpc/cases"
)

// Duration is a time.Duration that reads and writes JSON as Go's duration text ("1.5s"), so a
// results file is readable by people and not only by programs.
type Duration = cases.Duration

func itoa(n int32) string { return strconv.Itoa(int(n)) }
