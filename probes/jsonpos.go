package probes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// jsonPositions maps each value's path in a JSON document ("targets[2].port") to the byte offset
// where the value starts, so validation errors can name a line and column as STYLE.md asks.
// Syntax errors are not its concern: the caller decodes first and reports those itself.
type jsonPositions struct {
	data    []byte
	offsets map[string]int64
}

func newJSONPositions(data []byte) jsonPositions {
	p := jsonPositions{data: data, offsets: map[string]int64{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	_ = p.walk(dec, "") // a document that decoded cleanly walks cleanly; a partial map is still useful
	return p
}

func (p jsonPositions) walk(dec *json.Decoder, path string) error {
	p.offsets[path] = p.skipSeparators(dec.InputOffset())
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			if err := p.walk(dec, joinPath(path, fmt.Sprint(key))); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if err := p.walk(dec, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	return err
}

// skipSeparators moves past the whitespace, commas and colons json.Decoder leaves between tokens.
func (p jsonPositions) skipSeparators(off int64) int64 {
	for off < int64(len(p.data)) && strings.IndexByte(" \t\r\n,:", p.data[off]) >= 0 {
		off++
	}
	return off
}

// at returns "line:col" of path, or of its nearest ancestor that exists (a missing field is
// reported at the object that lacks it).
func (p jsonPositions) at(path string) string {
	for {
		if off, ok := p.offsets[path]; ok {
			return lineCol(p.data, off)
		}
		if path == "" {
			return "1:1"
		}
		i := strings.LastIndexAny(path, ".[")
		path = path[:max(i, 0)]
	}
}

// valueBefore returns the path and position of the value that starts last before off: the value
// encoding/json was decoding when it reported an error after reading off bytes.
func (p jsonPositions) valueBefore(off int64) (path, at string) {
	best := int64(-1)
	for k, start := range p.offsets {
		if start < off && (start > best || start == best && len(k) > len(path)) {
			best, path = start, k
		}
	}
	return path, lineCol(p.data, max(best, 0))
}

// lineCol converts a byte offset into a 1-based "line:col".
func lineCol(data []byte, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - int64(bytes.LastIndexByte(before, '\n'))
	return fmt.Sprintf("%d:%d", line, col)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
