package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/probes"
)

func TestRunErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port
	badConfig := filepath.Join(t.TempDir(), "serve.json")
	if err := os.WriteFile(badConfig, []byte("{\"identity\": \"x/a/b\",\n \"ports\": [{\"port\": 80, \"protocol\": \"ICMP\"}]}"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantErr  string
	}{
		{"no command", nil, "", exitBadInput, "no command given"},
		{"unknown command", []string{"ping"}, "", exitBadInput, `unknown command "ping"; run 'cnpc-probe help'`},
		{"probe bad json", []string{"probe"}, `{"targets": [}`, exitBadInput, "<stdin>:1:14: invalid JSON: invalid character '}' looking for beginning of value"},
		{"probe bad target", []string{"probe"}, `{"targets": [{"name": "y/b", "ip": "10.1.1.1", "port": 80, "protocol": "ICMP"}]}`, exitBadInput,
			`<stdin>:1:72: targets[0].protocol: found "ICMP", expected TCP, UDP or SCTP`},
		{"probe missing file", []string{"probe", "--file", "/nonexistent/batch.json"}, "", exitBadInput, "open batch: open /nonexistent/batch.json: no such file or directory"},
		{"probe positional", []string{"probe", "batch.json"}, "", exitBadInput, `cnpc-probe probe: unexpected argument "batch.json"`},
		{"serve no identity", []string{"serve", "--ports", "80/TCP"}, "", exitBadInput, "serve needs --identity and --ports, or --config"},
		{"serve bad ports", []string{"serve", "--identity", "x/a", "--ports", "80/ICMP,0/TCP"}, "", exitBadInput,
			"--ports: ports item 1 \"80/ICMP\": found protocol \"ICMP\", expected TCP, UDP or SCTP\nports item 2 \"0/TCP\": found port \"0\", expected 1-65535"},
		{"serve bad config", []string{"serve", "--config", badConfig}, "", exitBadInput,
			badConfig + `:1:14: identity: peer "x/a/b": expected namespace/pod or an external host name, found 2 slashes` + "\n" +
				badConfig + `:2:37: ports[0].protocol: found "ICMP", expected TCP, UDP or SCTP`},
		{"serve port in use", []string{"serve", "--identity", "x/a", "--host", "127.0.0.1", "--ports", fmt.Sprintf("%d/TCP", busyPort)}, "", exitEnvironment,
			fmt.Sprintf("listen on TCP/%d: listen tcp4 127.0.0.1:%d: bind: address already in use", busyPort, busyPort)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(tt.args, streams{In: strings.NewReader(tt.stdin), Out: &out, Err: &errOut})
			if code := exitCode(err); code != tt.wantCode || err == nil || err.Error() != tt.wantErr {
				t.Errorf("exit %d, error:\n%v\nwant exit %d, error:\n%s", code, err, tt.wantCode, tt.wantErr)
			}
			if out.Len() != 0 {
				t.Errorf("stdout should stay empty on error, got %q", out.String())
			}
		})
	}
}

// serveLoopback serves y/b on 127.0.0.1, on a free port of each protocol, until the test ends.
func serveLoopback(t *testing.T, protocols ...corev1.Protocol) *probes.Server {
	t.Helper()
	var ports []cases.Port
	for _, p := range protocols {
		ports = append(ports, cases.Port{Protocol: p})
	}
	srv, err := probes.Listen(probes.ServerConfig{Identity: "y/b", Host: "127.0.0.1", Ports: ports}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { srv.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return srv
}

// TestProbeCommand runs "probe --file" against a real loopback server and reads its stdout back
// with the exported types, as the suite does.
func TestProbeCommand(t *testing.T) {
	srv := serveLoopback(t, "TCP", "UDP")
	batch := probes.Batch{Timeout: probes.Duration(2e9)}
	for _, st := range srv.Ports() {
		batch.Targets = append(batch.Targets, probes.Target{Name: "y/b", IP: "127.0.0.1", Port: st.Bound, Protocol: st.Port.Protocol, Expect: "y/b"})
	}
	data, err := json.Marshal(batch)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "batch.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run([]string{"probe", "--file", file}, streams{In: strings.NewReader(""), Out: &out, Err: &errOut}); err != nil {
		t.Fatalf("probe: %v\nstderr: %s", err, errOut.String())
	}
	var resp probes.Response
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		t.Fatalf("stdout is not a Response: %v\n%s", err, out.String())
	}
	if len(resp.Results) != 2 {
		t.Fatalf("got %d results, want 2:\n%s", len(resp.Results), out.String())
	}
	for _, r := range resp.Results {
		if r.Outcome != cases.Connected || r.Identity != "y/b" {
			t.Errorf("%s/%d: got %s by %q (%s), want connected by y/b", r.Protocol, r.Port, r.Outcome, r.Identity, r.Error)
		}
	}
}

