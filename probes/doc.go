// Package probes is the program that runs in every probe pod and external host: servers that answer
// each TCP connection, UDP datagram and SCTP association with a short identity line, and a batch
// prober that probes many targets concurrently and returns one Result per target. Its wire types
// (Batch, Target, Response, Result, Attempt) are the contract the suites marshal and unmarshal.
//
// It imports only cases (for cases.Outcome and cases.ParsePeerKey) and internal/version of cnpc's
// packages; never client-go, kind or e2e-framework, because it is linked into the probe image.
// Library code never prints: the server logs through the *slog.Logger it is given, and the prober
// returns data.
package probes
