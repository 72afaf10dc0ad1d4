package probes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/cnpc-dev/cnpc/cases"
)

// ParseServerConfig reads a server configuration such as
// {"identity": "x/a", "ports": [{"port": 80, "protocol": "TCP"}]} and reports every problem as
// source:line:col: path: message.
func ParseServerConfig(r io.Reader, source string) (ServerConfig, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return ServerConfig{}, fmt.Errorf("read server config %s: %w", source, err)
	}
	var cfg ServerConfig
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return ServerConfig{}, decodeError(data, source, err)
	}
	pos := newJSONPositions(data)
	var errs []error
	for _, p := range cfg.problems() {
		errs = append(errs, fmt.Errorf("%s:%s: %s: %s", source, pos.at(p.path), p.path, p.msg))
	}
	return cfg, errors.Join(errs...)
}

func (c ServerConfig) problems() []problem {
	var ps []problem
	if _, err := cases.ParsePeerKey(string(c.Identity)); err != nil {
		ps = append(ps, problem{"identity", err.Error()})
	}
	if len(c.Ports) == 0 {
		ps = append(ps, problem{"ports", "missing, expected at least one port"})
	}
	seen := map[cases.Port]bool{}
	for i, p := range c.Ports {
		path := fmt.Sprintf("ports[%d]", i)
		if p.Port < 1 || p.Port > 65535 {
			ps = append(ps, problem{path + ".port", fmt.Sprintf("found %d, expected 1-65535", p.Port)})
		}
		if !validProtocol(p.Protocol) {
			ps = append(ps, problem{path + ".protocol", fmt.Sprintf("found %q, expected TCP, UDP or SCTP", p.Protocol)})
		}
		key := cases.Port{Port: p.Port, Protocol: p.Protocol}
		if seen[key] {
			ps = append(ps, problem{path, fmt.Sprintf("duplicate of an earlier port %s", key)})
		}
		seen[key] = true
	}
	return ps
}
