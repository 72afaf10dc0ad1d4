package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cnpc-dev/cnpc/probes"
)

// probeFlags are the flags of "cnpc-probe probe".
type probeFlags struct {
	file   string
	stream bool
	idle   time.Duration
}

func runProbe(args []string, s streams) error {
	var f probeFlags
	fs := flag.NewFlagSet("cnpc-probe probe", flag.ContinueOnError)
	fs.StringVar(&f.file, "file", "", "read the batch from this JSON file instead of stdin")
	fs.BoolVar(&f.stream, "stream", false, "read one batch per line from stdin and answer each with one line of JSON, until stdin ends")
	fs.DurationVar(&f.idle, "idle", 10*time.Minute, "with --stream, exit when no batch has come for this long")
	if err := parseFlags(fs, args, s); err != nil {
		return err
	}
	if f.stream {
		if f.file != "" {
			return usageErrorf("--stream reads stdin: it takes no --file")
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return probeStream(ctx, s, f.idle)
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

// probeStream answers batches, one JSON object per line of s.In, each with one line of JSON on
// s.Out, in order, until s.In ends (the caller closed the exec's stdin), ctx ends, or idle passes
// without a batch: a stream left open by a caller that went away ends on its own. A batch that
// does not parse ends the stream with the error, so the caller never reads a response for a
// batch it did not send.
func probeStream(ctx context.Context, s streams, idle time.Duration) error {
	lines := make(chan []byte)
	readErr := make(chan error, 1)
	go func() {
		r := bufio.NewReaderSize(s.In, 1<<16)
		for {
			line, err := r.ReadBytes('\n')
			if len(bytes.TrimSpace(line)) > 0 {
				select {
				case lines <- line:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				readErr <- err
				return
			}
		}
	}()
	enc := json.NewEncoder(s.Out)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		timer := time.NewTimer(idle)
		var line []byte
		select {
		case line = <-lines:
			timer.Stop()
		case err := <-readErr:
			timer.Stop()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read batch %d: %w", n, err)
		case <-timer.C:
			return fmt.Errorf("no batch for %s: the stream is idle, exiting", idle)
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
		batch, err := probes.ParseBatch(bytes.NewReader(line), fmt.Sprintf("<stdin> batch %d", n))
		if err != nil {
			return inputError(err)
		}
		resp, err := probes.Probe(ctx, batch)
		if err != nil {
			return inputError(err)
		}
		// One line per response: Encode ends it with a newline.
		if err := enc.Encode(resp); err != nil {
			return fmt.Errorf("write results of batch %d: %w", n, err)
		}
	}
}
