package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/probes"
)

// serveFlags are the flags of "cnpc-probe serve".
type serveFlags struct {
	identity string
	ports    string
	config   string
	host     string
	verbose  bool
}

func runServe(args []string, s streams) error {
	var f serveFlags
	fs := flag.NewFlagSet("cnpc-probe serve", flag.ContinueOnError)
	fs.StringVar(&f.identity, "identity", "", "who this server is: namespace/pod, or an external host's name")
	fs.StringVar(&f.ports, "ports", "", "ports to serve, e.g. 80/TCP,80/UDP,80/SCTP,81/TCP")
	fs.StringVar(&f.config, "config", "", "JSON file with identity and ports, instead of the two flags")
	fs.StringVar(&f.host, "host", "", "address to listen on (default: every address)")
	fs.BoolVar(&f.verbose, "v", false, "log every answer failure")
	if err := parseFlags(fs, args, s); err != nil {
		return err
	}
	cfg, err := f.serverConfig()
	if err != nil {
		return inputError(err)
	}
	level := slog.LevelInfo
	if f.verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: level}))
	srv, err := probes.Listen(cfg, log)
	if err != nil {
		return err // an environment failure: exit 3
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv.Serve(ctx)
	log.Info("stopped", "reason", context.Cause(ctx).Error())
	return nil
}

func (f serveFlags) serverConfig() (probes.ServerConfig, error) {
	if f.config != "" {
		if f.identity != "" || f.ports != "" {
			return probes.ServerConfig{}, fmt.Errorf("--config excludes --identity and --ports")
		}
		file, err := os.Open(f.config)
		if err != nil {
			return probes.ServerConfig{}, fmt.Errorf("open server config: %w", err)
		}
		defer file.Close()
		cfg, err := probes.ParseServerConfig(file, f.config)
		if cfg.Host == "" {
			cfg.Host = f.host
		}
		return cfg, err
	}
	if f.identity == "" || f.ports == "" {
		return probes.ServerConfig{}, fmt.Errorf("serve needs --identity and --ports, or --config")
	}
	id, err := cases.ParsePeerKey(f.identity)
	if err != nil {
		return probes.ServerConfig{}, fmt.Errorf("--identity: %w", err)
	}
	ports, err := probes.ParsePorts(f.ports)
	if err != nil {
		return probes.ServerConfig{}, fmt.Errorf("--ports: %w", err)
	}
	return probes.ServerConfig{Identity: id, Ports: ports, Host: f.host}, nil
}
