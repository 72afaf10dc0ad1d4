package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/cnpc-dev/cnpc/probes"
)

// probeFlags are the flags of "cnpc-probe probe".
type probeFlags struct {
	file string
}

func runProbe(args []string, s streams) error {
	var f probeFlags
	fs := flag.NewFlagSet("cnpc-probe probe", flag.ContinueOnError)
	fs.StringVar(&f.file, "file", "", "read the batch from this JSON file instead of stdin")
	if err := parseFlags(fs, args, s); err != nil {
		return err
	}
	in, source := s.In, "<stdin>"
	if f.file != "" {
		file, err := os.Open(f.file)
		if err != nil {
			return inputError(fmt.Errorf("open batch: %w", err))
		}
		defer file.Close()
		in, source = file, f.file
	}
	batch, err := probes.ParseBatch(in, source)
	if err != nil {
		return inputError(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	resp, err := probes.Probe(ctx, batch)
	if err != nil {
		return inputError(err)
	}
	enc := json.NewEncoder(s.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
