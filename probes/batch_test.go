package probes

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

func TestParseBatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    Batch
		wantErr string
	}{
		{
			name: "defaults",
			in:   `{"targets": [{"name": "y/b", "ip": "10.244.2.11", "port": 80, "protocol": "TCP", "expect": "y/b"}]}`,
			want: Batch{Timeout: Duration(time.Second), Attempts: 1, Concurrency: DefaultConcurrency, Targets: []Target{
				{Name: "y/b", IP: "10.244.2.11", Port: 80, Protocol: corev1.ProtocolTCP, Expect: "y/b"},
			}},
		},
		{
			name: "explicit",
			in:   `{"timeout": "250ms", "attempts": 3, "concurrency": 8, "targets": [{"name": "ext", "ip": "fd00::1", "port": 53, "protocol": "UDP"}]}`,
			want: Batch{Timeout: Duration(250 * time.Millisecond), Attempts: 3, Concurrency: 8, Targets: []Target{
				{Name: "ext", IP: "fd00::1", Port: 53, Protocol: corev1.ProtocolUDP},
			}},
		},
		{
			name:    "syntax error",
			in:      "{\"timeout\": \"1s\",\n \"targets\": [}",
			wantErr: "batch.json:2:14: invalid JSON: invalid character '}' looking for beginning of value",
		},
		{
			name:    "wrong type",
			in:      "{\"targets\": [\n  {\"name\": \"y/b\", \"port\": \"80\"}]}",
			wantErr: `batch.json:2:27: targets[0].port: found string, expected int32`,
		},
		{
			name:    "unknown field",
			in:      `{"targets": [], "retries": 2}`,
			wantErr: `batch.json: json: unknown field "retries"`,
		},
		{
			name:    "bad duration",
			in:      `{"timeout": "soon", "targets": []}`,
			wantErr: `batch.json: duration: found "soon", expected a string such as "1.5s"`,
		},
		{name: "empty", in: "", wantErr: "batch.json: empty input, expected a JSON batch object"},
		{
			name: "every problem, with positions",
			in: "{\"timeout\": \"2m\", \"attempts\": 11,\n \"targets\": [\n" +
				"  {\"name\": \"y/b\", \"ip\": \"10.0.0.300\", \"port\": 0, \"protocol\": \"ICMP\", \"expect\": \"a/b/c\"},\n" +
				"  {\"ip\": \"10.0.0.1\", \"port\": 80, \"protocol\": \"TCP\"}]}",
			wantErr: strings.Join([]string{
				`batch.json:1:13: timeout: found 2m0s, expected more than 0s and at most 1m0s`,
				`batch.json:1:31: attempts: found 11, expected 1-10`,
				`batch.json:3:25: targets[0].ip: found "10.0.0.300", expected an IPv4 or IPv6 address`,
				`batch.json:3:47: targets[0].port: found 0, expected 1-65535`,
				`batch.json:3:62: targets[0].protocol: found "ICMP", expected TCP, UDP or SCTP`,
				`batch.json:3:80: targets[0].expect: peer "a/b/c": expected namespace/pod or an external host name, found 2 slashes`,
				`batch.json:4:3: targets[1].name: missing, expected the target's name such as y/b`,
			}, "\n"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBatch(strings.NewReader(tt.in), "batch.json")
			if gotErr := errString(err); gotErr != tt.wantErr {
				t.Fatalf("error:\n%s\nwant:\n%s", gotErr, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseBatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateDefaultsACopy(t *testing.T) {
	t.Parallel()
	b := Batch{Targets: []Target{{Name: "y/b", IP: "10.0.0.1", Port: 80, Protocol: corev1.ProtocolTCP}}}
	if err := b.Validate(); err != nil {
		t.Fatalf("Validate of a batch relying on defaults: %v", err)
	}
	b.Attempts = -1
	if got, want := errString(b.Validate()), "attempts: found -1, expected 1-10"; got != want {
		t.Fatalf("Validate = %q, want %q", got, want)
	}
}
