package cases

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration that reads and writes JSON as Go's duration text ("1.5s", "250ms"),
// so batch and results files are readable by people and not only by programs. The prober's batches
// and the results model both use it.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a string such as "1.5s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: found %s, expected a string such as \"1.5s\"", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: found %q, expected a string such as \"1.5s\"", s)
	}
	*d = Duration(v)
	return nil
}

// String returns the duration rounded to the millisecond, for people; the JSON keeps every digit.
func (d Duration) String() string { return time.Duration(d).Round(time.Millisecond).String() }