// TestProbeStream sends three batches on one stdin, as the suite's exec sessions do, and reads
// one response line per batch, in order, each echoing its batch's round.
func TestProbeStream(t *testing.T) {
	port := serveLoopback(t, "TCP").Ports()[0].Bound
	var in bytes.Buffer
	for i, target := range []probes.Target{
		{Name: "y/b", IP: "127.0.0.1", Port: port, Protocol: "TCP", Expect: "y/b"},
		{Name: "y/b", IP: "127.0.0.1", Port: port, Protocol: "TCP", Expect: "z/c"},
		{Name: "y/b", IP: "127.0.0.1", Port: port, Protocol: "TCP", Expect: "y/b"},
	} {
		data, err := json.Marshal(probes.Batch{Round: fmt.Sprint("r", i), Timeout: probes.Duration(2e9), Targets: []probes.Target{target}})
		if err != nil {
			t.Fatal(err)
		}
		in.Write(append(data, '\n'))
	}
	var out, errOut bytes.Buffer
	if err := run([]string{"probe", "--stream"}, streams{In: &in, Out: &out, Err: &errOut}); err != nil {
		t.Fatalf("probe --stream: %v\nstderr: %s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d response lines, want 3:\n%s", len(lines), out.String())
	}
	for i, line := range lines {
		var resp probes.Response
		if err := json.Unmarshal([]byte(line), &resp); err != nil {
			t.Fatalf("line %d is not a Response: %v\n%s", i+1, err, line)
		}
		want := cases.Connected
		if i == 1 {
			want = cases.Error // answered by y/b, expected z/c
		}
		if resp.Round != fmt.Sprint("r", i) || len(resp.Results) != 1 || resp.Results[0].Outcome != want {
			t.Errorf("line %d: round %q, results %+v; want round r%d, one result %s", i+1, resp.Round, resp.Results, i, want)
		}
	}
}

func TestProbeStreamEnds(t *testing.T) {
	tests := []struct {
		name, stdin, args, wantErr string
		code                       int
	}{
		{"a bad batch ends the stream", "{\"targets\": []}\n{\"targets\": [}\n", "", "<stdin> batch 2:1:14: invalid JSON", exitBadInput},
		{"idle", "", "--idle=1ms", "no batch for 1ms: the stream is idle, exiting", exitEnvironment},
		{"no file with a stream", "", "--file=x.json", "--stream reads stdin: it takes no --file", exitBadInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"probe", "--stream"}
			if tt.args != "" {
				args = append(args, tt.args)
			}
			var in io.Reader = strings.NewReader(tt.stdin)
			if tt.name == "idle" {
				r, w := io.Pipe() // never written, never closed: only the idle limit ends it
				defer w.Close()
				in = r
			}
			var out, errOut bytes.Buffer
			err := run(args, streams{In: in, Out: &out, Err: &errOut})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || exitCode(err) != tt.code {
				t.Errorf("error %v (exit %d), want one containing %q (exit %d)", err, exitCode(err), tt.wantErr, tt.code)
			}
		})
	}
}
