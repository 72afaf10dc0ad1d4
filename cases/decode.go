package cases

import (
	"encoding/json"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// This file checks a yaml.v3 node tree against a Go type and converts it into a JSON value for
// encoding/json. Checking the tree ourselves, rather than converting YAML to JSON first as
// sigs.k8s.io/yaml does, keeps the line and column of every field: unknown fields, wrong kinds and
// missing required fields are reported where they are. Kubernetes types are then decoded by their
// own JSON methods (intstr.IntOrString, for instance), exactly as the API server decodes them.

var (
	intOrStringType   = reflect.TypeOf(intstr.IntOrString{})
	jsonUnmarshalType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
)

// structField is one JSON field of a struct type.
type structField struct {
	typ      reflect.Type
	required bool
}

// convert checks n against t, records the node of path and every descendant in r.nodes, reports
// each problem to r and returns the JSON value (nil when n is null or wrong).
func (r *reporter) convert(n *yaml.Node, t reflect.Type, path string) any {
	if n.Kind == yaml.AliasNode {
		return r.followAlias(n, path, func(target *yaml.Node) any { return r.convert(target, t, path) })
	}
	defer r.enterAnchor(n)()
	r.nodes[path] = n
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == intOrStringType:
		return r.convertIntOrString(n, path)
	case t.Kind() == reflect.Interface, reflect.PointerTo(t).Implements(jsonUnmarshalType):
		// Fields such as metav1.Time decode themselves; pass their value through unchecked.
		return r.convertAny(n, path)
	}
	switch t.Kind() {
	case reflect.Struct:
		return r.convertStruct(n, t, path)
	case reflect.Slice:
		return r.convertSlice(n, t, path)
	case reflect.Map:
		return r.convertMap(n, t, path)
	case reflect.String:
		return r.convertString(n, path)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			r.badf(n, path, "found %s, expected true or false", describe(n))
			return nil
		}
		return n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.convertInt(n, t, path)
	}
	r.badf(n, path, "cannot decode into %s", t)
	return nil
}

func (r *reporter) convertStruct(n *yaml.Node, t reflect.Type, path string) any {
	if n.Kind != yaml.MappingNode {
		r.badf(n, path, "found %s, expected a mapping", describe(n))
		return nil
	}
	fields := jsonFields(t)
	out := map[string]any{}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolveAlias(n.Content[i]), n.Content[i+1]
		name, ok := r.mappingKey(k, path, seen)
		if !ok {
			continue
		}
		f, known := fields[name]
		if !known {
			r.badf(k, join(path, name), "unknown field %q, expected one of %s", name, fieldNames(fields))
			continue
		}
		out[name] = r.convert(v, f.typ, join(path, name))
	}
	for _, name := range sortedKeys(fields) {
		if fields[name].required && !seen[name] {
			r.badf(n, join(path, name), "missing required field %q", name)
		}
	}
	return out
}

// mappingKey returns the key's string and reports non-string and duplicate keys.
func (r *reporter) mappingKey(k *yaml.Node, path string, seen map[string]bool) (string, bool) {
	if k.Kind != yaml.ScalarNode {
		r.badf(k, path, "found %s as a key, expected a string", describe(k))
		return "", false
	}
	if seen[k.Value] {
		r.badf(k, join(path, k.Value), "duplicate field %q", k.Value)
		return "", false
	}
	seen[k.Value] = true
	return k.Value, true
}

func (r *reporter) convertSlice(n *yaml.Node, t reflect.Type, path string) any {
	if n.Kind != yaml.SequenceNode {
		r.badf(n, path, "found %s, expected a list", describe(n))
		return nil
	}
	out := make([]any, len(n.Content))
	for i, item := range n.Content {
		out[i] = r.convert(item, t.Elem(), index(path, i))
	}
	return out
}

func (r *reporter) convertMap(n *yaml.Node, t reflect.Type, path string) any {
	if n.Kind != yaml.MappingNode {
		r.badf(n, path, "found %s, expected a mapping", describe(n))
		return nil
	}
	out := map[string]any{}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolveAlias(n.Content[i]), n.Content[i+1]
		name, ok := r.mappingKey(k, path, seen)
		if !ok {
			continue
		}
		out[name] = r.convert(v, t.Elem(), key(path, name))
	}
	return out
}

