package probes

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cnpc-dev/cnpc/cases"
)

func TestParsePorts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []cases.Port
		wantErr string
	}{
		{"port first", "80/TCP,80/udp,81/SCTP", []cases.Port{{Port: 80, Protocol: "TCP"}, {Port: 80, Protocol: "UDP"}, {Port: 81, Protocol: "SCTP"}}, ""},
		{"protocol first, as cases.Port prints", "TCP/80,UDP/81", []cases.Port{{Port: 80, Protocol: "TCP"}, {Port: 81, Protocol: "UDP"}}, ""},
		{"bare port is TCP", "8080", []cases.Port{{Port: 8080, Protocol: "TCP"}}, ""},
		{"every bad item", "80/ICMP,0/TCP,99999,80/TCP,TCP/80", nil,
			"ports item 1 \"80/ICMP\": found protocol \"ICMP\", expected TCP, UDP or SCTP\n" +
				"ports item 2 \"0/TCP\": found port \"0\", expected 1-65535\n" +
				"ports item 3 \"99999\": found port \"99999\", expected 1-65535\n" +
				"ports item 5 \"TCP/80\": duplicate of an earlier item"},
		{"empty", "", nil, "ports item 1 \"\": found port \"\", expected 1-65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePorts(tt.in)
			if gotErr := errString(err); gotErr != tt.wantErr {
				t.Fatalf("error:\n%s\nwant:\n%s", gotErr, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePorts(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestParsePortsReadsCasesPortString: the suite builds --ports from cases.Port.String().
func TestParsePortsReadsCasesPortString(t *testing.T) {
	t.Parallel()
	want := cases.StandardPorts()
	var items []string
	for _, p := range want {
		items = append(items, p.String())
	}
	got, err := ParsePorts(strings.Join(items, ","))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		want[i].Name = ""
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
