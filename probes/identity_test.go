package probes

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func TestParseIdentity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		line    string
		want    Identity
		wantErr string
	}{
		{name: "pod", line: "cnpc x/a TCP 80\n", want: Identity{Peer: "x/a", Protocol: corev1.ProtocolTCP, Port: 80}},
		{name: "external without newline", line: "cnpc outside UDP 53", want: Identity{Peer: "outside", Protocol: corev1.ProtocolUDP, Port: 53}},
		{name: "crlf", line: "cnpc y/b SCTP 81\r\n", want: Identity{Peer: "y/b", Protocol: corev1.ProtocolSCTP, Port: 81}},
		{name: "other server", line: "HTTP/1.1 400 Bad Request\r\n", wantErr: `found "HTTP/1.1 400 Bad Request\r\n", expected a cnpc identity line "cnpc <peer> <protocol> <port>"`},
		{name: "bad peer", line: "cnpc x/a/b TCP 80\n", wantErr: `identity line "cnpc x/a/b TCP 80\n": peer "x/a/b": expected namespace/pod or an external host name, found 2 slashes`},
		{name: "bad protocol", line: "cnpc x/a ICMP 80", wantErr: `identity line "cnpc x/a ICMP 80": found protocol "ICMP", expected TCP, UDP or SCTP`},
		{name: "bad port", line: "cnpc x/a TCP 70000", wantErr: `identity line "cnpc x/a TCP 70000": found port "70000", expected 0-65535`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseIdentity(tt.line)
			if gotErr := errString(err); gotErr != tt.wantErr {
				t.Fatalf("error = %q, want %q", gotErr, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseIdentity(%q) (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

func TestIdentityLineRoundTrip(t *testing.T) {
	t.Parallel()
	id := Identity{Peer: "z/c", Protocol: corev1.ProtocolUDP, Port: 81}
	if got, want := id.Line(), "cnpc z/c UDP 81\n"; got != want {
		t.Fatalf("Line() = %q, want %q", got, want)
	}
	got, err := ParseIdentity(id.Line())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(id, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
