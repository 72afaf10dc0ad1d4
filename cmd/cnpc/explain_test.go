package main

import (
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	file := goldenDir + "cross-namespace-both-sides.yaml"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "default step is the last, and says so",
			args: []string{"explain", file, "--from", "x/a", "--to", "y/a", "--port", "80"},
			want: `step 2 of 3 "x/a may now send only to z" (the last; choose another with --step)
x/a -> y/a TCP/80: denied
  egress of x/a: isolated by x/to-y; no rule admits y/a on TCP/80: denied
    x/to-y egress[0]: to does not select y/a
  ingress of y/a: isolated by y/deny-in, y/from-x; admitted by y/from-x ingress[0] from[0] ports (all): allowed
`,
		},
		{
			name: "chosen step, flags after the file, lower-case protocol",
			args: []string{"explain", file, "--step", "0", "--protocol", "tcp", "--from", "x/a", "--to", "y/a", "--port", "80"},
			want: `step 0 of 3 "x/a may send to y, y/a admits nobody" (chosen with --step)
x/a -> y/a TCP/80: denied
  egress of x/a: isolated by x/to-y; admitted by x/to-y egress[0] to[0] ports (all): allowed
  ingress of y/a: isolated by y/deny-in; no rule admits x/a on TCP/80: denied
`,
		},
		{
			name: "unisolated side",
			args: []string{"explain", file, "--step", "1", "--from", "y/a", "--to", "x/a", "--port", "80"},
			want: `step 1 of 3 "y/a admits x as well" (chosen with --step)
y/a -> x/a TCP/80: allowed
  egress of y/a: not isolated for egress (no policy of its namespace selects it with policyType Egress): allowed
  ingress of x/a: not isolated for ingress (no policy of its namespace selects it with policyType Ingress): allowed
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := runCLI(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, stderr)
			}
			if out != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, tt.want)
			}
		})
	}
}

func TestExplainErrors(t *testing.T) {
	t.Parallel()
	file := goldenDir + "cross-namespace-both-sides.yaml"
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no file", []string{"explain", "--from", "x/a", "--to", "y/a", "--port", "80"}, "explain: expected one case file, found 0 arguments"},
		{"no port", []string{"explain", file, "--from", "x/a", "--to", "y/a"}, "explain: --from, --to and --port are required"},
		{"bad peer", []string{"explain", file, "--from", "x/a/b", "--to", "y/a", "--port", "80"}, `explain: --from: peer "x/a/b"`},
		{"bad protocol", []string{"explain", file, "--from", "x/a", "--to", "y/a", "--port", "80", "--protocol", "ICMP"}, `protocol "ICMP", expected TCP, UDP or SCTP`},
		{"step out of range", []string{"explain", file, "--from", "x/a", "--to", "y/a", "--port", "80", "--step", "3"}, "explain: --step: found 3, the case has steps 0 to 2"},
		{"unknown peer", []string{"explain", file, "--from", "x/zz", "--to", "y/a", "--port", "80"}, `explain: step 2: source "x/zz" is not in the topology`},
		{"port not served", []string{"explain", file, "--from", "x/a", "--to", "y/a", "--port", "81"}, "explain: step 2: destination y/a does not serve TCP/81"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, stderr, code := runCLI(t, tt.args...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}