func (r *reporter) convertString(n *yaml.Node, path string) any {
	if n.Kind != yaml.ScalarNode {
		r.badf(n, path, "found %s, expected a string", describe(n))
		return nil
	}
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		return n.Value
	}
	r.badf(n, path, "found %s, expected a string (quote it: %q)", describe(n), n.Value)
	return nil
}

func (r *reporter) convertInt(n *yaml.Node, t reflect.Type, path string) any {
	var v int64
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		r.badf(n, path, "found %s, expected an integer", describe(n))
		return nil
	}
	limit := int64(math.MaxInt64)
	if bits := t.Bits(); bits < 64 {
		limit = 1<<(bits-1) - 1
	}
	if v > limit || v < -limit-1 {
		r.badf(n, path, "found %d, expected an integer of at most %d", v, limit)
		return nil
	}
	return json.Number(strconv.FormatInt(v, 10))
}

func (r *reporter) convertIntOrString(n *yaml.Node, path string) any {
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int":
			return r.convertInt(n, reflect.TypeOf(int32(0)), path)
		case "!!str":
			return n.Value
		}
	}
	r.badf(n, path, "found %s, expected a port number or name", describe(n))
	return nil
}

// convertAny converts a node without a target type: mappings, lists and scalars by their tags.
func (r *reporter) convertAny(n *yaml.Node, path string) any {
	if n.Kind == yaml.AliasNode {
		return r.followAlias(n, path, func(target *yaml.Node) any { return r.convertAny(target, path) })
	}
	defer r.enterAnchor(n)()
	r.nodes[path] = n
	switch n.Kind {
	case yaml.MappingNode:
		out := map[string]any{}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if name, ok := r.mappingKey(resolveAlias(n.Content[i]), path, seen); ok {
				out[name] = r.convertAny(n.Content[i+1], join(path, name))
			}
		}
		return out
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			out[i] = r.convertAny(item, index(path, i))
		}
		return out
	}
	var v any
	if err := n.Decode(&v); err != nil {
		r.badf(n, path, "%v", err)
	}
	return v
}

// jsonFields lists the JSON fields of a struct type, flattening embedded and inline structs as
// encoding/json does. A field tagged cnpc:"required" must be present.
func jsonFields(t reflect.Type) map[string]structField {
	out := map[string]structField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		if name == "" && (f.Anonymous || strings.Contains(opts, "inline")) && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = structField{typ: f.Type, required: f.Tag.Get("cnpc") == "required"}
	}
	return out
}

func fieldNames(fields map[string]structField) string {
	return strings.Join(sortedKeys(fields), ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maxAliases bounds how many aliases one file may expand, so that a file of nested aliases (a
// "billion laughs") cannot make Load run for ever.
const maxAliases = 10000

// followAlias converts the node an alias points to with convert. An alias inside the node it
// names would expand for ever, so it is an error, as is expanding more than maxAliases aliases.
func (r *reporter) followAlias(n *yaml.Node, path string, convert func(*yaml.Node) any) any {
	target := n.Alias
	switch {
	case target == nil:
		r.badf(n, path, "found an alias to an unknown anchor")
		return nil
	case r.expanding[target]:
		r.badf(n, path, "found an alias *%s inside its own anchor, expected a finite value", n.Value)
		return nil
	case r.aliases >= maxAliases:
		if r.aliases == maxAliases {
			r.badf(n, path, "found more than %d alias expansions, expected fewer", maxAliases)
			r.aliases++ // report once
		}
		return nil
	}
	r.aliases++
	return convert(target)
}

// enterAnchor marks an anchored node as being expanded until the returned function is called, so
// that an alias to it from inside it is caught.
func (r *reporter) enterAnchor(n *yaml.Node) func() {
	if n.Anchor == "" {
		return func() {}
	}
	r.expanding[n] = true
	return func() { delete(r.expanding, n) }
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// describe names what a node holds, for "found X" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.DocumentNode:
		return "a document"
	}
	switch n.ShortTag() {
	case "!!null":
		return "null"
	case "!!int":
		return "integer " + n.Value
	case "!!float":
		return "number " + n.Value
	case "!!bool":
		return "boolean " + n.Value
	}
	return strconv.Quote(n.Value)
}
