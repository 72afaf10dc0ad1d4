package cases

import (
	"net/netip"
	"regexp"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
)

// IP placeholders let a case name the IP of a peer in an ipBlock before the IP is known: live
// runs get real pod IPs only once the pods exist. In ipBlock.cidr and ipBlock.except, ${x/a} is
// the IP of pod x/a and ${backup} that of the external host backup; ${x/a}/32 is then an ordinary
// CIDR. A placeholder alone (cidr: ${x/a}) means the single address: /32 for IPv4, /128 for IPv6.
// Load resolves placeholders against the topology's IPs, Bind against real ones.

var placeholderPattern = regexp.MustCompile(`\$\{([^}]*)\}`)

// hasPlaceholder reports whether any ipBlock of the policies holds a placeholder.
func hasPlaceholder(policies []networkingv1.NetworkPolicy) bool {
	found := false
	for i := range policies {
		forEachCIDR(&policies[i], "", func(s *string, _ string) {
			found = found || strings.Contains(*s, "${")
		})
	}
	return found
}

// forEachCIDR calls fn with every ipBlock cidr and except of p and its field path below path.
func forEachCIDR(p *networkingv1.NetworkPolicy, path string, fn func(s *string, path string)) {
	visit := func(peers []networkingv1.NetworkPolicyPeer, path string) {
		for i := range peers {
			b := peers[i].IPBlock
			if b == nil {
				continue
			}
			bp := join(index(path, i), "ipBlock")
			fn(&b.CIDR, join(bp, "cidr"))
			for j := range b.Except {
				fn(&b.Except[j], index(join(bp, "except"), j))
			}
		}
	}
	spec := join(path, "spec")
	for i := range p.Spec.Ingress {
		visit(p.Spec.Ingress[i].From, join(index(join(spec, "ingress"), i), "from"))
	}
	for i := range p.Spec.Egress {
		visit(p.Spec.Egress[i].To, join(index(join(spec, "egress"), i), "to"))
	}
}

// resolvePlaceholders replaces, in place, every placeholder in the ipBlocks of p with the IP of
// its peer in ips. An unknown peer or a malformed placeholder is reported, and the field is
// marked bad so that CIDR validation does not report it again.
func resolvePlaceholders(r *reporter, p *networkingv1.NetworkPolicy, path string, ips map[PeerKey]string) {
	forEachCIDR(p, path, func(s *string, fp string) {
		if !strings.Contains(*s, "${") {
			return
		}
		if m := placeholderPattern.FindStringSubmatch(*s); m != nil && m[0] == *s {
			if ip, ok := ips[PeerKey(m[1])]; ok {
				*s = hostCIDR(ip)
				return
			}
		}
		ok := true
		out := placeholderPattern.ReplaceAllStringFunc(*s, func(ph string) string {
			ip, found := ips[PeerKey(ph[2:len(ph)-1])]
			if !found {
				if ok {
					r.addf(fp, "found placeholder %s, expected ${namespace/pod} or ${external} of a peer that exists at this step", ph)
				}
				ok = false
				return ph
			}
			return ip
		})
		if ok && strings.Contains(out, "${") {
			r.addf(fp, "found an unterminated placeholder in %q, expected ${peer}", *s)
			ok = false
		}
		if !ok {
			r.bad[fp] = true
			return
		}
		*s = out
	})
}

// hostCIDR returns the CIDR of the single address ip: ip/32 or ip/128.
func hostCIDR(ip string) string {
	if a, err := netip.ParseAddr(ip); err == nil && a.Is6() && !a.Is4In6() {
		return ip + "/128"
	}
	return ip + "/32"
}

// peerIPs maps every peer of t to its IP.
func peerIPs(t *Topology) map[PeerKey]string {
	out := make(map[PeerKey]string, len(t.Pods)+len(t.Externals))
	for _, p := range t.Pods {
		out[p.Key()] = p.IP
	}
	for _, e := range t.Externals {
		out[e.Key()] = e.IP
	}
	return out
}

// Bind returns a copy of the case for a live run: every pod and external host gets its real IP
// from ips (all of them must be given), and the placeholders of every step are resolved again
// against those IPs. The copy is validated again, since whether an except lies inside its cidr
// depends on the IPs. Errors carry field paths but no line and column.
func (c *Case) Bind(ips map[PeerKey]string) (*Case, error) {
	out := c.Clone()
	r := newReporter(c.File)
	t := out.BaseTopology()
	bindTopology(r, &t, ips, "topology")
	out.Topology = &t
	for i := range out.Steps {
		added := Topology{Pods: out.Steps[i].AddPods}
		bindTopology(r, &added, ips, join(index("steps", i), "addPods"))
	}
	if err := r.errs.orNil(); err != nil {
		return nil, err
	}
	out.check(r)
	if err := r.errs.orNil(); err != nil {
		return nil, err
	}
	return out, nil
}

// bindTopology sets the IP of every pod and external host of t (in place) from ips.
func bindTopology(r *reporter, t *Topology, ips map[PeerKey]string, path string) {
	set := func(k PeerKey, ip *string, p string) {
		real, ok := ips[k]
		if !ok {
			r.addf(p, "found no IP for %s, expected one for every pod and external host", k)
			return
		}
		validateIP(r, real, p)
		*ip = real
	}
	for i := range t.Pods {
		set(t.Pods[i].Key(), &t.Pods[i].IP, join(index(join(path, "pods"), i), "ip"))
	}
	for i := range t.Externals {
		set(t.Externals[i].Key(), &t.Externals[i].IP, join(index(join(path, "externals"), i), "ip"))
	}
}
