package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/cnpc-dev/cnpc/cases"
	"github.com/cnpc-dev/cnpc/engine"
)

func init() { register(newPredictCommand) }

// predictFlags are the flags of `cnpc predict CASE.yaml [-o text|json]`.
type predictFlags struct {
	output string
}

// The JSON contract of `cnpc predict --output json` (issue 2): for every step, every ordered pair
// of peers and every port the destination serves.
type (
	predictOutput struct {
		Case  string        `json:"case"`
		Steps []predictStep `json:"steps"`
	}
	predictStep struct {
		Name    string          `json:"name"`
		Results []predictResult `json:"results"`
	}
	predictResult struct {
		From     string `json:"from"`
		To       string `json:"to"`
		Port     int32  `json:"port"`
		Protocol string `json:"protocol"`
		Allowed  bool   `json:"allowed"`
		Ingress  bool   `json:"ingress"`
		Egress   bool   `json:"egress"`
	}
)

func newPredictCommand(s streams) *cobra.Command {
	var f predictFlags
	cmd := &cobra.Command{
		Use:   "predict CASE",
		Short: "print the engine's truth tables for every step of a case file",
		Long: `Predict loads a case file (or a catalog or generated case, by name), checks it as cnpc run would, and prints
what the engine predicts after every step: one truth table per port and protocol (text), or every
ordered pair of peers on every port the destination serves (json).`,
		Example: `  cnpc predict my-case.yaml
  cnpc predict my-case.yaml -o json
  cnpc predict three-tier          # a catalog case, by name`,
		ValidArgsFunction: completeCases,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("predict: expected one case file, found %d arguments\nusage: cnpc predict CASE.yaml [-o text|json]", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return f.run(args[0], s) },
	}
	cmd.Flags().StringVarP(&f.output, "output", "o", "text", "output format: text (truth tables) or json")
	return cmd
}

func (f predictFlags) run(file string, s streams) error {
	if f.output != "text" && f.output != "json" {
		return usageErrorf("predict: --output: found %q, expected text or json", f.output)
	}
	c, states, predictions, err := predictCase(file, s)
	if err != nil {
		return err
	}
	if f.output == "json" {
		return writePredictJSON(s.Out, c, states, predictions)
	}
	return writePredictText(s.Out, c, states, predictions)
}

// predictCase loads the case arg names (a file, or a catalog or generated case; see loadCase) and
// predicts every step. Bad input is exit 2.
func predictCase(arg string, s streams) (*cases.Case, []cases.State, []*engine.Prediction, error) {
	c, err := loadCase(arg, s)
	if err != nil {
		return nil, nil, nil, err
	}
	states, err := c.States()
	if err != nil {
		return nil, nil, nil, inputError(err)
	}
	var out []*engine.Prediction
	for i, st := range states {
		p, err := engine.PredictState(st)
		if err != nil {
			return nil, nil, nil, inputError(fmt.Errorf("%s: steps[%d] %q: %w", stepWhere(c, i), i, st.Name, err))
		}
		out = append(out, p)
	}
	return c, states, out, nil
}

func writePredictJSON(w io.Writer, c *cases.Case, states []cases.State, ps []*engine.Prediction) error {
	out := predictOutput{Case: c.Name, Steps: []predictStep{}}
	for i, p := range ps {
		step := predictStep{Name: states[i].Name, Results: []predictResult{}}
		for _, r := range p.Results() {
			step.Results = append(step.Results, predictResult{
				From:     r.From.String(),
				To:       r.To.String(),
				Port:     r.Target.Port,
				Protocol: string(r.Target.Protocol),
				Allowed:  r.Verdict.IsAllowed(),
				Ingress:  r.Ingress.IsAllowed(),
				Egress:   r.Egress.IsAllowed(),
			})
		}
		out.Steps = append(out.Steps, step)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writePredictText(w io.Writer, c *cases.Case, states []cases.State, ps []*engine.Prediction) error {
	if _, err := fmt.Fprintf(w, "case %s: %d step(s)\n", c.Name, len(states)); err != nil {
		return err
	}
	for i, p := range ps {
		if _, err := fmt.Fprintf(w, "\n=== step %d: %s\n", i, states[i].Name); err != nil {
			return err
		}
		if err := p.Table().Render(w); err != nil {
			return err
		}
	}
	return nil
}
