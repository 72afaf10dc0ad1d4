package probes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/cnpc-dev/cnpc/cases"
)

// ServerConfig says who a server is and what it serves.
type ServerConfig struct {
	Identity cases.PeerKey `json:"identity"`
	Ports    []cases.Port  `json:"ports"`
	// Host is the address to listen on; empty means every address. Port 0 picks a free port
	// (tests use both on loopback).
	Host string `json:"host,omitempty"`
}

// PortStatus is what became of one configured port: serving on Bound, or unsupported with Reason.
type PortStatus struct {
	Port   cases.Port
	Bound  int32
	Reason string
}

// Serving reports whether the port is being served.
func (p PortStatus) Serving() bool { return p.Reason == "" }

// Server answers on every configured port with its identity line.
type Server struct {
	identity cases.PeerKey
	log      *slog.Logger
	status   []PortStatus
	streams  []streamSocket // TCP and SCTP
	packets  []packetSocket // UDP
	wg       sync.WaitGroup
}

// streamSocket and packetSocket pair an open socket with the identity it answers with (package net
// sees SCTP listeners as TCP, so the protocol is kept here).
type streamSocket struct {
	ln net.Listener
	id Identity
}

type packetSocket struct {
	pc *net.UDPConn
	id Identity
}

// Listen opens every port of cfg in the calling thread's network namespace. A port whose protocol
// the kernel lacks (SCTP here) is logged and reported as unsupported, and the rest are served; any
// other failure (address in use, bad host) closes what was opened and is returned. A nil log
// discards.
func Listen(cfg ServerConfig, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if _, err := cases.ParsePeerKey(string(cfg.Identity)); err != nil {
		return nil, fmt.Errorf("server identity: %w", err)
	}
	var host netip.Addr
	if cfg.Host != "" {
		h, err := netip.ParseAddr(cfg.Host)
		if err != nil {
			return nil, fmt.Errorf("server host: found %q, expected an IP address or empty for all", cfg.Host)
		}
		host = h
	}
	s := &Server{identity: cfg.Identity, log: log}
	for _, p := range cfg.Ports {
		if err := s.open(host, p); err != nil {
			s.closeAll()
			return nil, fmt.Errorf("listen on %s: %w", p, err)
		}
	}
	return s, nil
}

func (s *Server) open(host netip.Addr, p cases.Port) error {
	addr := net.JoinHostPort(hostString(host), strconv.Itoa(int(p.Port)))
	switch p.Protocol {
	case corev1.ProtocolTCP:
		ln, err := net.Listen("tcp"+family(host), addr)
		if err != nil {
			return err
		}
		s.addStream(p, ln)
		return nil
	case corev1.ProtocolUDP:
		pc, err := net.ListenUDP("udp"+family(host), net.UDPAddrFromAddrPort(netip.AddrPortFrom(host, uint16(p.Port))))
		if err != nil {
			return err
		}
		bound := boundPort(pc.LocalAddr())
		s.packets = append(s.packets, packetSocket{pc, Identity{Peer: s.identity, Protocol: p.Protocol, Port: bound}})
		s.status = append(s.status, PortStatus{Port: p, Bound: bound})
		return nil
	case corev1.ProtocolSCTP:
		ln, err := listenSCTP(host, p.Port)
		var uns *unsupportedError
		if errors.As(err, &uns) {
			s.log.Warn("port unsupported, serving the others", "port", p.String(), "reason", err.Error())
			s.status = append(s.status, PortStatus{Port: p, Reason: err.Error()})
			return nil
		}
		if err != nil {
			return err
		}
		s.addStream(p, ln)
		return nil
	}
	return fmt.Errorf("found protocol %q, expected TCP, UDP or SCTP", p.Protocol)
}

func (s *Server) addStream(p cases.Port, ln net.Listener) {
	bound := boundPort(ln.Addr())
	s.streams = append(s.streams, streamSocket{ln, Identity{Peer: s.identity, Protocol: p.Protocol, Port: bound}})
	s.status = append(s.status, PortStatus{Port: p, Bound: bound})
}

// Ports reports every configured port, in configuration order.
func (s *Server) Ports() []PortStatus { return append([]PortStatus(nil), s.status...) }

// Serve answers until ctx ends, then closes every socket and waits for its goroutines.
func (s *Server) Serve(ctx context.Context) {
	for _, st := range s.status {
		if st.Serving() {
			s.log.Info("serving", "identity", s.identity.String(), "port", st.Port.String(), "bound", st.Bound)
		}
	}
	for _, st := range s.streams {
		s.wg.Go(func() { s.acceptLoop(st.ln, st.id) })
	}
	for _, pk := range s.packets {
		s.wg.Go(func() { s.packetLoop(pk.pc, pk.id) })
	}
	<-ctx.Done()
	s.closeAll()
	s.wg.Wait()
}

func (s *Server) closeAll() {
	for _, st := range s.streams {
		st.ln.Close()
	}
	for _, pk := range s.packets {
		pk.pc.Close()
	}
}

func (s *Server) acceptLoop(ln net.Listener, id Identity) {
	line := []byte(id.Line())
	for {
		conn, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			s.log.Warn("accept failed", "port", fmt.Sprintf("%s/%d", id.Protocol, id.Port), "error", err.Error())
			time.Sleep(50 * time.Millisecond) // e.g. EMFILE: let connections drain
			continue
		}
		s.wg.Go(func() {
			defer conn.Close()
			_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := conn.Write(line); err != nil {
				s.log.Debug("answer failed", "peer", conn.RemoteAddr().String(), "error", err.Error())
			}
		})
	}
}

// packetLoop answers every datagram with the identity line, from the address it was sent to,
// except datagrams that are themselves identity lines, so two servers never answer each other.
func (s *Server) packetLoop(pc *net.UDPConn, id Identity) {
	line := []byte(id.Line())
	conn := newDatagramConn(pc)
	buf, oob := make([]byte, 2048), make([]byte, 128)
	for {
		n, dst, from, err := conn.readFrom(buf, oob)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			s.log.Debug("read failed", "port", fmt.Sprintf("UDP/%d", id.Port), "error", err.Error())
			continue
		}
		if _, err := ParseIdentity(string(buf[:n])); err == nil {
			continue
		}
		if err := conn.writeTo(line, dst, from); err != nil {
			s.log.Debug("answer failed", "peer", from.String(), "error", err.Error())
		}
	}
}

func boundPort(a net.Addr) int32 {
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return int32(ap.Port())
	}
	return 0
}

// family is the suffix of the network to listen on: "4" or "6" for a host address, so that
// 0.0.0.0 means IPv4 only, and "" (dual stack) for every address.
func family(h netip.Addr) string {
	switch {
	case !h.IsValid():
		return ""
	case h.Unmap().Is4():
		return "4"
	}
	return "6"
}

func hostString(h netip.Addr) string {
	if !h.IsValid() {
		return ""
	}
	return h.String()
}
