package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

func init() { register(newExplainCommand) }

const explainUsage = "usage: cnpc explain CASE.yaml --from NS/POD|EXTERNAL --to NS/POD|EXTERNAL --port N [--protocol TCP|UDP|SCTP] [--step N]"

// explainFlags are the flags of `cnpc explain`.
type explainFlags struct {
	from, to, protocol string
	port, step         int
}

func newExplainCommand(s streams) *cobra.Command {
	var f explainFlags
	cmd := &cobra.Command{
		Use:   "explain CASE --from PEER --to PEER --port N",
		Short: "explain the engine's verdict for one connection of a case file",
		Long: `Explain says why the engine allows or denies one connection after one step of a case: which
policies isolate the source for egress and the destination for ingress, and which rule (policy,
index, peer, port) admits the connection or that none does. A peer is namespace/pod or the name of
an external host. CASE is a case file, or the name of a catalog or generated case.`,
		Example: `  cnpc explain my-case.yaml --from x/a --to y/a --port 80
  cnpc explain my-case.yaml --from x/a --to backup --port 3306 --protocol UDP --step 0
  cnpc explain three-tier --from x/a --to y/a --port 80     # a catalog case, by name`,
		ValidArgsFunction: completeCases,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("explain: expected one case file, found %d arguments\n%s", len(args), explainUsage)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return f.run(args[0], s) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "source peer: namespace/pod or an external host's name")
	fl.StringVar(&f.to, "to", "", "destination peer: namespace/pod or an external host's name")
	fl.IntVar(&f.port, "port", 0, "destination port")
	fl.StringVar(&f.protocol, "protocol", "TCP", "protocol: TCP, UDP or SCTP")
	fl.IntVar(&f.step, "step", -1, "step to explain, from 0 (default: the last)")
	return cmd
}

func (f explainFlags) run(file string, s streams) error {
	from, to, target, err := f.connection()
	if err != nil {
		return err
	}
	_, states, ps, err := predictCase(file, s)
	if err != nil {
		return err
	}
	step, which := f.step, "chosen with --step"
	if step < 0 {
		step, which = len(states)-1, "the last; choose another with --step"
	}
	if step >= len(states) {
		return usageErrorf("explain: --step: found %d, the case has steps 0 to %d", step, len(states)-1)
	}
	e, err := ps[step].Explain(from, to, target)
	if err != nil {
		return inputError(fmt.Errorf("explain: step %d: %w", step, err))
	}
	fmt.Fprintf(s.Out, "step %d of %d %q (%s)\n%s", step, len(states), states[step].Name, which, e)
	return nil
}

// connection checks the --from, --to, --port and --protocol flags.
func (f explainFlags) connection() (cases.PeerKey, cases.PeerKey, engine.Target, error) {
	if f.from == "" || f.to == "" || f.port == 0 {
		return "", "", engine.Target{}, usageErrorf("explain: --from, --to and --port are required\n%s", explainUsage)
	}
	from, err := cases.ParsePeerKey(f.from)
	if err != nil {
		return "", "", engine.Target{}, usageErrorf("explain: --from: %v", err)
	}
	to, err := cases.ParsePeerKey(f.to)
	if err != nil {
		return "", "", engine.Target{}, usageErrorf("explain: --to: %v", err)
	}
	target, err := engine.ParseTarget(fmt.Sprintf("%s/%d", strings.ToUpper(f.protocol), f.port))
	if err != nil {
		return "", "", engine.Target{}, usageErrorf("explain: --port/--protocol: %v", err)
	}
	return from, to, target, nil
}
