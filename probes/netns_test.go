package probes

import (
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// TestNetns probes from a client namespace to a server namespace through a veth pair, with
// iptables rules in the server namespace making each port's answer: no rule connects, DROP times
// out, REJECT (each flavour) is refused. Every port except 86 is served, so a refusal comes from
// the rule, not from a closed port.
func TestNetns(t *testing.T) {
	p := newNetnsPair(t)
	var ports []cases.Port
	for port := int32(80); port <= 85; port++ {
		ports = append(ports, cases.Port{Port: port, Protocol: corev1.ProtocolTCP}, cases.Port{Port: port, Protocol: corev1.ProtocolUDP})
	}
	p.serve(t, ServerConfig{Identity: "y/b", Ports: ports})
	// The server namespace sends 7 ICMP errors to one peer at once here; Linux's per-peer ICMP
	// rate limit (net.ipv4.icmp_ratelimit, a burst of 6) would turn the last refusals into
	// timeouts. This test is about the mapping, so it lifts the limit in its own namespace.
	mustRun(t, "ip", "netns", "exec", p.server, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0")
	for _, proto := range []string{"tcp", "udp"} {
		p.iptables(t, p.server, "-A", "INPUT", "-p", proto, "--dport", "81", "-j", "DROP")
		p.iptables(t, p.server, "-A", "INPUT", "-p", proto, "--dport", "82", "-j", "REJECT")
		p.iptables(t, p.server, "-A", "INPUT", "-p", proto, "--dport", "84", "-j", "REJECT", "--reject-with", "icmp-admin-prohibited")
		p.iptables(t, p.server, "-A", "INPUT", "-p", proto, "--dport", "85", "-j", "REJECT", "--reject-with", "icmp-host-unreachable")
	}
	p.iptables(t, p.server, "-A", "INPUT", "-p", "tcp", "--dport", "83", "-j", "REJECT", "--reject-with", "tcp-reset")
	tests := []struct {
		name    string
		proto   corev1.Protocol
		port    int32
		expect  string
		want    cases.Outcome
		wantErr string
	}{
		{"tcp no rule", "TCP", 80, "y/b", cases.Connected, ""},
		{"udp no rule", "UDP", 80, "y/b", cases.Connected, ""},
		{"tcp drop", "TCP", 81, "y/b", cases.Timeout, "i/o timeout"},
		{"udp drop", "UDP", 81, "y/b", cases.Timeout, "i/o timeout"},
		{"tcp reject port-unreachable", "TCP", 82, "y/b", cases.Refused, "connection refused"},
		{"udp reject port-unreachable", "UDP", 82, "y/b", cases.Refused, "connection refused"},
		{"tcp reject tcp-reset", "TCP", 83, "y/b", cases.Refused, "connection refused"},
		{"udp no rule on 83", "UDP", 83, "y/b", cases.Connected, ""},
		{"tcp reject admin-prohibited", "TCP", 84, "y/b", cases.Refused, "no route to host"},
		{"udp reject admin-prohibited", "UDP", 84, "y/b", cases.Refused, "no route to host"},
		// UDP hears host-unreachable only because the prober sets IP_RECVERR (see recvErr).
		{"tcp reject host-unreachable", "TCP", 85, "y/b", cases.Refused, "no route to host"},
		{"udp reject host-unreachable", "UDP", 85, "y/b", cases.Refused, "no route to host"},
		{"tcp closed port", "TCP", 86, "y/b", cases.Refused, "connection refused"},
		{"udp closed port", "UDP", 86, "y/b", cases.Refused, "connection refused"},
		{"tcp wrong identity", "TCP", 80, "x/c", cases.Error, "answered by y/b, expected x/c"},
		{"udp wrong identity", "UDP", 80, "x/c", cases.Error, "answered by y/b, expected x/c"},
	}
	const timeout = 750 * time.Millisecond
	b := Batch{Timeout: Duration(timeout), Attempts: 1}
	for _, tt := range tests {
		b.Targets = append(b.Targets, Target{Name: tt.name, IP: p.serverIP, Port: tt.port, Protocol: tt.proto, Expect: tt.expect})
	}
	resp, wall := p.probeFromClient(t, b)
	t.Logf("%d targets from %s to %s in %s (prober's own count %s)", len(b.Targets), p.clientIP, p.serverIP, wall, time.Duration(resp.Elapsed))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := resp.Results[i]
			if r.Name != tt.name || r.Outcome != tt.want || !strings.Contains(r.Error, tt.wantErr) {
				t.Errorf("%s %s/%d: got %s %q, want %s with error containing %q", r.Name, r.Protocol, r.Port, r.Outcome, r.Error, tt.want, tt.wantErr)
			}
		})
	}
}

