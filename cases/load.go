package cases

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// The file format, field for field (cases/README.md and issue 2 describe it). These types exist
// only to be checked by decode.go and filled by encoding/json; Load turns them into a Case.
type (
	caseFile struct {
		Name        string        `json:"name" cnpc:"required"`
		Description string        `json:"description"`
		Source      string        `json:"source"`
		Features    []string      `json:"features"`
		Topology    *topologyFile `json:"topology"`
		Steps       []stepFile    `json:"steps" cnpc:"required"`
	}
	topologyFile struct {
		// Base "standard" means the standard topology plus Externals.
		Base       string          `json:"base"`
		Namespaces []namespaceFile `json:"namespaces"`
		Pods       []podFile       `json:"pods"`
		Externals  []externalFile  `json:"externals"`
	}
	namespaceFile struct {
		Name   string            `json:"name" cnpc:"required"`
		Labels map[string]string `json:"labels"`
	}
	podFile struct {
		Namespace string            `json:"namespace" cnpc:"required"`
		Name      string            `json:"name" cnpc:"required"`
		Labels    map[string]string `json:"labels"`
		IP        string            `json:"ip" cnpc:"required"`
		Ports     []portFile        `json:"ports"`
	}
	externalFile struct {
		Name  string     `json:"name" cnpc:"required"`
		IP    string     `json:"ip" cnpc:"required"`
		Ports []portFile `json:"ports"`
	}
	portFile struct {
		Name     string          `json:"name"`
		Port     int32           `json:"port" cnpc:"required"`
		Protocol corev1.Protocol `json:"protocol"`
	}
	stepFile struct {
		Name               string                       `json:"name" cnpc:"required"`
		Apply              []networkingv1.NetworkPolicy `json:"apply"`
		Delete             []policyRefFile              `json:"delete"`
		SetPodLabels       []podLabelsFile              `json:"setPodLabels"`
		SetNamespaceLabels []namespaceLabelsFile        `json:"setNamespaceLabels"`
		AddNamespaces      []namespaceFile              `json:"addNamespaces"`
		AddPods            []podFile                    `json:"addPods"`
		DeletePods         []string                     `json:"deletePods"`
		DeleteNamespaces   []string                     `json:"deleteNamespaces"`
		Graded             []string                     `json:"graded"`
	}
	policyRefFile struct {
		Namespace string `json:"namespace" cnpc:"required"`
		Name      string `json:"name" cnpc:"required"`
	}
	podLabelsFile struct {
		Pod    string            `json:"pod" cnpc:"required"`
		Labels map[string]string `json:"labels" cnpc:"required"`
	}
	namespaceLabelsFile struct {
		Namespace string            `json:"namespace" cnpc:"required"`
		Labels    map[string]string `json:"labels" cnpc:"required"`
	}
)

// MaxFileSize bounds a case file. The largest case of the catalog is a few KiB; a file of 50 MB
// took 9 s and 373 MB to reject, so bigger files are refused before they are parsed.
const MaxFileSize = 1 << 20

// LoadFile reads and loads the case file at path. A file above MaxFileSize is refused unread.
func LoadFile(path string) (*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read case: %w", err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() > MaxFileSize {
		return nil, tooBig(path, info.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read case: %w", err)
	}
	return Load(path, data)
}

func tooBig(path string, size int64) error {
	return ErrorList{{File: path, Message: fmt.Sprintf("found %d bytes, expected a case file of at most 1 MiB (%d bytes)", size, MaxFileSize)}}
}

// Load parses, defaults and validates one case file of a user; path is used in messages. The
// returned case is ready for prediction: policies are defaulted as the API server would, and IP
// placeholders are resolved against the topology's own IPs. Its features are derived from its
// content (see settleFeatures): a declared feature the case does not exercise is a warning
// (Case.Warnings), an unknown tag a free label (Case.Labels). On failure the error is an
// ErrorList holding every problem of the file, sorted by position.
func Load(path string, data []byte) (*Case, error) { return load(path, data, false) }

// load is Load; strict (the embedded catalog) turns the warnings about features into errors and
// allows no free labels.
func load(path string, data []byte, strict bool) (*Case, error) {
	if len(data) > MaxFileSize {
		return nil, tooBig(path, int64(len(data)))
	}
	r := newReporter(path)
	root, err := parseOneDocument(path, data)
	if err != nil {
		return nil, err
	}
	var cf caseFile
	value := r.convert(root.Content[0], reflect.TypeOf(cf), "")
	if err := decodeJSON(value, &cf); err != nil {
		// After a structural error the value is partial, and its decoding error says nothing new.
		if len(r.errs) == 0 {
			r.addf("", "%v", err)
		}
		return nil, r.errs.orNil()
	}
	c := r.buildCase(&cf)
	c.File = path
	for i := range c.Steps {
		if n := r.nodes[index("steps", i)]; n != nil {
			c.Steps[i].Line, c.Steps[i].Column = n.Line, n.Column
		}
	}
	for i, s := range c.Steps {
		for j, p := range s.Apply {
			validateTypeMeta(r, p.TypeMeta, index(join(index("steps", i), "apply"), j))
		}
	}
	c.check(r)
	declared := make([]declaredFeature, len(cf.Features))
	for i, f := range cf.Features {
		declared[i] = declaredFeature{name: f, path: index("features", i)}
	}
	r.settleFeatures(c, declared, strict, len(r.errs) == 0)
	if err := r.errs.orNil(); err != nil {
		return nil, err
	}
	c.Warnings = r.warns.sorted()
	return c, nil
}

