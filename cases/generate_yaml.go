package cases

import (
	"bytes"
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
	networkingv1 "k8s.io/api/networking/v1"
)

// The case file format of issue 2, as written by `cnpc cases generate`. Field order follows the
// format's example; policies are written as full manifests with the Kubernetes JSON field names.
type caseDoc struct {
	Name        string    `yaml:"name"`
	Description string    `yaml:"description,omitempty"`
	Source      string    `yaml:"source,omitempty"`
	Features    []Feature `yaml:"features,flow"`
	Topology    *topoDoc  `yaml:"topology,omitempty"`
	Steps       []stepDoc `yaml:"steps"`
}

type topoDoc struct {
	Namespaces []nsDoc  `yaml:"namespaces,omitempty"`
	Pods       []podDoc `yaml:"pods,omitempty"`
	Externals  []extDoc `yaml:"externals,omitempty"`
}

type nsDoc struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels,omitempty,flow"`
}

type portDoc struct {
	Name     string `yaml:"name,omitempty"`
	Port     int32  `yaml:"port"`
	Protocol string `yaml:"protocol"`
}

type podDoc struct {
	Namespace string            `yaml:"namespace"`
	Name      string            `yaml:"name"`
	Labels    map[string]string `yaml:"labels,omitempty,flow"`
	IP        string            `yaml:"ip"`
	Ports     []portDoc         `yaml:"ports,flow"`
}

type extDoc struct {
	Name  string    `yaml:"name"`
	IP    string    `yaml:"ip"`
	Ports []portDoc `yaml:"ports,flow"`
}

type refDoc struct {
	Namespace string `yaml:"namespace"`
	Name      string `yaml:"name"`
}

type podLabelsDoc struct {
	Pod    string            `yaml:"pod"`
	Labels map[string]string `yaml:"labels,flow"`
}

type nsLabelsDoc struct {
	Namespace string            `yaml:"namespace"`
	Labels    map[string]string `yaml:"labels,flow"`
}

type stepDoc struct {
	Name               string         `yaml:"name"`
	AddNamespaces      []nsDoc        `yaml:"addNamespaces,omitempty"`
	AddPods            []podDoc       `yaml:"addPods,omitempty"`
	SetPodLabels       []podLabelsDoc `yaml:"setPodLabels,omitempty"`
	SetNamespaceLabels []nsLabelsDoc  `yaml:"setNamespaceLabels,omitempty"`
	Delete             []refDoc       `yaml:"delete,omitempty"`
	Apply              []any          `yaml:"apply,omitempty"`
	DeletePods         []string       `yaml:"deletePods,omitempty,flow"`
	DeleteNamespaces   []string       `yaml:"deleteNamespaces,omitempty,flow"`
	Graded             []string       `yaml:"graded,omitempty,flow"`
}

// MarshalCase writes c in the case file format, so that loading the result gives c back.
func MarshalCase(c *Case) ([]byte, error) {
	doc := caseDoc{Name: c.Name, Description: c.Description, Source: c.Source, Features: c.Features}
	if c.Topology != nil {
		doc.Topology = topologyDoc(*c.Topology)
	}
	for i, st := range c.Steps {
		sd, err := stepToDoc(st)
		if err != nil {
			return nil, fmt.Errorf("case %s: steps[%d]: %w", c.Name, i, err)
		}
		doc.Steps = append(doc.Steps, sd)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("case %s: %w", c.Name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("case %s: %w", c.Name, err)
	}
	return b.Bytes(), nil
}

func topologyDoc(t Topology) *topoDoc {
	d := &topoDoc{}
	for _, n := range t.Namespaces {
		d.Namespaces = append(d.Namespaces, nsDoc(n))
	}
	for _, p := range t.Pods {
		d.Pods = append(d.Pods, podToDoc(p))
	}
	for _, e := range t.Externals {
		d.Externals = append(d.Externals, extDoc{Name: e.Name, IP: e.IP, Ports: portsDoc(e.Ports)})
	}
	return d
}

func podToDoc(p Pod) podDoc {
	return podDoc{Namespace: p.Namespace, Name: p.Name, Labels: p.Labels, IP: p.IP, Ports: portsDoc(p.Ports)}
}

func portsDoc(ps []Port) []portDoc {
	out := make([]portDoc, len(ps))
	for i, p := range ps {
		out[i] = portDoc{Name: p.Name, Port: p.Port, Protocol: string(p.Protocol)}
	}
	return out
}

func stepToDoc(st Step) (stepDoc, error) {
	d := stepDoc{Name: st.Name, DeleteNamespaces: st.DeleteNamespaces}
	for _, t := range st.Graded {
		d.Graded = append(d.Graded, t.String())
	}
	for _, n := range st.AddNamespaces {
		d.AddNamespaces = append(d.AddNamespaces, nsDoc(n))
	}
	for _, p := range st.AddPods {
		d.AddPods = append(d.AddPods, podToDoc(p))
	}
	for _, l := range st.SetPodLabels {
		d.SetPodLabels = append(d.SetPodLabels, podLabelsDoc{Pod: l.Pod.String(), Labels: l.Labels})
	}
	for _, l := range st.SetNamespaceLabels {
		d.SetNamespaceLabels = append(d.SetNamespaceLabels, nsLabelsDoc(l))
	}
	for _, r := range st.Delete {
		d.Delete = append(d.Delete, refDoc(r))
	}
	for _, k := range st.DeletePods {
		d.DeletePods = append(d.DeletePods, k.String())
	}
	// The policies as written, placeholders included: a file of resolved prediction IPs would
	// name addresses a live cluster never gives its pods.
	apply := st.Apply
	if st.Templates != nil {
		apply = st.Templates
	}
	for i, p := range apply {
		m, err := policyManifest(p)
		if err != nil {
			return d, fmt.Errorf("apply[%d]: %w", i, err)
		}
		d.Apply = append(d.Apply, m)
	}
	return d, nil
}

// policyManifest turns a NetworkPolicy into a generic map with its JSON field names (yaml.v3 does
// not read json tags), dropping the null and empty values the API types carry, such as
// metadata.creationTimestamp.
func policyManifest(p networkingv1.NetworkPolicy) (any, error) {
	p.APIVersion, p.Kind = "networking.k8s.io/v1", "NetworkPolicy"
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("policy %s/%s: %w", p.Namespace, p.Name, err)
	}
	var m any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("policy %s/%s: %w", p.Namespace, p.Name, err)
	}
	return dropNulls(m), nil
}

func dropNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
				continue
			}
			t[k] = dropNulls(e)
		}
	case []any:
		for i, e := range t {
			t[i] = dropNulls(e)
		}
	}
	return v
}