// TestNetnsLocalEgress: rules in the client's own OUTPUT chain (egress enforced in the source
// namespace) must read as denied, never as connected or error. What Linux does here: a local
// REJECT fails a UDP send with EPERM and usually gives TCP a local ICMP error (refused); a local
// DROP fails a UDP send with EPERM but leaves TCP retransmitting its SYN until the deadline.
//
// "Usually": when the local ICMP error is not generated or not delivered, TCP learns nothing and
// retries its SYN after the 1 s initial RTO, past this test's 750 ms. CI saw that once (TCP/80
// timed out); 40 fresh namespace pairs in a row here never did, and a tight loop of 300 connects
// here lost 5 to the kernel's ICMP rate limit (nstat: IcmpOutDestUnreachs 295). Refused and
// timeout both read as denied, which is all a policy verdict uses, so the TCP REJECT row accepts
// either, each with its own error text; connected or error still fails.
func TestNetnsLocalEgress(t *testing.T) {
	p := newNetnsPair(t)
	p.serve(t, ServerConfig{Identity: "y/b", Ports: []cases.Port{
		{Port: 80, Protocol: "TCP"}, {Port: 80, Protocol: "UDP"}, {Port: 81, Protocol: "TCP"}, {Port: 81, Protocol: "UDP"},
	}})
	for _, proto := range []string{"tcp", "udp"} {
		p.iptables(t, p.client, "-A", "OUTPUT", "-p", proto, "--dport", "80", "-j", "REJECT")
		p.iptables(t, p.client, "-A", "OUTPUT", "-p", proto, "--dport", "81", "-j", "DROP")
	}
	timeout := map[cases.Outcome]string{cases.Timeout: "i/o timeout"}
	eperm := map[cases.Outcome]string{cases.Refused: "operation not permitted"}
	rejected := map[cases.Outcome]string{cases.Refused: "connection refused", cases.Timeout: "i/o timeout"}
	tests := []struct {
		proto corev1.Protocol
		port  int32
		want  map[cases.Outcome]string // outcome -> text its error must contain
	}{
		{"TCP", 80, rejected},
		{"UDP", 80, eperm},
		{"TCP", 81, timeout},
		{"UDP", 81, eperm},
	}
	b := Batch{Timeout: Duration(750 * time.Millisecond)}
	for _, tt := range tests {
		b.Targets = append(b.Targets, Target{Name: "y/b", IP: p.serverIP, Port: tt.port, Protocol: tt.proto, Expect: "y/b"})
	}
	resp, _ := p.probeFromClient(t, b)
	for i, tt := range tests {
		r := resp.Results[i]
		wantErr, ok := tt.want[r.Outcome]
		if !ok || !strings.Contains(r.Error, wantErr) {
			t.Errorf("%s/%d with a local OUTPUT rule: got %s %q, want one of %v (outcome: text in its error)", r.Protocol, r.Port, r.Outcome, r.Error, tt.want)
		}
	}
}