// parseOneDocument parses data into a node tree and requires exactly one YAML document: a second
// one (after ---) would otherwise be ignored without a word.
func parseOneDocument(path string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrorList{{File: path, Message: "empty file, expected a case (name, features, steps)"}}
		}
		return nil, syntaxError(path, data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
		return &root, nil
	case err != nil:
		return nil, syntaxError(path, data, err)
	}
	return nil, ErrorList{{File: path, Line: next.Line, Column: next.Column, Message: "found a second YAML document, expected one case per file"}}
}

// decodeJSON decodes a value produced by convert into out, as the API server decodes JSON.
func decodeJSON(value any, out any) error {
	data, err := json.Marshal(value)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlParserProblems are the messages of yaml.v3's parser (parserc.go), as opposed to its scanner.
// yaml.v3 reports a parser error at the 0-based line of the construct being parsed, and omits
// the line when it is 0, while scanner errors carry 1-based lines; see (*parser).fail in
// yaml.v3's decode.go.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// syntaxError turns a yaml.v3 parse error into an ErrorList naming the file, line and column.
// yaml.v3 gives a line only, 0-based for a parser error (and absent when it is 0); syntaxPosition
// finds the column, and the line of what is left open (an unclosed [ or quote), from the text.
func syntaxError(path string, data []byte, err error) error {
	e := &FieldError{File: path, Message: err.Error()}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		if yamlParserProblems[m[2]] {
			line++
		}
		e.Line, e.Column = syntaxPosition(data, m[2], line)
		e.Message = "invalid YAML: " + m[2]
	}
	return ErrorList{e}
}

// buildCase turns the decoded file into a Case, without its features (settleFeatures derives
// them once the policies are defaulted). Problems of meaning are left to validate, except those
// that stop a value from being represented (an unknown topology base).
func (r *reporter) buildCase(cf *caseFile) *Case {
	c := &Case{Name: cf.Name, Description: cf.Description, Source: cf.Source}
	if cf.Topology != nil {
		c.Topology, c.TopologyBase = r.buildTopology(cf.Topology)
	}
	for i, s := range cf.Steps {
		st := buildStep(s)
		st.Graded = r.buildGraded(s.Graded, join(index("steps", i), "graded"))
		c.Steps = append(c.Steps, st)
	}
	return c
}

func (r *reporter) buildTopology(tf *topologyFile) (*Topology, string) {
	var t Topology
	switch tf.Base {
	case "":
	case "standard":
		if len(tf.Namespaces) > 0 || len(tf.Pods) > 0 {
			r.addf("topology.base", "found base: standard with namespaces or pods, expected only externals beside a base")
		}
		t = Standard()
	default:
		r.addf("topology.base", "found %q, expected \"standard\" or no base", tf.Base)
	}
	for _, n := range tf.Namespaces {
		t.Namespaces = append(t.Namespaces, Namespace(n))
	}
	for _, p := range tf.Pods {
		t.Pods = append(t.Pods, buildPod(p))
	}
	for _, e := range tf.Externals {
		t.Externals = append(t.Externals, External{Name: e.Name, IP: e.IP, Ports: buildPorts(e.Ports)})
	}
	return &t, tf.Base
}

func buildPod(p podFile) Pod {
	return Pod{Namespace: p.Namespace, Name: p.Name, Labels: p.Labels, IP: p.IP, Ports: buildPorts(p.Ports)}
}

// buildPorts converts served ports; an absent protocol is TCP, as for a container port
// (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports).
func buildPorts(in []portFile) []Port {
	var out []Port
	for _, p := range in {
		if p.Protocol == "" {
			p.Protocol = corev1.ProtocolTCP
		}
		out = append(out, Port(p))
	}
	return out
}

func buildStep(s stepFile) Step {
	out := Step{Name: s.Name, Apply: s.Apply, DeleteNamespaces: s.DeleteNamespaces}
	for _, d := range s.Delete {
		out.Delete = append(out.Delete, PolicyRef(d))
	}
	for _, l := range s.SetPodLabels {
		out.SetPodLabels = append(out.SetPodLabels, PodLabels{Pod: PeerKey(l.Pod), Labels: l.Labels})
	}
	for _, l := range s.SetNamespaceLabels {
		out.SetNamespaceLabels = append(out.SetNamespaceLabels, NamespaceLabels(l))
	}
	for _, n := range s.AddNamespaces {
		out.AddNamespaces = append(out.AddNamespaces, Namespace(n))
	}
	for _, p := range s.AddPods {
		out.AddPods = append(out.AddPods, buildPod(p))
	}
	for _, p := range s.DeletePods {
		out.DeletePods = append(out.DeletePods, PeerKey(p))
	}
	return out
}
