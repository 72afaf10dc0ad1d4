package probes

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration that travels in JSON as Go duration text ("1s", "250ms"), so a batch
// file is readable and a result's elapsed time needs no unit convention.
type Duration time.Duration

// MarshalJSON writes the duration as a string, e.g. "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string such as "1s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("found %s, expected a duration string such as \"1s\"", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("found %q, expected a duration such as \"1s\"", s)
	}
	*d = Duration(v)
	return nil
}