// TestNetnsIPv6 repeats the main rows over IPv6 with ip6tables. Observed here (kernel 6.18, veth):
// a TCP SYN rejected with an ICMPv6 error (port-unreachable, adm-prohibited) gets no error back to
// the client and times out, while UDP hears the same ICMPv6 as refused; we have not established
// why. Those TCP rows accept either denial; tcp-reset is what must read as refused.
func TestNetnsIPv6(t *testing.T) {
	p := newNetnsPair(t)
	var ports []cases.Port
	for port := int32(80); port <= 83; port++ {
		ports = append(ports, cases.Port{Port: port, Protocol: corev1.ProtocolTCP}, cases.Port{Port: port, Protocol: corev1.ProtocolUDP})
	}
	p.serve(t, ServerConfig{Identity: "y/b", Ports: ports})
	mustRun(t, "ip", "netns", "exec", p.server, "sysctl", "-qw", "net.ipv6.icmp.ratelimit=0")
	for _, proto := range []string{"tcp", "udp"} {
		p.ip6tables(t, p.server, "-A", "INPUT", "-p", proto, "--dport", "81", "-j", "DROP")
		p.ip6tables(t, p.server, "-A", "INPUT", "-p", proto, "--dport", "83", "-j", "REJECT", "--reject-with", "adm-prohibited")
	}
	p.ip6tables(t, p.server, "-A", "INPUT", "-p", "tcp", "--dport", "82", "-j", "REJECT", "--reject-with", "tcp-reset")
	p.ip6tables(t, p.server, "-A", "INPUT", "-p", "udp", "--dport", "82", "-j", "REJECT")
	denied := []cases.Outcome{cases.Refused, cases.Timeout}
	tests := []struct {
		proto corev1.Protocol
		port  int32
		want  []cases.Outcome
	}{
		{"TCP", 80, []cases.Outcome{cases.Connected}},
		{"UDP", 80, []cases.Outcome{cases.Connected}},
		{"TCP", 81, []cases.Outcome{cases.Timeout}},
		{"UDP", 81, []cases.Outcome{cases.Timeout}},
		{"TCP", 82, []cases.Outcome{cases.Refused}}, // tcp-reset
		{"UDP", 82, []cases.Outcome{cases.Refused}}, // icmp6-port-unreachable
		{"TCP", 83, denied},                         // adm-prohibited, see above
		{"UDP", 83, []cases.Outcome{cases.Refused}}, // adm-prohibited arrives as EACCES
		{"TCP", 84, []cases.Outcome{cases.Refused}}, // closed port
		{"UDP", 84, []cases.Outcome{cases.Refused}},
	}
	b := Batch{Timeout: Duration(750 * time.Millisecond)}
	for _, tt := range tests {
		b.Targets = append(b.Targets, Target{Name: "y/b", IP: p.serverIP6, Port: tt.port, Protocol: tt.proto, Expect: "y/b"})
	}
	resp, _ := p.probeFromClient(t, b)
	for i, tt := range tests {
		r := resp.Results[i]
		if !slices.Contains(tt.want, r.Outcome) {
			t.Errorf("[%s]:%d %s: got %s %q, want one of %v", r.IP, r.Port, r.Protocol, r.Outcome, r.Error, tt.want)
		}
	}
}

// TestNetnsSecondaryAddress probes a server address that is not the one the kernel would pick as
// the source of the reply. A UDP reply must still come from the address probed, or the prober's
// connected socket drops it and an open port reads as timeout, i.e. as blocked. Port 80 is served
// on a dual-stack socket (every address), port 81 on an IPv4-only one (0.0.0.0).
func TestNetnsSecondaryAddress(t *testing.T) {
	p := newNetnsPair(t)
	secondary := strings.Replace(p.serverIP, "10.250.", "10.251.", 1)
	mustRun(t, "ip", "-n", p.server, "addr", "add", secondary+"/32", "dev", "lo")
	mustRun(t, "ip", "-n", p.client, "route", "add", secondary+"/32", "via", p.serverIP)
	p.serve(t, ServerConfig{Identity: "y/b", Ports: []cases.Port{{Port: 80, Protocol: "TCP"}, {Port: 80, Protocol: "UDP"}}})
	p.serve(t, ServerConfig{Identity: "y/b", Host: "0.0.0.0", Ports: []cases.Port{{Port: 81, Protocol: "TCP"}, {Port: 81, Protocol: "UDP"}}})
	b := Batch{Timeout: Duration(750 * time.Millisecond)}
	for _, ip := range []string{p.serverIP, secondary} {
		for _, port := range []int32{80, 81} {
			for _, proto := range []corev1.Protocol{"TCP", "UDP"} {
				b.Targets = append(b.Targets, Target{Name: "y/b", IP: ip, Port: port, Protocol: proto, Expect: "y/b"})
			}
		}
	}
	resp, _ := p.probeFromClient(t, b)
	for _, r := range resp.Results {
		if r.Outcome != cases.Connected {
			t.Errorf("%s %s/%d: got %s %q, want connected", r.IP, r.Protocol, r.Port, r.Outcome, r.Error)
		}
	}
}
