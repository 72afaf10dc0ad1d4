package cases

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Validate checks the case as Load does (header, topology, steps and every policy, after
// defaulting and placeholder resolution on a copy) and returns an ErrorList, or nil. Cases built
// in code (the generator) call it; loaded cases have already passed it. Errors of a case built in
// code carry field paths but no line and column.
func (c *Case) Validate() error {
	r := newReporter(c.File)
	c.Clone().check(r)
	return r.errs.orNil()
}

// check defaults the policies of c in place, resolves their placeholders, validates everything
// and returns the state after each step. Problems go to r; the states are meaningful only when
// r has none.
func (c *Case) check(r *reporter) []State {
	c.validateHeader(r)
	if c.Topology != nil {
		validateTopology(r, c.Topology, "topology", c.TopologyBase != "")
	}
	return c.replay(r)
}

func (c *Case) validateHeader(r *reporter) {
	switch {
	case c.Name == "":
		r.addf("name", "missing, expected a case name")
	default:
		for _, msg := range validation.IsDNS1123Label(c.Name) {
			r.addf("name", "found %q: %s", c.Name, msg)
		}
	}
	seen := map[Feature]bool{}
	for i, f := range c.Features {
		if seen[f] {
			r.addf(index("features", i), "found %q twice, expected each feature once", f)
		}
		seen[f] = true
	}
	if len(c.Steps) == 0 {
		r.addf("steps", "found no steps, expected at least one")
	}
	for i, s := range c.Steps {
		if s.Name == "" {
			r.addf(join(index("steps", i), "name"), "missing, expected a step name")
		}
	}
}

// validateTopology checks a case's own topology: names, uniqueness, labels, IPs and ports. With a
// base, a missing namespace list is the base's problem, reported on its own.
func validateTopology(r *reporter, t *Topology, path string, hasBase bool) {
	if len(t.Namespaces) == 0 && !hasBase {
		r.addf(join(path, "namespaces"), "found no namespaces, expected at least one")
	}
	namespaces := map[string]bool{}
	for i, n := range t.Namespaces {
		p := index(join(path, "namespaces"), i)
		validateNamespace(r, n, p)
		if namespaces[n.Name] {
			r.addf(join(p, "name"), "found namespace %q twice, expected unique names", n.Name)
		}
		namespaces[n.Name] = true
	}
	pods := map[PeerKey]bool{}
	ips := map[string]PeerKey{}
	for i, pod := range t.Pods {
		p := index(join(path, "pods"), i)
		validatePod(r, pod, p)
		if pod.Namespace != "" && !namespaces[pod.Namespace] {
			r.addf(join(p, "namespace"), "found %q, expected a namespace of the topology", pod.Namespace)
		}
		if pods[pod.Key()] {
			r.addf(join(p, "name"), "found pod %s twice, expected unique pods", pod.Key())
		}
		pods[pod.Key()] = true
		uniqueIP(r, ips, pod.Key(), pod.IP, join(p, "ip"))
	}
	externals := map[string]bool{}
	for i, e := range t.Externals {
		p := index(join(path, "externals"), i)
		validateExternal(r, e, p)
		if externals[e.Name] {
			r.addf(join(p, "name"), "found external host %q twice, expected unique names", e.Name)
		}
		externals[e.Name] = true
		uniqueIP(r, ips, e.Key(), e.IP, join(p, "ip"))
	}
}

// uniqueIP reports an IP that another peer already has: ipBlock peers match by IP, so two peers
// with one IP could not be told apart.
func uniqueIP(r *reporter, ips map[string]PeerKey, k PeerKey, ip, path string) {
	if ip == "" {
		return
	}
	if other, ok := ips[ip]; ok {
		r.addf(path, "found %s, which %s already has, expected a unique IP", ip, other)
		return
	}
	ips[ip] = k
}

// validateNamespace checks a namespace's name (a DNS-1123 label, as the API server requires) and
// labels. kubernetes.io/metadata.name is implied and, if written, must equal the name.
func validateNamespace(r *reporter, n Namespace, path string) {
	validateName(r, n.Name, join(path, "name"), validation.IsDNS1123Label)
	validateLabels(r, n.Labels, join(path, "labels"))
	if v, ok := n.Labels[LabelMetadataName]; ok && v != n.Name {
		r.addf(key(join(path, "labels"), LabelMetadataName), "found %q, expected %q: the API server sets it to the namespace's name", v, n.Name)
	}
}

// validatePod checks a pod's name (a DNS-1123 subdomain), labels, IP and ports.
func validatePod(r *reporter, p Pod, path string) {
	if p.Namespace == "" {
		r.addf(join(path, "namespace"), "missing, expected the pod's namespace")
	}
	validateName(r, p.Name, join(path, "name"), validation.IsDNS1123Subdomain)
	validateLabels(r, p.Labels, join(path, "labels"))
	validateIP(r, p.IP, join(path, "ip"))
	validatePorts(r, p.Ports, join(path, "ports"), true)
}

// validateExternal checks an external host: its name is a peer key, so a DNS-1123 label.
func validateExternal(r *reporter, e External, path string) {
	validateName(r, e.Name, join(path, "name"), validation.IsDNS1123Label)
	validateIP(r, e.IP, join(path, "ip"))
	validatePorts(r, e.Ports, join(path, "ports"), false)
}

func validateName(r *reporter, name, path string, check func(string) []string) {
	if name == "" {
		r.addf(path, "missing, expected a name")
		return
	}
	for _, msg := range check(name) {
		r.addf(path, "found %q: %s", name, msg)
	}
}

func validateIP(r *reporter, ip, path string) {
	if ip == "" {
		r.addf(path, "missing, expected an IPv4 or IPv6 address")
		return
	}
	if _, err := ParseIP(ip); err != nil {
		r.addf(path, "%v", err)
	}
}

// validatePorts checks served ports as the API server checks container ports: a number from 1
// to 65535, protocol TCP, UDP or SCTP, an optional IANA_SVC_NAME unique in the pod. External
// hosts have no port names, since named ports never match them.
func validatePorts(r *reporter, ports []Port, path string, named bool) {
	names := map[string]bool{}
	served := map[string]bool{}
	for i, port := range ports {
		p := index(path, i)
		for _, msg := range validation.IsValidPortNum(int(port.Port)) {
			r.addf(join(p, "port"), "found %d: %s", port.Port, msg)
		}
		if !validProtocol(port.Protocol) {
			r.addf(join(p, "protocol"), "found %q, expected TCP, UDP or SCTP", port.Protocol)
		}
		if served[port.String()] {
			r.addf(p, "found %s twice, expected each port and protocol once", port)
		}
		served[port.String()] = true
		if port.Name == "" {
			continue
		}
		if !named {
			r.addf(join(p, "name"), "found %q, expected no name: named ports never match external hosts", port.Name)
			continue
		}
		for _, msg := range validation.IsValidPortName(port.Name) {
			r.addf(join(p, "name"), "found %q: %s", port.Name, msg)
		}
		if names[port.Name] {
			r.addf(join(p, "name"), "found %q twice, expected unique port names", port.Name)
		}
		names[port.Name] = true
	}
}

func validProtocol(p corev1.Protocol) bool {
	switch p {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return true
	}
	return false
}

// validateLabels checks label keys (qualified names) and values as the API server does
// (apimachinery's ValidateLabels), reporting each at its own key.
func validateLabels(r *reporter, labels map[string]string, path string) {
	for _, k := range sortedKeys(labels) {
		for _, msg := range validation.IsQualifiedName(k) {
			r.addf(key(path, k), "found label key %q: %s", k, msg)
		}
		for _, msg := range validation.IsValidLabelValue(labels[k]) {
			r.addf(key(path, k), "found label value %q: %s", labels[k], msg)
		}
	}
}
