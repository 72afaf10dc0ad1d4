package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Read reads and validates the results document at path. Errors name the file and, for syntax and
// type errors, the line and column (path:line:col: ...); validation problems are all reported at once.
func Read(path string) (*Run, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, pos, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s%s: %w", path, pos, err)
	}
	return r, nil
}

// Decode reads and validates one results document; errors start with line:col when known.
func Decode(rd io.Reader) (*Run, error) {
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, err
	}
	r, pos, err := decode(b)
	if err != nil {
		if pos != "" {
			return nil, fmt.Errorf("%s: %w", pos[1:], err)
		}
		return nil, err
	}
	return r, nil
}

// decode checks the schema version before anything else, so a document of another version gets
// that message rather than a list of unknown fields. pos is ":line:col" or "".
func decode(b []byte) (r *Run, pos string, err error) {
	var head struct {
		SchemaVersion string `json:"schemaVersion"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, jsonPosition(b, err), jsonMessage(err)
	}
	if head.SchemaVersion != SchemaVersion {
		return nil, "", fmt.Errorf("schemaVersion: found %q, expected %q", head.SchemaVersion, SchemaVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	r = new(Run)
	if err := dec.Decode(r); err != nil {
		return nil, jsonPosition(b, err), jsonMessage(err)
	}
	if err := r.Validate(); err != nil {
		return nil, "", err
	}
	return r, "", nil
}

// Write validates r and writes it to path as indented JSON.
func Write(path string, r *Run) error {
	var b bytes.Buffer
	if err := Encode(&b, r); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return writeAtomic(path, b.Bytes())
}

// writeAtomic replaces path with data through a temporary file in the same directory and a
// rename, so that a reader (or a crash) never meets a half-written file: the suite rewrites its
// results after every case while reports are read from it.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// Encode validates r and writes it as indented JSON. An empty SchemaVersion is filled in.
func Encode(w io.Writer, r *Run) error {
	out := *r
	if out.SchemaVersion == "" {
		out.SchemaVersion = SchemaVersion
	}
	if out.SchemaVersion != SchemaVersion {
		return fmt.Errorf("schemaVersion: found %q, expected %q", out.SchemaVersion, SchemaVersion)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

// jsonPosition returns ":line:col" of a decoding error that carries a byte offset, else "".
func jsonPosition(b []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return position(b, syn.Offset)
	case errors.As(err, &typ):
		return position(b, scalarStart(b, typ.Offset))
	}
	return ""
}

// scalarStart moves a type error's offset, which is just after the offending value, back to the
// value's first byte when the value is a string, number or literal, so the column points at it.
func scalarStart(b []byte, end int64) int64 {
	if end <= 0 || end > int64(len(b)) {
		return end
	}
	i := end - 1
	if b[i] == '"' {
		for i--; i >= 0; i-- {
			if b[i] == '"' && (i == 0 || b[i-1] != '\\') {
				return i
			}
		}
		return end
	}
	for i >= 0 && !bytes.ContainsRune([]byte(" \t\r\n:,[{"), rune(b[i])) {
		i--
	}
	return i + 1
}

// jsonMessage rewords a type error as "field: found X, expected Y".
func jsonMessage(err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("%s: found JSON %s, expected %s", typ.Field, typ.Value, typ.Type)
	}
	return err
}

// position returns ":line:col" of a byte offset, both counted from 1.
func position(b []byte, offset int64) string {
	if offset > int64(len(b)) {
		offset = int64(len(b))
	}
	line, col := 1, 1
	for _, c := range b[:offset] {
		if c == '\n' {
			line++
			col = 1
			continue
		}
		col++
	}
	return fmt.Sprintf(":%d:%d", line, col)
}
